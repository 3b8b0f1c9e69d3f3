/*
 * keymap.c: a hash table from 96-bit keys to 32-bit values, of a size
 * fixed when it is made.  Once it holds as many keys as it was allowed
 * it refuses new ones, so its memory is bounded whatever the input and
 * its user can tell when it stopped being complete.  Keys are digests
 * (keymap_key: the first 96 bits of a SHA-256), so two different inputs
 * never share one.  Open addressing with linear probing, 16 bytes a
 * slot.  The table starts small and doubles as keys come, up to the size
 * that max asks for: hashed keys fall on every page of a table, so one
 * made whole at once would take all its memory for a few thousand keys.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

struct slot {
	uint32_t k[3];		/* {0, 0, 0}: empty */
	uint32_t v;
};

struct keymap {
	struct slot *slot;
	size_t	 size;		/* slots, a power of two */
	size_t	 full;		/* the most slots it grows to */
	size_t	 n;		/* keys held */
	size_t	 max;		/* keys allowed: <= 3/4 of full */
};

#define KEYMAP_START	4096	/* slots to begin with (64 KB) */

struct keymap *
keymap_new(size_t max)
{
	struct keymap *m;
	size_t full = 16;

	while (full / 4 * 3 < max)
		full *= 2;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return NULL;
	m->size = full < KEYMAP_START ? full : KEYMAP_START;
	if ((m->slot = calloc(m->size, sizeof(*m->slot))) == NULL) {
		free(m);
		return NULL;
	}
	m->full = full;
	m->max = max;
	return m;
}

size_t
keymap_bytes(const struct keymap *m)
{
	return m != NULL ? m->size * sizeof(*m->slot) : 0;
}

void
keymap_free(struct keymap *m)
{
	if (m == NULL)
		return;
	free(m->slot);
	free(m);
}

void
keymap_key(const void *p, size_t n, struct mapkey *key)
{
	unsigned char d[32];
	struct sha256 c;

	sha256_init(&c);
	sha256_update(&c, p, n);
	sha256_final(&c, d);
	memcpy(key->k, d, sizeof(key->k));
	if ((key->k[0] | key->k[1] | key->k[2]) == 0)
		key->k[2] = 1;		/* {0, 0, 0} marks an empty slot */
}

void
keymap_int(int64_t i, struct mapkey *key)
{
	key->k[0] = (uint32_t)i;
	key->k[1] = (uint32_t)((uint64_t)i >> 32);
	key->k[2] = 1;
}

/* The slot that holds key, or the empty one where it would go. */
static struct slot *
find(const struct keymap *m, const struct mapkey *key)
{
	const uint32_t *k = key->k;
	uint64_t h = ((uint64_t)k[0] << 32 | k[1]) ^ k[2];
	size_t i = (size_t)((h * 0x9e3779b97f4a7c15ULL) >> 32) &
	    (m->size - 1);

	for (;; i = (i + 1) & (m->size - 1)) {
		struct slot *s = &m->slot[i];

		if ((s->k[0] == k[0] && s->k[1] == k[1] && s->k[2] == k[2]) ||
		    (s->k[0] | s->k[1] | s->k[2]) == 0)
			return s;
	}
}

int
keymap_get(const struct keymap *m, const struct mapkey *key, int64_t *v)
{
	const struct slot *s = find(m, key);

	if ((s->k[0] | s->k[1] | s->k[2]) == 0)
		return 0;
	*v = s->v;
	return 1;
}

/*
 * Doubles the table, or makes it whole at once for keymap_whole; 0, or
 * -1 when there is no memory for it.
 */
static int
grow(struct keymap *m, size_t size)
{
	struct keymap big = *m;
	struct mapkey key;
	size_t i;

	big.size = size;
	if ((big.slot = calloc(big.size, sizeof(*big.slot))) == NULL)
		return -1;
	for (i = 0; i < m->size; i++) {
		if ((m->slot[i].k[0] | m->slot[i].k[1] | m->slot[i].k[2]) == 0)
			continue;
		memcpy(key.k, m->slot[i].k, sizeof(key.k));
		*find(&big, &key) = m->slot[i];
	}
	free(m->slot);
	*m = big;
	return 0;
}

int
keymap_whole(struct keymap *m)
{
	return m->size < m->full ? grow(m, m->full) : 0;
}

int
keymap_put(struct keymap *m, const struct mapkey *key, int64_t v)
{
	struct slot *s;

	if (v < 0 || v > UINT32_MAX)
		return -1;
	s = find(m, key);
	if ((s->k[0] | s->k[1] | s->k[2]) == 0) {
		if (m->n >= m->max)
			return -1;
		if (m->n >= m->size / 4 * 3 && m->size < m->full) {
			if (grow(m, m->size * 2) != 0)
				return -1;	/* refused, as when full */
			s = find(m, key);
		}
		memcpy(s->k, key->k, sizeof(s->k));
		m->n++;
	}
	s->v = (uint32_t)v;
	return 0;
}
