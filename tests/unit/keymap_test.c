/*
 * keymap_test.c: the bounded digest map crm-import remembers identities
 * in: what goes in comes out, values are replaced, a full map refuses new
 * keys but still answers and replaces, values outside 32 bits are
 * refused, and keys made from different inputs differ.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "unit.h"

static void
key_of(const char *s, struct mapkey *k)
{
	keymap_key(s, strlen(s), k);
}

/* n keys in a map that allows n: all kept, all found, the next refused. */
static void
test_fill(size_t n)
{
	struct keymap *m = keymap_new(n);
	struct mapkey k;
	char s[32];
	int64_t v;
	size_t i, found = 0, right = 0;
	int refused = 0;

	for (i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "u%zu@example.com", i);
		key_of(s, &k);
		if (keymap_put(m, &k, (int64_t)i * 2) != 0)
			refused++;
	}
	CHECK_INT(refused, 0);
	for (i = 0; i < n; i++) {
		snprintf(s, sizeof(s), "u%zu@example.com", i);
		key_of(s, &k);
		if (keymap_get(m, &k, &v)) {
			found++;
			right += v == (int64_t)i * 2;
		}
	}
	CHECK_INT(found, n);
	CHECK_INT(right, n);
	key_of("one more", &k);
	CHECK_INT(keymap_put(m, &k, 1), -1);
	CHECK_INT(keymap_get(m, &k, &v), 0);
	/* Full, yet a key it holds takes a new value. */
	key_of("u0@example.com", &k);
	CHECK_INT(keymap_put(m, &k, 7), 0);
	CHECK_INT(keymap_get(m, &k, &v), 1);
	CHECK_INT(v, 7);
	keymap_free(m);
}

/*
 * A map grows with its keys: 4096 slots of 16 bytes at first, doubled
 * when a key would fill more than 3/4 of them, never beyond the slots
 * that its max asks for (100000 keys: 262144, the first power of two
 * whose 3/4 holds them); the keys it held are all found after it grew.
 */
static void
test_growth(void)
{
	struct keymap *m = keymap_new(100000), *small = keymap_new(12);
	struct mapkey k;
	int64_t v;
	size_t i, found = 0;

	CHECK_INT(keymap_bytes(small), 16 * 16);
	CHECK_INT(keymap_bytes(m), 4096 * 16);
	for (i = 0; i < 3072; i++) {
		keymap_int((int64_t)i + 1, &k);
		CHECK_INT(keymap_put(m, &k, (int64_t)i), 0);
	}
	CHECK_INT(keymap_bytes(m), 4096 * 16);
	keymap_int(3073, &k);
	CHECK_INT(keymap_put(m, &k, 3072), 0);
	CHECK_INT(keymap_bytes(m), 8192 * 16);
	for (i = 0; i < 3073; i++) {
		keymap_int((int64_t)i + 1, &k);
		found += keymap_get(m, &k, &v) && v == (int64_t)i;
	}
	CHECK_INT(found, 3073);
	for (i = 3073; i < 100000; i++) {
		keymap_int((int64_t)i + 1, &k);
		keymap_put(m, &k, 1);
	}
	CHECK_INT(keymap_bytes(m), 262144 * 16);
	CHECK_INT(keymap_whole(m), 0);
	CHECK_INT(keymap_bytes(m), 262144 * 16);
	keymap_free(m);
	keymap_free(small);
	/* Made whole at once, it keeps what it held. */
	m = keymap_new(100000);
	keymap_int(42, &k);
	CHECK_INT(keymap_put(m, &k, 7), 0);
	CHECK_INT(keymap_whole(m), 0);
	CHECK_INT(keymap_bytes(m), 262144 * 16);
	CHECK_INT(keymap_get(m, &k, &v), 1);
	CHECK_INT(v, 7);
	keymap_free(m);
}

static void
test_values(void)
{
	struct keymap *m = keymap_new(4);
	struct mapkey a, b;
	int64_t v = -1;

	keymap_int(5, &a);
	keymap_int(5LL << 32, &b);
	CHECK_INT(keymap_put(m, &a, 4294967295LL), 0);
	CHECK_INT(keymap_get(m, &a, &v), 1);
	CHECK_INT(v, 4294967295LL);
	CHECK_INT(keymap_get(m, &b, &v), 0);	/* high bits count */
	CHECK_INT(keymap_put(m, &b, 4294967296LL), -1);
	CHECK_INT(keymap_put(m, &b, -1), -1);
	CHECK_INT(keymap_get(m, &b, &v), 0);
	CHECK_INT(keymap_put(m, &b, 0), 0);
	CHECK_INT(keymap_get(m, &b, &v), 1);
	CHECK_INT(v, 0);
	keymap_free(m);
}

/* A key covers every byte: a NUL inside, a last byte, the length. */
static void
test_keys(void)
{
	struct mapkey a, b, c, d;

	keymap_key("phone\0\0" "0912345678", 17, &a);
	keymap_key("email\0\0" "0912345678", 17, &b);
	keymap_key("phone\0\0" "0912345679", 17, &c);
	keymap_key("phone\0\0" "0912345678", 16, &d);
	CHECK(memcmp(&a, &b, sizeof(a)) != 0);
	CHECK(memcmp(&a, &c, sizeof(a)) != 0);
	CHECK(memcmp(&a, &d, sizeof(a)) != 0);
	keymap_key("phone\0\0" "0912345678", 17, &d);
	CHECK(memcmp(&a, &d, sizeof(a)) == 0);
	/* The first 96 bits of sha256("abc"): ba7816bf 8f01cfea 414140de */
	keymap_key("abc", 3, &a);
	CHECK(memcmp(a.k, "\xba\x78\x16\xbf\x8f\x01\xcf\xea\x41\x41\x40\xde",
	    12) == 0);
}

int
main(void)
{
	test_fill(1);
	test_fill(12);
	test_fill(100000);
	test_growth();
	test_values();
	test_keys();
	return unit_done();
}
