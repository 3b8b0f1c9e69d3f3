/*
 * input.c: an input of crm-import made ready before the store is
 * touched.  A pipe, a fifo or a terminal is read to its end first, into
 * an unlinked temporary file (csvr_spool: mode 0600, in $TMPDIR, 64 KiB
 * of memory at a time), so that the store's write transaction waits for
 * no writer: a converter that takes a minute, or a fifo nobody opens
 * yet, holds up only this run.  A file that cannot be opened is named
 * before anything is written.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "import/import.h"

int
import_input_open(struct import_input *in, const char *path)
{
	struct buf why = { 0 };
	struct stat sb;
	FILE *fp;
	char pre[4];
	size_t npre;
	int fd, isstdin = strcmp(path, "-") == 0;

	in->path = path;
	in->fd = -1;
	if (isstdin)
		fd = STDIN_FILENO;
	else if ((fd = open(path, O_RDONLY)) < 0) {
		warn("%s", path);
		return -1;
	}
	if (fstat(fd, &sb) != 0) {
		warn("%s", isstdin ? "stdin" : path);
		goto fail;
	}
	if (S_ISREG(sb.st_mode) || S_ISDIR(sb.st_mode)) {
		/* Read in place; a directory is refused by the reader. */
		if (!isstdin)
			close(fd);
		return 0;
	}
	fp = isstdin ? stdin : fdopen(fd, "r");
	if (fp == NULL) {
		warn("%s", path);
		goto fail;
	}
	/* A workbook is a zip and holds NULs; text stops at the first. */
	npre = fread(pre, 1, sizeof(pre), fp);
	in->fd = csvr_spool(fp, pre, npre, !(npre == 4 &&
	    memcmp(pre, "PK\003\004", 4) == 0), &why);
	if (!isstdin)
		fclose(fp);
	if (in->fd < 0) {
		warnx("%s: %s", isstdin ? "stdin" : path, why.s);
		buf_free(&why);
		return -1;
	}
	return 0;
fail:
	if (!isstdin)
		close(fd);
	return -1;
}

struct csvr *
import_input_reader(struct import_input *in, int delim, const char *enc)
{
	struct csvr *c;
	int fd = in->fd;

	if (fd < 0)
		return csvr_open(in->path, delim, enc);
	in->fd = -1;			/* taken, closed or not */
	if ((c = csvr_fdopen(fd, strcmp(in->path, "-") == 0 ? "stdin" :
	    in->path, delim, enc)) == NULL) {
		int e = errno;

		close(fd);
		errno = e;
	}
	return c;
}

void
import_input_close(struct import_input *in)
{
	if (in->fd >= 0)
		close(in->fd);
	in->fd = -1;
}

/*
 * The rejects file of --skip-bad: written to a temporary file beside
 * target (mkstemp: 0600 whatever the umask, as the store, for it holds
 * whole rows with phones and e-mails) that replaces target only once
 * the run has committed; a run that fails leaves target as it was.
 */
FILE *
import_rejects_open(const char *target, char **tmp)
{
	const char *slash = strrchr(target, '/');
	struct buf path = { 0 };
	FILE *fp;
	int fd;

	if (slash != NULL)
		buf_printf(&path, "%.*s.%s.XXXXXX", (int)(slash - target + 1),
		    target, slash + 1);
	else
		buf_printf(&path, ".%s.XXXXXX", target);
	if ((fd = mkstemp(path.s)) < 0 || (fp = fdopen(fd, "w")) == NULL) {
		warn("%s", target);
		if (fd >= 0) {
			close(fd);
			unlink(path.s);
		}
		buf_free(&path);
		return NULL;
	}
	*tmp = path.s;
	return fp;
}

/* Writes the rejects out to the disk; 0, or -1 after saying why. */
int
import_rejects_sync(FILE *fp, const char *target)
{
	if (fflush(fp) != 0 || fsync(fileno(fp)) != 0) {
		warn("%s", target);
		return -1;
	}
	return 0;
}

/*
 * Closes the rejects file; when keep, renames it over target.  Returns
 * 0, or -1 after saying why.
 */
int
import_rejects_close(FILE *fp, char *tmp, const char *target, int keep)
{
	int rc = 0;

	if (fclose(fp) != 0 && keep) {
		warn("%s", target);
		keep = 0;
		rc = -1;
	}
	if (keep && rename(tmp, target) != 0) {
		warn("%s: the rejects are in %s", target, tmp);
		rc = -1;
	} else if (!keep)
		unlink(tmp);
	free(tmp);
	return rc;
}
