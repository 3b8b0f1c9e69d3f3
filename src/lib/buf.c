/*
 * buf.c: a growable, always NUL-terminated byte buffer, and allocation
 * that exits on failure (there is nothing better to do when a filter runs
 * out of memory).
 */
#include <err.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

void *
xmalloc(size_t n)
{
	void *p;

	if ((p = malloc(n == 0 ? 1 : n)) == NULL)
		err(EXIT_DATA, NULL);
	return p;
}

void *
xrealloc(void *p, size_t n)
{
	if ((p = realloc(p, n == 0 ? 1 : n)) == NULL)
		err(EXIT_DATA, NULL);
	return p;
}

char *
xstrdup(const char *s)
{
	char *p;

	if ((p = strdup(s)) == NULL)
		err(EXIT_DATA, NULL);
	return p;
}

static void
buf_grow(struct buf *b, size_t more)
{
	size_t need = b->len + more + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->s = xrealloc(b->s, b->cap);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->s != NULL)
		b->s[0] = '\0';
}

void
buf_add(struct buf *b, const char *s, size_t n)
{
	buf_grow(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void
buf_addc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->s[b->len++] = c;
	b->s[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
buf_free(struct buf *b)
{
	free(b->s);
	b->s = NULL;
	b->len = b->cap = 0;
}

/*
 * Fast row writing: the same text as printf("%lld"), money_format() and
 * csv_putn(), appended to a buffer, for programs that write a row per
 * customer (a fifth of their time went to printf).
 */
void
buf_add_dec(struct buf *b, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int n = 0;

	if (v < 0)
		buf_addc(b, '-');
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	while (n > 0)
		buf_addc(b, tmp[--n]);
}

void
buf_add_money(struct buf *b, int64_t minor)
{
	uint64_t u = minor < 0 ? -(uint64_t)minor : (uint64_t)minor;

	if (minor < 0)
		buf_addc(b, '-');
	buf_add_dec(b, (int64_t)(u / 100));
	buf_addc(b, '.');
	buf_addc(b, (char)('0' + u % 100 / 10));
	buf_addc(b, (char)('0' + u % 10));
}

/*
 * A share of num in den (both 0 or more) as every CSV writes one
 * (crm(7)): a fraction with four decimals, rounded half up, "0.3958";
 * 0.0000 when den is 0.
 */
void
buf_add_share(struct buf *b, int64_t num, int64_t den)
{
	int64_t q = den > 0 ? (num * 10000 + den / 2) / den : 0;
	int k;

	buf_add_dec(b, q / 10000);
	buf_addc(b, '.');
	for (k = 1000; k > 0; k /= 10)
		buf_addc(b, (char)('0' + q / k % 10));
}

void
buf_add_field(struct buf *b, int delim, const char *s)
{
	const char *p;

	if (s == NULL)
		return;
	if (strpbrk(s, delim == ',' ? ",\"\r\n" : "\t\"\r\n") == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}
