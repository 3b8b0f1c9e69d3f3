/*
 * rfm.c: RFM scores from quantile break points with ties kept together,
 * and named segments from an ordered rule table.  crm-rfm prints them;
 * crm-segment's r, f, m, rfm and rfm_segment conditions use the same
 * table, so the two programs always agree.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "rfm.h"

/*
 * The usual ten segments (the table of the R package rfm and of Putler),
 * reordered so that every segment can be reached under "first match
 * wins": in the original order At Risk hides Can't Lose Them, and
 * Potential Loyalist hides New Customers, Promising, Need Attention and
 * About To Sleep.  crm-rfm(1) prints this table.
 */
static const struct {
	int	 lo[3], hi[3];
	const char *name;
} default_rules[] = {
	{ { 4, 4, 4 }, { 5, 5, 5 }, "Champions" },
	{ { 2, 3, 3 }, { 5, 5, 5 }, "Loyal Customers" },
	{ { 1, 4, 4 }, { 1, 5, 5 }, "Can't Lose Them" },
	{ { 4, 1, 1 }, { 5, 1, 1 }, "New Customers" },
	{ { 3, 1, 1 }, { 4, 1, 1 }, "Promising" },
	{ { 2, 2, 2 }, { 3, 3, 3 }, "Need Attention" },
	{ { 2, 1, 1 }, { 3, 2, 2 }, "About To Sleep" },
	{ { 3, 1, 1 }, { 5, 3, 3 }, "Potential Loyalist" },
	{ { 1, 2, 2 }, { 2, 5, 5 }, "At Risk" },
	{ { 1, 1, 1 }, { 2, 2, 2 }, "Lost" },
};

struct rfm_rules *
rfm_rules_default(void)
{
	struct rfm_rules *t = xmalloc(sizeof(*t));
	size_t i, n = sizeof(default_rules) / sizeof(default_rules[0]);
	int k;

	t->n = n;
	t->v = xmalloc(n * sizeof(t->v[0]));
	for (i = 0; i < n; i++) {
		for (k = 0; k < 3; k++) {
			t->v[i].lo[k] = default_rules[i].lo[k];
			t->v[i].hi[k] = default_rules[i].hi[k];
		}
		t->v[i].name = xstrdup(default_rules[i].name);
	}
	return t;
}

void
rfm_rules_free(struct rfm_rules *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t);
}

/* Reads one score: digits; returns the pointer after them, or NULL. */
static const char *
score_num(const char *p, int *v)
{
	long n = 0;

	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p)) {
		n = n * 10 + (*p++ - '0');
		if (n > RFM_BINS_MAX)
			return NULL;
	}
	if (n < 1)
		return NULL;
	*v = (int)n;
	return p;
}

/* Parses "*", "3" or "2-4" ending at a blank; 0, or -1. */
static int
parse_range(const char **pp, int *lo, int *hi)
{
	const char *p = *pp;

	if (*p == '*') {
		*lo = 1;
		*hi = RFM_BINS_MAX;
		p++;
	} else {
		if ((p = score_num(p, lo)) == NULL)
			return -1;
		*hi = *lo;
		if (*p == '-' && ((p = score_num(p + 1, hi)) == NULL ||
		    *hi < *lo))
			return -1;
	}
	if (*p != ' ' && *p != '\t' && *p != '\0')
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	*pp = p;
	return 0;
}

struct rfm_rules *
rfm_rules_load(const char *path)
{
	static const char *const what[3] = { "R", "F", "M" };
	struct rfm_rules *t;
	FILE *fp;
	char *line = NULL, *end;
	const char *p;
	size_t cap = 0, alloc = 0;
	ssize_t len;
	long lineno = 0;
	int k;

	if ((fp = fopen(path, "r")) == NULL) {
		warn("%s", path);
		return NULL;
	}
	t = xmalloc(sizeof(*t));
	t->v = NULL;
	t->n = 0;
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r' || line[len - 1] == ' ' ||
		    line[len - 1] == '\t'))
			line[--len] = '\0';
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if (!utf8_valid(p, strlen(p))) {
			warnx("%s:%ld: not UTF-8", path, lineno);
			goto fail;
		}
		if (t->n == RFM_RULES_MAX) {
			warnx("%s:%ld: more than %d rules", path, lineno,
			    RFM_RULES_MAX);
			goto fail;
		}
		if (t->n == alloc) {
			alloc = alloc == 0 ? 16 : alloc * 2;
			t->v = xrealloc(t->v, alloc * sizeof(t->v[0]));
		}
		for (k = 0; k < 3; k++) {
			if (parse_range(&p, &t->v[t->n].lo[k],
			    &t->v[t->n].hi[k]) != 0) {
				warnx("%s:%ld: bad %s range (want a score "
				    "1-%d, a range like 2-4, or *, then the "
				    "segment name): '%s'", path, lineno,
				    what[k], RFM_BINS_MAX, line);
				goto fail;
			}
		}
		end = line + len;
		if (p == end) {
			warnx("%s:%ld: a rule needs a segment name after its "
			    "three ranges: '%s'", path, lineno, line);
			goto fail;
		}
		t->v[t->n].name = xstrdup(p);
		t->n++;
	}
	if (ferror(fp)) {
		warn("%s", path);
		goto fail;
	}
	if (t->n == 0) {
		warnx("%s: no rules in the segment table", path);
		goto fail;
	}
	free(line);
	fclose(fp);
	return t;
