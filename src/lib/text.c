/*
 * text.c: UTF-8 validation, NFKC normalisation, and the canonical forms
 * of the values that identify a buyer (phone, email, account).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "crm.h"

/* Strict UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
int
utf8_valid(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + n;
	unsigned c;

	while (s < e) {
		c = *s;
		if (c < 0x80) {
			s++;
			continue;
		}
		if (c >= 0xc2 && c <= 0xdf) {
			if (e - s < 2 || (s[1] & 0xc0) != 0x80)
				return 0;
			s += 2;
		} else if (c >= 0xe0 && c <= 0xef) {
			if (e - s < 3 || (s[1] & 0xc0) != 0x80 ||
			    (s[2] & 0xc0) != 0x80 ||
			    (c == 0xe0 && s[1] < 0xa0) ||
			    (c == 0xed && s[1] > 0x9f))
				return 0;
			s += 3;
		} else if (c >= 0xf0 && c <= 0xf4) {
			if (e - s < 4 || (s[1] & 0xc0) != 0x80 ||
			    (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80 ||
			    (c == 0xf0 && s[1] < 0x90) ||
			    (c == 0xf4 && s[1] > 0x8f))
				return 0;
			s += 4;
		} else
			return 0;
	}
	return 1;
}

static void
trim_into(const char *s, size_t n, struct buf *out)
{
	while (n > 0 && isspace((unsigned char)*s)) {
		s++;
		n--;
	}
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	buf_reset(out);
	buf_add(out, s, n);
}

/*
 * Whether valid UTF-8 text is certainly NFKC already: ASCII and the CJK
 * unified ideographs (U+3400-U+4DBF, U+4E00-U+9FFF) are, and they are
 * most of what exports hold, so most text skips utf8proc's allocation.
 */
static int
nfkc_stable(const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str, *e = s + n;
	unsigned c;

	while (s < e) {
		if (*s < 0x80) {
			s++;
			continue;
		}
		if ((*s & 0xf0) != 0xe0)
			return 0;
		c = (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 |
		    (s[2] & 0x3f);
		if (!((c >= 0x3400 && c <= 0x4dbf) ||
		    (c >= 0x4e00 && c <= 0x9fff)))
			return 0;
		s += 3;
	}
	return 1;
}

/*
 * NFKC folds full-width digits and letters (０９１２, ＡＢＣ) and the
 * ideographic space into their ASCII forms; ASCII text is already NFKC,
 * so it is only trimmed.
 */
int
text_norm(const char *s, size_t n, struct buf *out)
{
	utf8proc_uint8_t *dst = NULL;
	utf8proc_ssize_t len;
	size_t i;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] >= 0x80)
			break;
	if (i < n && !utf8_valid(s + i, n - i))
		return -1;
	if (i == n || nfkc_stable(s + i, n - i)) {
		trim_into(s, n, out);
		return 0;
	}
	len = utf8proc_map((const utf8proc_uint8_t *)s, (utf8proc_ssize_t)n,
	    &dst, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
	if (len < 0)
		return -1;
	trim_into((const char *)dst, (size_t)len, out);
	free(dst);
	return 0;
}

static int
looks_masked(const char *s)
{
	return strchr(s, '*') != NULL || strstr(s, "xxx") != NULL ||
	    strstr(s, "XXX") != NULL;
}

/*
 * Phones become digits only; Taiwanese numbers take their national form
 * (+886 912-345-678 and 886912345678 are 0912345678), and a nine-digit
 * mobile that lost its leading zero in a spreadsheet gets it back.
 * Other international numbers keep a leading '+'.
 */
enum ident_status
phone_norm(const char *in, struct buf *out)
{
	char d[32];
	size_t n = 0;
	int plus = 0;
	const char *p;

	buf_reset(out);
	if (*in == '\0' || strcmp(in, "-") == 0)
		return ID_EMPTY;
	if (looks_masked(in))
		return ID_MASKED;
	for (p = in; *p != '\0'; p++) {
		if (isdigit((unsigned char)*p)) {
			if (n == sizeof(d) - 1)
				return ID_INVALID;
			d[n++] = *p;
		} else if (*p == '+' && n == 0 && !plus)
			plus = 1;
		else if (*p != ' ' && *p != '-' && *p != '(' && *p != ')' &&
		    *p != '.' && *p != '/')
			return ID_INVALID;
	}
	d[n] = '\0';
	if (n >= 11 && strncmp(d, "886", 3) == 0 && (plus || n == 12)) {
		buf_addc(out, '0');
		buf_adds(out, d[3] == '0' ? d + 4 : d + 3);
	} else if (plus) {
		buf_addc(out, '+');
		buf_adds(out, d);
	} else if (n == 9 && d[0] == '9') {
		buf_addc(out, '0');
		buf_adds(out, d);
	} else
		buf_adds(out, d);
	if (n < 7 || n > 15)
		return ID_INVALID;
	return ID_OK;
}

