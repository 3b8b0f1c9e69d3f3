/*
 * fuzz_money.c: arbitrary text through money_parse and qty_parse.
 * Checks that whatever parses formats and parses back to the same
 * amount, stays far from the int64 limits, and that plain decimal
 * amounts ("-12.3") parse to what a digit-by-digit reading gives.
 */
#include <ctype.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#define FUZZ_NAME LLVMFuzzerTestOneInput
#endif

int	FUZZ_NAME(const uint8_t *, size_t);

/*
 * If s is a plain amount -?D{1,15}(.D{1,2})?, returns 1 and its value in
 * cents; else 0.
 */
static int
fmoney_plain(const char *s, int64_t *v)
{
	int64_t w = 0, f = 0;
	int neg = 0, nd = 0, nf = 0;

	if (*s == '-') {
		neg = 1;
		s++;
	}
	for (; isdigit((unsigned char)*s); s++, nd++) {
		if (nd == 15)
			return 0;
		w = w * 10 + (*s - '0');
	}
	if (nd == 0)
		return 0;
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s); s++, nf++) {
			if (nf == 2)
				return 0;
			f = f * 10 + (*s - '0');
		}
		if (nf == 0)
			return 0;
		if (nf == 1)
			f *= 10;
	}
	if (*s != '\0')
		return 0;
	*v = (w * 100 + f) * (neg ? -1 : 1);
	return 1;
}

int
FUZZ_NAME(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), buf[32];
	const char *why;
	int64_t v, v2, want, acc;
	int rc;

	why = NULL;
	rc = money_parse(s, &v, &why);
	if (rc == 0) {
		FUZZ_ASSERT(v >= -(INT64_MAX / 100 * 100) &&
		    v <= INT64_MAX / 100 * 100);
		money_format(v, buf);
		FUZZ_ASSERT(money_parse(buf, &v2, &why) == 0);
		FUZZ_ASSERT(v2 == v);
		acc = v;
		(void)money_add(&acc, v);
		(void)money_mul(v, v, &acc);
	} else
		FUZZ_ASSERT(rc == -1 && why != NULL && *why != '\0');
	if (fmoney_plain(s, &want)) {
		FUZZ_ASSERT(rc == 0);
		FUZZ_ASSERT(v == want);
	}

	why = NULL;
	rc = qty_parse(s, &v, &why);
	if (rc == 0) {
		snprintf(buf, sizeof(buf), "%lld", (long long)v);
		FUZZ_ASSERT(qty_parse(buf, &v2, &why) == 0 && v2 == v);
		FUZZ_ASSERT(v >= -1000000000LL * 10 && v <= 1000000000LL * 10);
	} else
		FUZZ_ASSERT(rc == -1 && why != NULL && *why != '\0');
	free(s);
	return 0;
}