fail:
	free(line);
	fclose(fp);
	rfm_rules_free(t);
	return NULL;
}

/* ==== Break points ==== */

#define NBUCKETS 4096

/* The measures' columns in asof_stats, in the order of the scores. */
static const char *const measure_col[3] = { "last_day", "purchases",
	"spent" };
#define MEASURES "last_day, purchases, spent"

/*
 * The first pass counts values in buckets of fixed, order-preserving
 * keys over all of int64: values below 4096 exactly, larger ones by
 * their bit length and the 12 bits after the leading one (a bucket is
 * 1/4096 of its value wide), negatives mirrored.
 */
#define KEY_BITS 12
#define KEY_HALF ((size_t)(1 << KEY_BITS) * (65 - KEY_BITS))
#define NKEYS	(2 * KEY_HALF)

static size_t
key_pos(uint64_t v)
{
	int bl;

	if (v < (1u << KEY_BITS))
		return (size_t)v;
	bl = 64 - __builtin_clzll(v);
	return ((size_t)(bl - KEY_BITS) << KEY_BITS) +
	    (size_t)((v >> (bl - KEY_BITS - 1)) & ((1u << KEY_BITS) - 1));
}

static size_t
key_of(int64_t v)
{
	if (v >= 0)
		return KEY_HALF + key_pos((uint64_t)v);
	return KEY_HALF - 1 - key_pos((uint64_t)(-(v + 1)));
}

/* The values [lo, hi] of non-negative key position k. */
static void
pos_range(size_t k, uint64_t *lo, uint64_t *hi)
{
	int sh;

	if (k < (1u << KEY_BITS)) {
		*lo = *hi = k;
		return;
	}
	sh = (int)(k >> KEY_BITS) - 1;	/* bit length - KEY_BITS - 1 */
	*lo = ((uint64_t)(1u << KEY_BITS) + (k & ((1u << KEY_BITS) - 1)))
	    << sh;
	*hi = *lo + (((uint64_t)1 << sh) - 1);
}

static void
key_range(size_t k, int64_t *lo, int64_t *hi)
{
	uint64_t a, b;

	if (k >= KEY_HALF) {
		pos_range(k - KEY_HALF, &a, &b);
		*lo = (int64_t)a;
		*hi = (int64_t)b;
	} else {
		pos_range(KEY_HALF - 1 - k, &a, &b);
		*lo = -(int64_t)b - 1;
		*hi = -(int64_t)a - 1;
	}
}

/* The 0-based rank of break point k (1..bins-1) among n values. */
static int64_t
break_rank(int64_t n, int bins, int k)
{
	return (k * n + bins - 1) / bins - 1;		/* ceil, from 0 */
}

/* How many break points of measure (-1: of any) are not exact yet. */
static int
open_breaks(const struct rfm_breaks *b, int measure)
{
	int m, k, open = 0;

	for (m = 0; m < 3; m++)
		for (k = 0; k < b->bins - 1; k++)
			if ((measure < 0 || m == measure) &&
			    b->q[m][k] != b->hi[m][k])
				open++;
	return open;
}

/*
 * Prepares "SELECT cols FROM temp.asof_stats" over the customers of
 * TEMP table within (all when NULL) and, when cond is not empty, only
 * the rows where it holds.
 */
static sqlite3_stmt *
measures_prepare(sqlite3 *db, const char *within, const char *cols,
    const char *cond)
{
	sqlite3_stmt *st;
	char *sql;

	if (within != NULL)
		sql = sqlite3_mprintf("SELECT %s FROM temp.asof_stats WHERE"
		    " customer_id IN (SELECT customer_id FROM temp.\"%w\")%s%s%s",
		    cols, within, *cond ? " AND (" : "", cond, *cond ? ")" : "");
	else
		sql = sqlite3_mprintf("SELECT %s FROM temp.asof_stats%s%s",
		    cols, *cond ? " WHERE " : "", cond);
	if (sql == NULL)
		return NULL;
	st = store_prepare(db, sql);
	sqlite3_free(sql);
	return st;
}

/*
 * Customers counted by value: one entry per value v and two small numbers
 * r and f (0 when unused), in a hash table of at most `max` entries (32
 * bytes each, 40 with the slots).  The first pass counts recency and
 * spend in one each while their values are few enough (EXACT_MAX: 2.5
 * MB), so that their break points are exact at once; for rfm_tally() it
 * counts the whole store by spend, recency score and purchases (the cube,
 * ASIDE_MAX: 10 MB); rfm_tally()'s second pass keeps aside there the
 * customers whose spend's break point is still open, by spend, recency
 * and frequency score.
 */
