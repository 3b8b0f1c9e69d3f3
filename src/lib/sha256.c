/*
 * sha256.c: SHA-256 (FIPS 180-4), so that each import can record the
 * checksum of the file it read without another library.
 */
#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHANI 1
#endif

#include "crm.h"

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))

static void
block(struct sha256 *c, const unsigned char *p)
{
	uint32_t w[64], a, b, d, e, f, g, h, cc, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (; i < 64; i++)
		w[i] = w[i - 16] + (ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^
		    (w[i - 15] >> 3)) + w[i - 7] + (ROR(w[i - 2], 17) ^
		    ROR(w[i - 2], 19) ^ (w[i - 2] >> 10));
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3];
	e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) +
		    ((e & f) ^ (~e & g)) + K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		    ((a & b) ^ (a & cc) ^ (b & cc));
		h = g; g = f; f = e; e = d + t1;
		d = cc; cc = b; b = a; a = t1 + t2;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
	c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

#ifdef HAVE_SHANI
/*
 * The same compression with the x86 SHA extensions, about six times
 * faster: an import hashes every byte it reads.  The state is kept as
 * ABEF and CDGH in two registers, as the instructions want it.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void
block_shani(struct sha256 *c, const unsigned char *p)
{
	const __m128i mask = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
	    0x0405060700010203ULL);
	__m128i st0, st1, tmp, msg, m[4], save0, save1;
	int i;

	tmp = _mm_loadu_si128((const __m128i *)&c->h[0]);
	st1 = _mm_loadu_si128((const __m128i *)&c->h[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xb1);		/* CDAB */
	st1 = _mm_shuffle_epi32(st1, 0x1b);		/* EFGH */
	st0 = _mm_alignr_epi8(tmp, st1, 8);		/* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xf0);		/* CDGH */
	save0 = st0;
	save1 = st1;
	for (i = 0; i < 4; i++)
		m[i] = _mm_shuffle_epi8(_mm_loadu_si128(
		    (const __m128i *)(p + 16 * i)), mask);
	for (i = 0; i < 16; i++) {
		if (i >= 4)	/* W[t] from W[t-16], W[t-15], W[t-7], W[t-2] */
			m[i & 3] = _mm_sha256msg2_epu32(_mm_add_epi32(
			    _mm_sha256msg1_epu32(m[i & 3], m[(i - 3) & 3]),
			    _mm_alignr_epi8(m[(i - 1) & 3], m[(i - 2) & 3], 4)),
			    m[(i - 1) & 3]);
		msg = _mm_add_epi32(m[i & 3],
		    _mm_loadu_si128((const __m128i *)&K[4 * i]));
		st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
		msg = _mm_shuffle_epi32(msg, 0x0e);
		st0 = _mm_sha256rnds2_epu32(st0, st1, msg);
	}
	st0 = _mm_add_epi32(st0, save0);
	st1 = _mm_add_epi32(st1, save1);
	tmp = _mm_shuffle_epi32(st0, 0x1b);		/* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xb1);		/* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xf0);		/* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);		/* ABEF */
	_mm_storeu_si128((__m128i *)&c->h[0], st0);
	_mm_storeu_si128((__m128i *)&c->h[4], st1);
}

static int
have_shani(void)
{
	static int have = -1;
	unsigned a, b, cc, d;

	if (have < 0) {
		have = 0;
		if (__get_cpuid(1, &a, &b, &cc, &d) && (cc & bit_SSE4_1) &&
		    (cc & bit_SSSE3) && __get_cpuid_count(7, 0, &a, &b, &cc, &d))
			have = (b & (1u << 29)) != 0;
	}
	return have;
}
#endif

int sha256_portable;	/* set to use the portable code (for tests) */

/* Compresses one 64-byte block into the state. */
static void
compress(struct sha256 *c, const unsigned char *p)
{
#ifdef HAVE_SHANI
	if (!sha256_portable && have_shani()) {
		block_shani(c, p);
		return;
	}
#endif
	block(c, p);
}

void
sha256_init(struct sha256 *c)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
	    0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->n = 0;
}

void
sha256_update(struct sha256 *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t k;

	c->len += n;
	if (c->n > 0) {
		k = 64 - c->n < n ? 64 - c->n : n;
		memcpy(c->blk + c->n, p, k);
		c->n += k;
		p += k;
		n -= k;
		if (c->n < 64)
			return;
		compress(c, c->blk);
		c->n = 0;
	}
	for (; n >= 64; p += 64, n -= 64)
		compress(c, p);
	memcpy(c->blk, p, n);
	c->n = n;
}

void
sha256_final(struct sha256 *c, unsigned char out[32])
{
	uint64_t bits = c->len * 8;
	unsigned char pad[72];
	size_t padn;
	int i;

	padn = (c->n < 56 ? 56 : 120) - c->n;
	memset(pad, 0, sizeof(pad));
	pad[0] = 0x80;
	for (i = 0; i < 8; i++)
		pad[padn + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha256_update(c, pad, padn + 8);
	for (i = 0; i < 32; i++)
		out[i] = (unsigned char)(c->h[i / 4] >> (24 - 8 * (i % 4)));
}

void
sha256_hex(struct sha256 *c, char out[65])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char d[32];
	int i;

	sha256_final(c, d);
	for (i = 0; i < 32; i++) {
		out[2 * i] = hex[d[i] >> 4];
		out[2 * i + 1] = hex[d[i] & 15];
	}
	out[64] = '\0';
}
