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

/* One break point being narrowed down. */
struct target {
	int	 m;			/* measure */
	int64_t	 rank;			/* 0-based rank within [lo, hi] */
	int64_t	 lo, hi;		/* the range holding it */
	uint64_t width;			/* bucket width this pass */
	int64_t	*h;			/* NBUCKETS counts */
};


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

/*
 * Selection by histogram: the first pass counts every measure in the
 * fixed buckets above and finds the bucket of each break point; each
 * further pass counts, for each break point not yet exact, the values
 * of its bucket in 4096 narrower ones.  Days and order counts are exact
 * after two passes, amounts below about 16 million minor units too.
 */
int
rfm_breaks(sqlite3 *db, int bins, const char *within, struct rfm_breaks *b)
{
	struct target *t = NULL;
	struct buf sql = { 0 };
	sqlite3_stmt *st = NULL;
	uint32_t *h1 = NULL;
	int64_t v, c, cum;
	uint64_t span, k;
	size_t nt = 0, i, open, kk;
	int m, j, rc = -1;
	char *q;

	memset(b, 0, sizeof(*b));
	b->bins = bins;
	buf_adds(&sql, "SELECT last_day, purchases, spent "
	    "FROM temp.asof_stats");
	if (within != NULL) {
		q = sqlite3_mprintf(" WHERE customer_id IN (SELECT customer_id"
		    " FROM temp.\"%w\")", within);
		buf_adds(&sql, q);
		sqlite3_free(q);
	}
	if ((st = store_prepare(db, sql.s)) == NULL)
		goto done;
	h1 = xmalloc(3 * NKEYS * sizeof(h1[0]));
	memset(h1, 0, 3 * NKEYS * sizeof(h1[0]));
	while ((j = store_step(st)) == SQLITE_ROW) {
		b->n++;
		for (m = 0; m < 3; m++)
			h1[m * NKEYS + key_of(sqlite3_column_int64(st, m))]++;
	}
	if (j != SQLITE_DONE)
		goto done;
	sqlite3_reset(st);
	if (b->n == 0 || bins < 2) {
		rc = 0;
		goto done;
	}
	t = xmalloc(3 * (size_t)bins * sizeof(t[0]));
	for (m = 0; m < 3; m++)
		for (j = 1; j < bins; j++) {
			c = (j * b->n + bins - 1) / bins;	/* ceil */
			t[nt].m = m;
			t[nt].h = NULL;
			cum = 0;
			for (kk = 0; kk < NKEYS; kk++) {
				if (cum + h1[m * NKEYS + kk] > c - 1)
					break;
				cum += h1[m * NKEYS + kk];
			}
			t[nt].rank = c - 1 - cum;
			key_range(kk, &t[nt].lo, &t[nt].hi);
			nt++;
		}
	free(h1);
	h1 = NULL;
	for (;;) {
		open = 0;
		for (i = 0; i < nt; i++) {
			if (t[i].lo == t[i].hi)
				continue;
			span = (uint64_t)t[i].hi - (uint64_t)t[i].lo + 1;
			t[i].width = span / NBUCKETS + (span % NBUCKETS != 0);
			if (t[i].h == NULL)
				t[i].h = xmalloc(NBUCKETS * sizeof(int64_t));
			memset(t[i].h, 0, NBUCKETS * sizeof(int64_t));
			open++;
		}
		if (open == 0)
			break;
		while ((j = store_step(st)) == SQLITE_ROW)
			for (i = 0; i < nt; i++) {
				if (t[i].lo == t[i].hi)
					continue;
				v = sqlite3_column_int64(st, t[i].m);
				if (v < t[i].lo || v > t[i].hi)
					continue;
				t[i].h[((uint64_t)v - (uint64_t)t[i].lo) /
				    t[i].width]++;
			}
		if (j != SQLITE_DONE)
			goto done;
		sqlite3_reset(st);
		for (i = 0; i < nt; i++) {
			if (t[i].lo == t[i].hi)
				continue;
			cum = 0;
			for (k = 0; k < NBUCKETS; k++) {
				if (cum + t[i].h[k] > t[i].rank)
					break;
				cum += t[i].h[k];
			}
			if (k == NBUCKETS) {	/* cannot happen */
				warnx("rfm: break point not found");
				goto done;
			}
			t[i].rank -= cum;
			t[i].lo = (int64_t)((uint64_t)t[i].lo + k * t[i].width);
			if ((uint64_t)t[i].hi - (uint64_t)t[i].lo >=
			    t[i].width)
				t[i].hi = (int64_t)((uint64_t)t[i].lo +
				    t[i].width - 1);
		}
	}
	for (i = 0; i < nt; i++)
		b->q[t[i].m][i % (size_t)(bins - 1)] = t[i].lo;
	rc = 0;
done:
	sqlite3_finalize(st);
	if (t != NULL)
		for (i = 0; i < nt; i++)
			free(t[i].h);
	free(t);
	free(h1);
	buf_free(&sql);
	return rc;
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

const char *
rfm_segment(const struct rfm_rules *rules, int r, int f, int m)
{
	const struct rfm_rule *u;
	size_t i;

	for (i = 0; i < rules->n; i++) {
		u = &rules->v[i];
		if (r >= u->lo[0] && r <= u->hi[0] && f >= u->lo[1] &&
		    f <= u->hi[1] && m >= u->lo[2] && m <= u->hi[2])
			return u->name;
	}
	return "Others";
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