#define EXACT_MAX	(1 << 16)
#define ASIDE_MAX	(1 << 18)

struct aside_ent {
	int64_t	 v;			/* the value counted */
	int64_t	 customers;
	int64_t	 purchases;
	int	 r, f;
};

struct aside {
	struct aside_ent *e;		/* the entries */
	size_t	 n, cap;		/* cap: nslot / 2 */
	uint32_t *slot;			/* 1 + index into e, or 0 */
	size_t	 nslot;			/* a power of 2, >= 2 * n */
	size_t	 max;			/* entries at most */
	int	 full;			/* a customer did not fit */
};

static size_t
aside_hash(int64_t v, int r, int f, size_t mask)
{
	uint64_t z = (uint64_t)v * 0x9e3779b97f4a7c15ULL ^
	    ((uint64_t)r << 8 | (uint64_t)f) * 0xbf58476d1ce4e5b9ULL;

	return (size_t)(z ^ (z >> 29)) & mask;
}

/* Slot of (v, r, f) in a->slot: its entry's, or the empty one. */
static size_t
aside_find(const struct aside *a, int64_t v, int r, int f)
{
	const struct aside_ent *x;
	size_t i = aside_hash(v, r, f, a->nslot - 1);

	while (a->slot[i] != 0) {
		x = &a->e[a->slot[i] - 1];
		if (x->v == v && x->r == r && x->f == f)
			break;
		i = (i + 1) & (a->nslot - 1);
	}
	return i;
}

/*
 * Adds c customers of value v, scores r and f, who made purchases in all,
 * or sets a->full when there is no room for them.
 */
static void
aside_add(struct aside *a, int64_t v, int r, int f, int64_t c,
    int64_t purchases)
{
	struct aside_ent *x;
	size_t i, j;

	if (a->full)
		return;
	if (a->nslot > 0 && a->slot[i = aside_find(a, v, r, f)] != 0) {
		x = &a->e[a->slot[i] - 1];
		x->customers += c;
		/* Wrapping, as a sum of the customers one by one would. */
		x->purchases = (int64_t)((uint64_t)x->purchases +
		    (uint64_t)purchases);
		return;
	}
	if (a->n == a->max) {
		a->full = 1;
		return;
	}
	if (2 * (a->n + 1) > a->nslot) {
		a->nslot = a->nslot == 0 ? 1024 : 2 * a->nslot;
		free(a->slot);
		a->slot = xmalloc(a->nslot * sizeof(a->slot[0]));
		memset(a->slot, 0, a->nslot * sizeof(a->slot[0]));
		for (j = 0; j < a->n; j++)
			a->slot[aside_find(a, a->e[j].v, a->e[j].r,
			    a->e[j].f)] = (uint32_t)j + 1;
		a->cap = a->nslot / 2;
		a->e = xrealloc(a->e, a->cap * sizeof(a->e[0]));
	}
	i = aside_find(a, v, r, f);
	x = &a->e[a->n];
	x->v = v;
	x->r = r;
	x->f = f;
	x->customers = c;
	x->purchases = purchases;
	a->slot[i] = (uint32_t)++a->n;
}

static int
aside_cmp(const void *p, const void *q)
{
	const struct aside_ent *x = p, *y = q;

	return x->v < y->v ? -1 : x->v > y->v;
}

/* The entries in order of value (none: e is NULL, not for qsort). */
static void
aside_sort(struct aside *a)
{
	if (a->n > 0)
		qsort(a->e, a->n, sizeof(a->e[0]), aside_cmp);
}

static void
aside_free(struct aside *a)
{
	free(a->e);
	free(a->slot);
}

/*
 * Sets the break points of measure m that fall on value v, held by the c
 * customers after the cum below it, walking the values upwards (*k the
 * next break point, from 1).
 */
static void
breaks_at(struct rfm_breaks *b, int m, int64_t v, int64_t c, int64_t cum,
    int *k)
{
	for (; *k < b->bins && break_rank(b->n, b->bins, *k) < cum + c; (*k)++)
		b->q[m][*k - 1] = b->hi[m][*k - 1] = v;
}

/*
 * The recency break points of the whole store as of its newest day, off
 * stats_days (customers by last purchase day, kept with customer_stats
 * by triggers): a row per day, not per customer.  Returns the customers
 * it counts, or -1.
 */
