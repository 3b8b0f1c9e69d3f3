/*
 * sha256_test.c: the FIPS 180-4 examples and lengths around the padding
 * boundaries, one-shot and in pieces.  Digests are sha256sum's.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "unit.h"

/* The digest of n bytes at p, fed in pieces of step bytes (0: at once). */
static const char *
digest(const void *p, size_t n, size_t step)
{
	static char hex[65];
	struct sha256 c;
	size_t i, k;

	sha256_init(&c);
	if (step == 0)
		sha256_update(&c, p, n);
	else
		for (i = 0; i < n; i += k) {
			k = n - i < step ? n - i : step;
			sha256_update(&c, (const char *)p + i, k);
		}
	sha256_hex(&c, hex);
	return hex;
}

/* 'x' repeated n times, as printed by sha256sum for each n. */
static void
test_padding(void)
{
	static const struct {
		size_t n;
		const char *hex;
	} t[] = {
	    { 55, "d5e285683cd4efc02d021a5c62014694958901005d6f71e89e0989fac77e4072" },
	    { 56, "04c26261370ee7541549d16dee320c723e3fd14671e66a099afe0a377c16888e" },
	    { 63, "75220b47218278e656f2013bb8f0c455a25eaf01e86c64924e9d48d89776d6f2" },
	    { 64, "7ce100971f64e7001e8fe5a51973ecdfe1ced42befe7ee8d5fd6219506b5393c" },
	    { 65, "9537c5fdf120482f7d58d25e9ed583f52c02b4e304ea814db1633ad565aed7e9" },
	    { 119, "000b48d4edf0fa7bee3c6236ecd2785baa5db4eeb8bb54341b029e0d9fa5fb0c" },
	    { 120, "13f05a0b594787f5ecd315edc96141bd3243203d1b7d4f0836f37308b276ba98" },
	};
	char x[128];
	size_t i;

	memset(x, 'x', sizeof(x));
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		CHECK_STR(digest(x, t[i].n, 0), t[i].hex);
		CHECK_STR(digest(x, t[i].n, 1), t[i].hex);
		CHECK_STR(digest(x, t[i].n, 7), t[i].hex);
	}
}

int
main(void)
{
	static const char *abc448 =
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	unsigned char *big;
	char *million;
	struct sha256 c;
	char hex[65];
	size_t i, k, steps[] = { 1, 3, 63, 64, 65, 1000, 4096, 65537 };

	CHECK_STR(digest("", 0, 0),
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	CHECK_STR(digest("abc", 3, 0),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_STR(digest("abc", 3, 1),
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	CHECK_STR(digest(abc448, strlen(abc448), 0),
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");

	/* A million 'a's, at once and in pieces of every awkward size. */
	million = malloc(1000000);
	memset(million, 'a', 1000000);
	CHECK_STR(digest(million, 1000000, 0),
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	for (i = 0; i < sizeof(steps) / sizeof(steps[0]); i++)
		CHECK_STR(digest(million, 1000000, steps[i]),
		    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	free(million);

	/* Bytes i % 251 for i < 100000, in pieces of growing sizes. */
	big = malloc(100000);
	for (i = 0; i < 100000; i++)
		big[i] = (unsigned char)(i % 251);
	CHECK_STR(digest(big, 100000, 0),
	    "cd2df694e424bc7968cc37f47751019e5ca0cd1bdf2e479ea537c3a1c32ee1aa");
	sha256_init(&c);
	for (i = 0, k = 0; i < 100000; i += k) {
		k = k % 130 + 1;
		if (k > 100000 - i)
			k = 100000 - i;
		sha256_update(&c, big + i, k);
	}
	sha256_hex(&c, hex);
	CHECK_STR(hex,
	    "cd2df694e424bc7968cc37f47751019e5ca0cd1bdf2e479ea537c3a1c32ee1aa");
	free(big);

	/* Empty updates change nothing. */
	sha256_init(&c);
	sha256_update(&c, "", 0);
	sha256_update(&c, "ab", 2);
	sha256_update(&c, "", 0);
	sha256_update(&c, "c", 1);
	sha256_hex(&c, hex);
	CHECK_STR(hex,
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

	test_padding();
	return unit_done();
}
