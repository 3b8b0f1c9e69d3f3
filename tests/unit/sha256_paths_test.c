/*
 * sha256_paths_test: the CPU's SHA instructions, where there are any, and
 * the portable code give the same digests, on lengths around every block
 * boundary and in uneven pieces.
 */
#include <stdlib.h>

#include "crm.h"
#include "unit.h"

static void
digest(const unsigned char *p, size_t n, size_t piece, char out[65])
{
	struct sha256 c;
	size_t off, k;

	sha256_init(&c);
	for (off = 0; off < n; off += k) {
		k = n - off < piece ? n - off : piece;
		sha256_update(&c, p + off, k);
	}
	sha256_hex(&c, out);
}

int
main(void)
{
	static unsigned char buf[4096];
	char fast[65], slow[65];
	size_t n, i;
	unsigned x = 12345;

	for (i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (unsigned char)(x >> 16);
	}
	for (n = 0; n <= 300; n++) {
		sha256_portable = 0;
		digest(buf, n, 7, fast);
		sha256_portable = 1;
		digest(buf, n, 64, slow);
		CHECK_STR(fast, slow);
	}
	sha256_portable = 0;
	digest(buf, sizeof(buf), 1000, fast);
	sha256_portable = 1;
	digest(buf, sizeof(buf), 3, slow);
	CHECK_STR(fast, slow);
	/* FIPS 180-2, "abc", both ways. */
	for (i = 0; i < 2; i++) {
		sha256_portable = (int)i;
		digest((const unsigned char *)"abc", 3, 3, fast);
		CHECK_STR(fast, "ba7816bf8f01cfea414140de5dae2223"
		    "b00361a396177a9cb410ff61f20015ad");
	}
	return unit_done();
}
