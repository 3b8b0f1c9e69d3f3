/*
 * msg.c: the program's name, --version, usage errors and the final check
 * of stdout.  Warnings and errors themselves use err(3) and warnx(3).
 */
#include <err.h>
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

const char *crm_prog = "crm";

/*
 * Sets the program name for messages and the locale for character
 * classification only, so that the decimal point stays '.'.
 */
void
crm_init(const char *argv0)
{
	const char *p;

	setlocale(LC_CTYPE, "");
	if (argv0 != NULL) {
		p = strrchr(argv0, '/');
		crm_prog = p != NULL ? p + 1 : argv0;
	}
}

void
crm_version(void)
{
	printf("%s %s\n", crm_prog, CRM_VERSION);
	exit(crm_finish_stdout());
}

/*
 * Flushes stdout and reports a write error (a full disk, a closed pipe
 * under SIGPIPE ignored).  Returns the exit status to use.
 */
int
crm_finish_stdout(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		if (errno == EPIPE)
			return 0;
		warn("stdout");
		return EXIT_DATA;
	}
	return 0;
}

/* --help: the synopsis and the help text on stdout, exit 0. */
void
crm_help(const char *synopsis, const char *help)
{
	fputs(synopsis, stdout);
	fputs("\n", stdout);
	fputs(help, stdout);
	exit(crm_finish_stdout());
}

/* Prints "prog: message" and the synopsis to stderr, exits 2. */
void
crm_usage_error(const char *synopsis, const char *fmt, ...)
{
	va_list ap;

	if (fmt != NULL) {
		fprintf(stderr, "%s: ", crm_prog);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
		fputc('\n', stderr);
	}
	fprintf(stderr, "%s", synopsis);
	exit(EXIT_USAGE);
}

/*
 * A personal value fit for a message: an e-mail keeps its first
 * character and its domain (a***@example.com), anything else its first
 * four and last three characters when it is long enough
 * (0912***666), else its first character only.  Returns out->s.
 */
const char *
crm_mask(const char *v, struct buf *out)
{
	const char *at = strchr(v, '@');
	size_t n = strlen(v), k;

	buf_reset(out);
	if (n == 0) {
		buf_adds(out, "");
		return out->s;
	}
	/* Whole UTF-8 characters only: skip continuation bytes. */
	for (k = 1; k < n && ((unsigned char)v[k] & 0xc0) == 0x80; k++)
		;
	if (at != NULL) {
		buf_add(out, v, k < (size_t)(at - v) ? k : (size_t)(at - v));
		buf_adds(out, "***");
		buf_adds(out, at);
	} else if (n >= 10) {
		buf_add(out, v, 4);
		buf_adds(out, "***");
		buf_adds(out, v + n - 3);
	} else {
		buf_add(out, v, k);
		buf_adds(out, "***");
	}
	return out->s;
}
