/*
 * money.c: amounts as 64-bit integers in minor units (cents), parsed
 * without the locale and without floating point, with overflow checks.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "crm.h"

#define MONEY_MAX	(INT64_MAX / 100)

static const char *const prefixes[] = {
	"NT$", "NTD", "TWD", "US$", "USD", "$", "\xef\xbc\x84", "\xe5\x85\x83",
};

/*
 * Parses "1,234.5", "NT$ 1,234", "-30", "(30)", "$0.99" into minor
 * units.  Thousands separators must sit between groups of three digits;
 * more than two decimals are refused unless they are zeros.  Returns 0,
 * or -1 and sets *why.
 */
int
money_parse(const char *s, int64_t *minor, const char **why)
{
	const char *p = s;
	int neg = 0, paren = 0, ndig = 0, group = -1, frac = 0, nfrac = 0;
	int64_t whole = 0;
	size_t i, n;

	while (*p == ' ')
		p++;
	if (*p == '-') {
		neg = 1;
		p++;
	} else if (*p == '(') {
		paren = 1;
		p++;
	} else if (*p == '+')
		p++;
	/* Most amounts start with a digit: no currency to look for. */
	for (i = 0; !isdigit((unsigned char)*p) &&
	    i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		n = strlen(prefixes[i]);
		if (strncasecmp(p, prefixes[i], n) == 0) {
			p += n;
			while (*p == ' ')
				p++;
			break;
		}
	}
	if (*p == '-' && !neg && !paren) {
		neg = 1;
		p++;
	}
	if (!isdigit((unsigned char)*p) && !(*p == '.' &&
	    isdigit((unsigned char)p[1]))) {
		*why = *s == '\0' ? "empty amount" : "not an amount";
		return -1;
	}
	for (; isdigit((unsigned char)*p) || *p == ','; p++) {
		if (*p == ',') {
			if (ndig == 0 || (group >= 0 && group != 3) ||
			    (group < 0 && ndig > 3))
				goto bad;
			group = 0;
			continue;
		}
		if (whole > MONEY_MAX / 10)
			goto big;
		whole = whole * 10 + (*p - '0');
		ndig++;
		if (group >= 0)
			group++;
	}
	if (group >= 0 && group != 3)
		goto bad;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, nfrac++) {
			if (nfrac < 2)
				frac = frac * 10 + (*p - '0');
			else if (*p != '0') {
				*why = "more than two decimals";
				return -1;
			}
		}
		if (nfrac == 1)
			frac *= 10;
	}
	if (paren) {
		if (*p != ')')
			goto bad;
		p++;
		neg = 1;
	}
	while (*p == ' ')
		p++;
	if (*p != '\0' && strncmp(p, "\xe5\x85\x83", 3) == 0)	/* 元 */
		p += 3;
	if (*p != '\0')
		goto bad;
	if (whole > MONEY_MAX - 1)
		goto big;
	*minor = whole * 100 + frac;
	if (neg)
		*minor = -*minor;
	return 0;
bad:
	*why = "not an amount";
	return -1;
big:
	*why = "amount too large";
	return -1;
}

char *
money_format(int64_t minor, char buf[32])
{
	uint64_t u = minor < 0 ? -(uint64_t)minor : (uint64_t)minor;

	snprintf(buf, 32, "%s%llu.%02llu", minor < 0 ? "-" : "",
	    (unsigned long long)(u / 100), (unsigned long long)(u % 100));
	return buf;
}

int
money_add(int64_t *acc, int64_t v)
{
	return __builtin_add_overflow(*acc, v, acc) ? -1 : 0;
}

int
money_mul(int64_t minor, int64_t qty, int64_t *out)
{
	return __builtin_mul_overflow(minor, qty, out) ? -1 : 0;
}

/* Parses a whole quantity, allowing "2.0" as spreadsheets write it. */
int
qty_parse(const char *s, int64_t *q, const char **why)
{
	const char *p = s;
	int neg = 0;
	int64_t v = 0;

	while (*p == ' ')
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p)) {
		*why = *s == '\0' ? "empty quantity" : "not a whole number";
		return -1;
	}
	for (; isdigit((unsigned char)*p); p++) {
		if (v > 100000000) {
			*why = "quantity too large";
			return -1;
		}
		v = v * 10 + (*p - '0');
	}
	if (*p == '.')
		for (p++; *p == '0'; p++)
			;
	while (*p == ' ')
		p++;
	if (*p != '\0') {
		*why = "not a whole number";
		return -1;
	}
	*q = neg ? -v : v;
	return 0;
}