enum ident_status
email_norm(const char *in, struct buf *out)
{
	const char *at, *p;

	buf_reset(out);
	if (*in == '\0' || strcmp(in, "-") == 0)
		return ID_EMPTY;
	if (strchr(in, '*') != NULL)
		return ID_MASKED;
	at = strchr(in, '@');
	if (at == NULL || at == in || strchr(at + 1, '@') != NULL ||
	    strchr(at + 1, '.') == NULL || at[1] == '.' ||
	    in[strlen(in) - 1] == '.')
		return ID_INVALID;
	for (p = in; *p != '\0'; p++) {
		if (isspace((unsigned char)*p) || *p == ',' || *p == ';' ||
		    *p == '<' || *p == '>') {
			buf_reset(out);
			return ID_INVALID;
		}
		buf_addc(out, (char)tolower((unsigned char)*p));
	}
	return ID_OK;
}

/*
 * Accounts are kept as written, except that a number a spreadsheet
 * turned into "17850.0" is the account 17850.
 */
enum ident_status
account_norm(const char *in, struct buf *out)
{
	const char *dot, *p;

	buf_reset(out);
	if (*in == '\0' || strcmp(in, "-") == 0)
		return ID_EMPTY;
	if (strchr(in, '*') != NULL)
		return ID_MASKED;
	dot = strchr(in, '.');
	if (dot != NULL && dot > in) {
		for (p = in; p < dot && isdigit((unsigned char)*p); p++)
			;
		if (p == dot) {
			for (p = dot + 1; *p == '0'; p++)
				;
			if (*p == '\0') {
				buf_add(out, in, (size_t)(dot - in));
				return ID_OK;
			}
		}
	}
	buf_adds(out, in);
	return ID_OK;
}

/* Columns s takes on a terminal: 2 for CJK, 0 for combining marks. */
int
text_width(const char *s)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t c;
	utf8proc_ssize_t n;
	int w = 0, cw;

	while (*p != '\0') {
		n = utf8proc_iterate(p, -1, &c);
		if (n <= 0) {
			p++;
			w++;
			continue;
		}
		p += n;
		cw = utf8proc_charwidth(c);
		if (cw > 0)
			w += cw;
	}
	return w;
}

int
name_valid(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++, n++)
		if (!isalnum((unsigned char)*s) && *s != '.' && *s != '_' &&
		    *s != '-')
			return 0;
	return n > 0 && n <= 64;
}

/*
 * Whether code point c must not reach a terminal as it is: the C0 and C1
 * controls and DEL, the line and paragraph separators, and the invisible
 * format characters (bidi embeddings, overrides and isolates, zero-width
 * joiners and spaces, the byte order mark ...).
 */
static int
text_hidden(utf8proc_int32_t c)
{
	utf8proc_category_t cat;

	if (c < 0x20 || (c >= 0x7f && c <= 0x9f))
		return 1;
	cat = utf8proc_category(c);
	return cat == UTF8PROC_CATEGORY_CF || cat == UTF8PROC_CATEGORY_ZL ||
	    cat == UTF8PROC_CATEGORY_ZP;
}

size_t
text_write(const char *s, size_t n, FILE *fp, int tty)
{
	struct buf piece = { 0 }, v = { 0 };
	size_t i, start;

	if (!tty)
		return fwrite(s, 1, n, fp);
	for (i = start = 0; i <= n; i++) {
		if (i < n && s[i] != '\n')
			continue;
		buf_reset(&piece);
		buf_add(&piece, s + start, i - start);
		fputs(text_visible(piece.s, &v), fp);
		if (i < n)
			fputc('\n', fp);
		start = i + 1;
	}
	buf_free(&piece);
	buf_free(&v);
	return ferror(fp) ? 0 : n;
}

const char *
text_visible(const char *s, struct buf *out)
{
	const utf8proc_uint8_t *p = (const utf8proc_uint8_t *)s;
	utf8proc_int32_t c;
	utf8proc_ssize_t n;

	buf_reset(out);
	while (*p != '\0') {
		n = utf8proc_iterate(p, -1, &c);
		if (n <= 0) {
			/* Not UTF-8: a lone byte (0x9b is CSI to some). */
			buf_printf(out, "\\x%02X", *p++);
			continue;
		}
		if (!text_hidden(c))
			buf_add(out, (const char *)p, (size_t)n);
		else if (c == '\033')
			buf_adds(out, "\\e");
		else if (c == '\t')
			buf_adds(out, "\\t");
		else if (c == '\n')
			buf_adds(out, "\\n");
		else if (c == '\r')
			buf_adds(out, "\\r");
		else if (c <= 0xff)
			buf_printf(out, "\\x%02X", (unsigned)c);
		else
			buf_printf(out, "\\u%04X", (unsigned)c);
		p += n;
	}
	return out->s != NULL ? out->s : "";
}

/* Edit distance of a and b (short names), for "did you mean". */
int
text_distance(const char *a, const char *b)
{
	int d[32][32], i, j, la = (int)strlen(a), lb = (int)strlen(b), c;

	if (la > 30 || lb > 30)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++)
		for (j = 1; j <= lb; j++) {
			c = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
			if (d[i - 1][j] + 1 < c)
				c = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < c)
				c = d[i][j - 1] + 1;
			d[i][j] = c;
		}
	return d[la][lb];
}