static int64_t
days_breaks(sqlite3 *db, struct rfm_breaks *b)
{
	sqlite3_stmt *st;
	int64_t cum = 0, c;
	int k = 1, rc;

	if ((st = store_prepare(db, "SELECT coalesce(sum(customers), 0)"
	    " FROM main.stats_days")) == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		b->n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if ((st = store_prepare(db, "SELECT last_day, sum(customers)"
	    " FROM main.stats_days GROUP BY last_day ORDER BY last_day")) ==
	    NULL)
		return -1;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		c = sqlite3_column_int64(st, 1);
		breaks_at(b, RFM_R, sqlite3_column_int64(st, 0), c, cum, &k);
		cum += c;
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE && cum == b->n ? b->n : -1;
}

/*
 * Counts c customers of value v of a measure in the first pass: by value
 * in ex while they fit, else in the fixed keys of h (what ex held moved
 * there).
 */
static void
first_count(struct aside *ex, uint32_t *h, int64_t v, int64_t c)
{
	size_t i;

	if (ex->max > 0) {
		aside_add(ex, v, 0, 0, c, 0);
		if (!ex->full)
			return;
		for (i = 0; i < ex->n; i++)
			h[key_of(ex->e[i].v)] += (uint32_t)ex->e[i].customers;
		ex->max = 0;
	}
	h[key_of(v)] += (uint32_t)c;
}

/* The break points of measure m exact off a's counts by value, sorted. */
static void
breaks_off(struct aside *a, int m, struct rfm_breaks *b)
{
	int64_t cum = 0;
	size_t e;
	int k = 1;

	aside_sort(a);
	for (e = 0; e < a->n; e++) {
		breaks_at(b, m, a->e[e].v, a->e[e].customers, cum, &k);
		cum += a->e[e].customers;
	}
}

/*
 * The frequency or spend break points exact off the cube of first_pass,
 * its entries first summed by that measure's value (few to sort).
 */
static void
cube_breaks(const struct aside *cube, int m, struct rfm_breaks *b)
{
	struct aside t = { .max = ASIDE_MAX };
	size_t e;

	for (e = 0; e < cube->n; e++)
		aside_add(&t, m == RFM_F ? cube->e[e].f : cube->e[e].v, 0, 0,
		    cube->e[e].customers, 0);
	breaks_off(&t, m, b);
	aside_free(&t);
}

/*
 * Moves what the cube held to the counts of each measure of the first
 * pass (F then M, as ms is with a cube), and frees it: from now on the
 * customers are counted there.
 */
static void
cube_spill(struct aside *cube, struct aside *ex, uint32_t *h)
{
	size_t e;

	for (e = 0; e < cube->n; e++) {
		first_count(&ex[0], h, cube->e[e].f, cube->e[e].customers);
		first_count(&ex[1], h + NKEYS, cube->e[e].v,
		    cube->e[e].customers);
	}
	aside_free(cube);
	memset(cube, 0, sizeof(*cube));
}

/*
 * A customer on the way into the cube.  The cube is megabytes of hash
 * table, and each customer costs two cache misses in it (the slot, then
 * the entry), which were half of crm-rfm --summary's time on a store of
 * a million customers: so each goes in two rows after it was read, its
 * slot fetched ahead when it is read and its entry one row later, while
 * SQLite reads the next rows.  The order customers go in changes nothing
 * the cube holds.
 */
struct ahead {
	int64_t	 v, p;
	int	 r;
	size_t	 h;			/* its slot when it was read */
};

/* Fetches ahead x's slot (stage 0) or, the slot read, its entry. */
static void
ahead_fetch(const struct aside *a, struct ahead *x, int stage)
{
	uint32_t i;

	if (a->nslot == 0)
		return;
	if (stage == 0) {
		x->h = aside_hash(x->v, x->r, (int)x->p, a->nslot - 1);
		__builtin_prefetch(&a->slot[x->h]);
	} else if (x->h < a->nslot && (i = a->slot[x->h]) != 0)
		__builtin_prefetch(&a->e[i - 1]);
}

/* Puts customer x in the cube, or, once it is full, in the counts of
 * each measure. */
static void
cube_put(struct aside *cube, struct aside *ex, uint32_t *h,
    const struct ahead *x)
{
	if (cube->max > 0) {
		aside_add(cube, x->v, x->r, (int)x->p, 1, x->p);
		if (!cube->full)
			return;
		cube_spill(cube, ex, h);
	}
	first_count(&ex[0], h, x->p, 1);
	first_count(&ex[1], h + NKEYS, x->v, 1);
}

/*
 * The first pass: every break point's range, off fixed keys (exact for
 * values below 4096), or its exact value off the counts by value of
 * recency and spend when they fit; recency's exact off stats_days for
 * the whole store.  With cube (max set) and recency off stats_days, the
 * customers are counted by spend, recency score and purchases in cube
 * while they fit, which is all rfm_tally() needs: then the frequency and
 * spend break points are exact off it.  Else cube->max is made 0 (what
 * it held moved to the counts of each measure).
 */
static int
first_pass(sqlite3 *db, int bins, const char *within,
    struct rfm_breaks *b, struct aside *cube)
{
	sqlite3_stmt *st = NULL;
	struct buf cols = { 0 };
	struct aside ex[3], none = { 0 };
	struct ahead q[3];
	uint32_t *h = NULL;
	int64_t cum, rank, days_n = -1, v, p;
	size_t kk;
	int ms[3], nm, nq, i, k, m, j, rc = -1;

	if (cube == NULL)
		cube = &none;
	memset(b, 0, sizeof(*b));
	memset(ex, 0, sizeof(ex));
	b->bins = bins;
	/* The whole store: recency off stats_days (see days_breaks). */
	if (within == NULL && bins >= 2 && asof_stats_whole(db) &&
	    (days_n = days_breaks(db, b)) < 0)
		goto done;
again:
	if (days_n < 0) {
		aside_free(cube);
		memset(cube, 0, sizeof(*cube));
	}
	nm = 0;
	buf_reset(&cols);
	for (m = 0; m < 3; m++) {
		if (m == RFM_R && days_n >= 0)
			continue;
		if (nm > 0)
			buf_adds(&cols, ", ");
		buf_adds(&cols, measure_col[m]);
		/* Order counts below 4096 are exact in their keys. */
		ex[nm].max = m == RFM_F ? 0 : EXACT_MAX;
		ms[nm++] = m;
	}
	if (cube->max > 0)		/* then ms is F, M */
		buf_adds(&cols, ", last_day");
	if ((st = measures_prepare(db, within, cols.s, "")) == NULL)
		goto done;
	h = xmalloc((size_t)nm * NKEYS * sizeof(h[0]));
	memset(h, 0, (size_t)nm * NKEYS * sizeof(h[0]));
	b->n = 0;
	nq = 0;
	while ((j = store_step(st)) == SQLITE_ROW) {
		b->n++;
		if (cube->max > 0) {
			p = sqlite3_column_int64(st, 0);
			v = sqlite3_column_int64(st, 1);
			if (p >= 0 && p <= INT_MAX) {
				q[nq] = (struct ahead){ .v = v, .p = p,
				    .r = rfm_score(b, RFM_R,
				    sqlite3_column_int64(st, 2)) };
				ahead_fetch(cube, &q[nq], 0);
				if (nq > 0)
					ahead_fetch(cube, &q[nq - 1], 1);
				if (++nq == 3) {
					cube_put(cube, ex, h, &q[0]);
					q[0] = q[1];
					q[1] = q[2];
					nq = 2;
				}
				continue;
			}
			/* A count beyond the cube: on with the counts of
			 * each measure. */
			for (i = 0; i < nq; i++)
				cube_put(cube, ex, h, &q[i]);
			nq = 0;
			if (cube->max > 0)
				cube_spill(cube, ex, h);
		}
		for (i = 0; i < nm; i++)
			first_count(&ex[i], h + i * NKEYS,
			    sqlite3_column_int64(st, i), 1);
	}
	for (i = 0; i < nq; i++)
		cube_put(cube, ex, h, &q[i]);
	if (j != SQLITE_DONE)
		goto done;
	if (days_n >= 0 && days_n != b->n) {
		/* stats_days behind customer_stats: count recency too. */
		sqlite3_finalize(st);
		st = NULL;
		free(h);
		h = NULL;
		for (i = 0; i < nm; i++)
			aside_free(&ex[i]);
		memset(ex, 0, sizeof(ex));
		days_n = -1;
		goto again;
	}
	if (b->n == 0 || bins < 2) {
		rc = 0;
		goto done;
	}
	if (cube->max > 0) {
		cube_breaks(cube, RFM_F, b);
		cube_breaks(cube, RFM_M, b);
		rc = 0;
		goto done;
	}
	for (i = 0; i < nm; i++) {
		m = ms[i];
		cum = 0;
		k = 1;
		if (ex[i].max > 0) {		/* exact, by value */
			breaks_off(&ex[i], m, b);
			continue;
		}
		/* Each break point's bucket, in one walk of the keys. */
		for (kk = 0; k < bins; k++) {
			rank = break_rank(b->n, bins, k);
			while (cum + h[i * NKEYS + kk] <= rank)
				cum += h[i * NKEYS + kk++];
			b->rank[m][k - 1] = rank - cum;
			key_range(kk, &b->q[m][k - 1], &b->hi[m][k - 1]);
		}
	}
	rc = 0;
done:
	sqlite3_finalize(st);
	free(h);
	for (i = 0; i < 3; i++)
		aside_free(&ex[i]);
	buf_free(&cols);
	return rc;
}

/*
 * Whether break point k of measure m has the range of break point k - 1
 * (ties, or a dense range): one condition serves both.
 */
static int
same_range(const struct rfm_breaks *b, int m, int k)
{
	return k > 0 && b->q[m][k] == b->q[m][k - 1] &&
	    b->hi[m][k] == b->hi[m][k - 1];
}

/*
 * Appends to cond "col BETWEEN ?i AND ?j" for each open range of the
 * measures in mask (bit 1 << measure), joined by OR; ranges_bind() binds
 * them in the same order.  Returns how many.
 */
static int
ranges_cond(const struct rfm_breaks *b, int mask, struct buf *cond)
{
	int m, k, np = 0;

	for (m = 0; m < 3; m++)
		for (k = 0; k < b->bins - 1; k++)
			if ((mask & 1 << m) && b->q[m][k] != b->hi[m][k] &&
			    !same_range(b, m, k)) {
				buf_printf(cond, "%s%s BETWEEN ?%d AND ?%d",
				    np > 0 ? " OR " : "", measure_col[m],
				    2 * np + 1, 2 * np + 2);
				np++;
			}
	return np;
}

static void
ranges_bind(sqlite3_stmt *st, const struct rfm_breaks *b, int mask)
{
	int m, k, np = 0;

	for (m = 0; m < 3; m++)
		for (k = 0; k < b->bins - 1; k++)
			if ((mask & 1 << m) && b->q[m][k] != b->hi[m][k] &&
			    !same_range(b, m, k)) {
				sqlite3_bind_int64(st, ++np, b->q[m][k]);
				sqlite3_bind_int64(st, ++np, b->hi[m][k]);
			}
}

/*
 * One pass over only the customers with a measure inside an open break
 * point's range (SQLite tests the ranges, but still steps through every
 * row: it costs about what the first pass does; the counts by value
 * leave it for measures of many values).  Each range is cut into
 * NBUCKETS and narrowed to the one holding its break point: days and
 * counts are exact after one pass, amounts below about 16 million minor
 * units too.
 */
static int
narrow(sqlite3 *db, const char *within, struct rfm_breaks *b)
{
	struct buf cond = { 0 };
	sqlite3_stmt *st = NULL;
	int64_t (*h)[NBUCKETS] = NULL, v, cum;
	uint64_t width[3][RFM_BINS_MAX], span, kb;
	int idx[3][RFM_BINS_MAX];	/* histogram of an open one, or -1 */
	int m, k, nh = 0, i, j, rc = -1;

	for (m = 0; m < 3; m++)
		for (k = 0; k < b->bins - 1; k++) {
			idx[m][k] = -1;
			if (b->q[m][k] == b->hi[m][k])
				continue;
			idx[m][k] = nh++;
			span = (uint64_t)b->hi[m][k] - (uint64_t)b->q[m][k] + 1;
			width[m][k] = span / NBUCKETS + (span % NBUCKETS != 0);
		}
	if (nh == 0)
		return 0;
	ranges_cond(b, 7, &cond);
	if ((st = measures_prepare(db, within, MEASURES, cond.s)) == NULL)
		goto done;
	ranges_bind(st, b, 7);
	h = xmalloc((size_t)nh * sizeof(h[0]));
	memset(h, 0, (size_t)nh * sizeof(h[0]));
	while ((j = store_step(st)) == SQLITE_ROW)
		for (m = 0; m < 3; m++) {
			v = sqlite3_column_int64(st, m);
			for (k = 0; k < b->bins - 1; k++)
				if (idx[m][k] >= 0 && v >= b->q[m][k] &&
				    v <= b->hi[m][k])
					h[idx[m][k]][((uint64_t)v -
					    (uint64_t)b->q[m][k]) /
					    width[m][k]]++;
		}
	if (j != SQLITE_DONE)
		goto done;
	for (m = 0; m < 3; m++)
		for (k = 0; k < b->bins - 1; k++) {
			if ((i = idx[m][k]) < 0)
				continue;
			cum = 0;
			for (kb = 0; kb < NBUCKETS; kb++) {
				if (cum + h[i][kb] > b->rank[m][k])
					break;
				cum += h[i][kb];
			}
			if (kb == NBUCKETS) {	/* cannot happen */
				warnx("rfm: break point not found");
				goto done;
			}
			b->rank[m][k] -= cum;
			b->q[m][k] = (int64_t)((uint64_t)b->q[m][k] +
			    kb * width[m][k]);
			if ((uint64_t)b->hi[m][k] - (uint64_t)b->q[m][k] >=
			    width[m][k])
				b->hi[m][k] = (int64_t)((uint64_t)b->q[m][k] +
				    width[m][k] - 1);
		}
	rc = 0;
done:
	sqlite3_finalize(st);
	free(h);
	buf_free(&cond);
	return rc;
}

int
rfm_breaks(sqlite3 *db, int bins, const char *within, struct rfm_breaks *b)
{
	if (first_pass(db, bins, within, b, NULL) != 0)
		return -1;
	while (open_breaks(b, -1) > 0)
		if (narrow(db, within, b) != 0)
			return -1;
	return 0;
}

int
rfm_score(const struct rfm_breaks *b, int measure, int64_t v)
{
	int k, s = 1;

	for (k = 0; k < b->bins - 1; k++)
		if (v > b->q[measure][k])
			s++;
	return s;
}

int
rfm_score_sure(const struct rfm_breaks *b, int measure, int64_t v)
{
	int k, s = 1;

	for (k = 0; k < b->bins - 1; k++) {
		if (v > b->hi[measure][k])
			s++;
		else if (v >= b->q[measure][k] &&
		    b->q[measure][k] != b->hi[measure][k])
			return 0;
	}
	return s;
}

size_t
rfm_rule_of(const struct rfm_rules *rules, int r, int f, int m)
{
	const struct rfm_rule *u;
	size_t i;

	for (i = 0; i < rules->n; i++) {
		u = &rules->v[i];
		if (r >= u->lo[0] && r <= u->hi[0] && f >= u->lo[1] &&
		    f <= u->hi[1] && m >= u->lo[2] && m <= u->hi[2])
			break;
	}
	return i;
}

const char *
rfm_segment(const struct rfm_rules *rules, int r, int f, int m)
{
	size_t i = rfm_rule_of(rules, r, f, m);

	return i < rules->n ? rules->v[i].name : "Others";
}

char *
rfm_code(int bins, int r, int f, int m, char buf[16])
{
	if (bins <= 9) {
		buf[0] = (char)('0' + r);
		buf[1] = (char)('0' + f);
		buf[2] = (char)('0' + m);
		buf[3] = '\0';
	} else
		snprintf(buf, 16, "%d-%d-%d", r, f, m);
	return buf;
}

/* ==== Scores and sums without a row per customer (rfm_tally) ==== */

/*
 * Makes the open spend break points exact from the customers aside:
 * every customer scored whose spend lies in an open range is there, so
 * the value at the break point's rank within its range is read off them,
 * in spend order.  Returns 0, or -1 (cannot happen).
 */
static int
aside_settle(struct aside *a, struct rfm_breaks *b)
{
	int64_t cum;
	size_t i;
	int k;

	aside_sort(a);
	for (k = 0; k < b->bins - 1; k++) {
		if (b->q[RFM_M][k] == b->hi[RFM_M][k])
			continue;
		cum = 0;
		for (i = 0; i < a->n; i++) {
			if (a->e[i].v < b->q[RFM_M][k] ||
			    a->e[i].v > b->hi[RFM_M][k])
				continue;
			if ((cum += a->e[i].customers) > b->rank[RFM_M][k])
				break;
		}
		if (i == a->n) {
			warnx("rfm: break point not found");
			return -1;
		}
		b->q[RFM_M][k] = b->hi[RFM_M][k] = a->e[i].v;
	}
	return 0;
}

/* Spend times customers, wrapping as money_add() sums do. */
static int64_t
times(int64_t v, int64_t n)
{
	return (int64_t)((uint64_t)v * (uint64_t)n);
}

/*
 * Scores and hands to fn every customer read by st (last_day, purchases,
 * spent); with a set, only those whose spend is sure (rfm_score_sure),
 * the others aside.
 */
static int
tally_pass(sqlite3_stmt *st, const struct rfm_breaks *b, struct aside *a,
    rfm_tally_fn *fn, void *arg)
{
	int64_t p, v;
	int r, f, m, rc;

	while ((rc = store_step(st)) == SQLITE_ROW) {
		r = rfm_score(b, RFM_R, sqlite3_column_int64(st, 0));
		p = sqlite3_column_int64(st, 1);
		f = rfm_score(b, RFM_F, p);
		v = sqlite3_column_int64(st, 2);
		if (a == NULL)
			m = rfm_score(b, RFM_M, v);
		else if ((m = rfm_score_sure(b, RFM_M, v)) == 0) {
			aside_add(a, v, r, f, 1, p);
			continue;
		}
		fn(arg, r, f, m, 1, p, v);
	}
	return rc == SQLITE_DONE ? 0 : -1;
}

int
rfm_tally(sqlite3 *db, int bins, const char *within, struct rfm_breaks *b,
    rfm_tally_fn *fn, void *arg)
{
	struct rfm_breaks open;
	struct aside a = { .max = ASIDE_MAX }, cube = { .max = ASIDE_MAX };
	struct aside_ent *x;
	struct buf cond = { 0 };
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = -1;

	if (first_pass(db, bins, within, b, &cube) != 0)
		goto done;
	if (cube.max > 0) {		/* every customer in the cube */
		for (i = 0; i < cube.n; i++) {
			x = &cube.e[i];
			fn(arg, x->r, rfm_score(b, RFM_F, x->f),
			    rfm_score(b, RFM_M, x->v), x->customers,
			    x->purchases, times(x->v, x->customers));
		}
		rc = 0;
		goto done;
	}
	/*
	 * Recency and frequency exact first: a pass over the customers in
	 * their ranges when recency is not off stats_days (it narrows the
	 * spend ranges too).
	 */
	while (open_breaks(b, RFM_R) + open_breaks(b, RFM_F) > 0)
		if (narrow(db, within, b) != 0)
			goto done;
	if ((st = measures_prepare(db, within, MEASURES, "")) == NULL ||
	    tally_pass(st, b, &a, fn, arg) != 0)
		goto done;
	sqlite3_finalize(st);
	st = NULL;
	if (!a.full) {
		if (aside_settle(&a, b) != 0)
			goto done;
		for (i = 0; i < a.n; i++)
			fn(arg, a.e[i].r, a.e[i].f, rfm_score(b, RFM_M,
			    a.e[i].v), a.e[i].customers, a.e[i].purchases,
			    times(a.e[i].v, a.e[i].customers));
		rc = 0;
		goto done;
	}
	/* Too many aside: narrow, then score those in the open ranges. */
	open = *b;
	while (open_breaks(b, RFM_M) > 0)
		if (narrow(db, within, b) != 0)
			goto done;
	ranges_cond(&open, 1 << RFM_M, &cond);
	if ((st = measures_prepare(db, within, MEASURES, cond.s)) == NULL)
		goto done;
	ranges_bind(st, &open, 1 << RFM_M);
	rc = tally_pass(st, b, NULL, fn, arg);
done:
	sqlite3_finalize(st);
	aside_free(&a);
	aside_free(&cube);
	buf_free(&cond);
	return rc;
}

/* ==== The scores as an SQL function, for crm-segment ==== */

struct rfm_fn {
	struct rfm_breaks b;
	struct rfm_rules *rules;	/* a copy, or the default */
};

static void
rfm_fn_free(void *p)
{
	struct rfm_fn *fn = p;

	rfm_rules_free(fn->rules);
	free(fn);
}

static void
rfm_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	struct rfm_fn *fn = sqlite3_user_data(ctx);
	char code[16];
	int what, i, s[3];

	(void)argc;
	for (i = 1; i < 4; i++)
		if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
			return;			/* NULL */
	what = sqlite3_value_int(argv[0]);
	for (i = 0; i < 3; i++)
		s[i] = rfm_score(&fn->b, i, sqlite3_value_int64(argv[i + 1]));
	if (what >= 0 && what < 3)
		sqlite3_result_int(ctx, s[what]);
	else if (what == 3)
		sqlite3_result_text(ctx, rfm_code(fn->b.bins, s[0], s[1], s[2],
		    code), -1, SQLITE_TRANSIENT);
	else
		sqlite3_result_text(ctx, rfm_segment(fn->rules, s[0], s[1],
		    s[2]), -1, SQLITE_TRANSIENT);
}

int
rfm_sql_function(sqlite3 *db, int bins, const struct rfm_rules *rules,
    const char *within)
{
	struct rfm_fn *fn = xmalloc(sizeof(*fn));
	size_t i;

	if (rfm_breaks(db, bins, within, &fn->b) != 0) {
		free(fn);
		return -1;
	}
	if (rules == NULL)
		fn->rules = rfm_rules_default();
	else {
		fn->rules = xmalloc(sizeof(*fn->rules));
		fn->rules->n = rules->n;
		fn->rules->v = xmalloc(rules->n * sizeof(rules->v[0]));
		for (i = 0; i < rules->n; i++) {
			fn->rules->v[i] = rules->v[i];
			fn->rules->v[i].name = xstrdup(rules->v[i].name);
		}
	}
	if (sqlite3_create_function_v2(db, "rfm", 4, SQLITE_UTF8 |
	    SQLITE_DETERMINISTIC, fn, rfm_fn, NULL, NULL, rfm_fn_free) !=
	    SQLITE_OK) {
		warnx("%s: %s", store_path(db), sqlite3_errmsg(db));
		return -1;
	}
	return 0;
}

struct rfm_reader {
	sqlite3_stmt *st;
};

struct rfm_reader *
rfm_read_open(sqlite3 *db, const char *only)
{
	struct rfm_reader *rd;
	char *sql;

	sql = sqlite3_mprintf("SELECT customer_id, last_day, purchases, spent"
	    " FROM temp.asof_stats%s%s%s ORDER BY customer_id", only ?
	    " WHERE customer_id IN (SELECT customer_id FROM temp.\"" : "",
	    only ? only : "", only ? "\")" : "");
	if (sql == NULL)
		return NULL;
	rd = xmalloc(sizeof(*rd));
	rd->st = store_prepare(db, sql);
	sqlite3_free(sql);
	if (rd->st == NULL) {
		free(rd);
		return NULL;
	}
	return rd;
}

int
rfm_read(struct rfm_reader *rd, struct rfm_cust *c)
{
	switch (store_step(rd->st)) {
	case SQLITE_ROW:
		c->id = sqlite3_column_int64(rd->st, 0);
		c->last_day = sqlite3_column_int64(rd->st, 1);
		c->purchases = sqlite3_column_int64(rd->st, 2);
		c->spent = sqlite3_column_int64(rd->st, 3);
		return 1;
	case SQLITE_DONE:
		return 0;
	default:
		return -1;
	}
}

void
rfm_read_close(struct rfm_reader *rd)
{
	if (rd == NULL)
		return;
	sqlite3_finalize(rd->st);
	free(rd);
}
