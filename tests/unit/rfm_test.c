/*
 * rfm_test.c: the break points that rfm_breaks() finds with histograms
 * and counts by value equal those of a plain sort, for ties, one
 * customer, huge and negative values and many bins, over a list and over
 * the whole store (recency off stats_days); scores equal 1 + floor(B *
 * below / N); what rfm_tally() sums per score equals those scores' sums,
 * whether the customers fit its tables or not; segment tables load or
 * are refused with the line.
 */
#include <stdlib.h>
#include <unistd.h>

#include "crm.h"
#include "rfm.h"
#include "unit.h"

static sqlite3 *db;
static uint64_t seed = 42;

static uint64_t
rnd(void)
{
	uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int
cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

/* What rfm_tally() handed over, per r, f, m (bins 7 at most). */
struct cell {
	int64_t	 customers, purchases, spent;
};
static struct cell cells[8][8][8];

static void
tally(void *arg, int r, int f, int m, int64_t customers, int64_t purchases,
    int64_t spent)
{
	struct cell *c = &cells[r][f][m];

	(void)arg;
	c->customers += customers;
	c->purchases = (int64_t)((uint64_t)c->purchases +
	    (uint64_t)purchases);
	c->spent = (int64_t)((uint64_t)c->spent + (uint64_t)spent);
}

/* The score of v among the sorted s[0..n-1]: 1 + floor(B * below / n). */
static int
want_score(const int64_t *s, int n, int bins, int64_t v)
{
	int lo = 0, hi = n;

	while (lo < hi)			/* how many are below v */
		if (s[(lo + hi) / 2] < v)
			lo = (lo + hi) / 2 + 1;
		else
			hi = (lo + hi) / 2;
	return 1 + (int)((int64_t)bins * lo / n);
}

/*
 * rfm_tally() over asof_stats against every customer scored by a sort
 * (raw[m][i] the values in row order, srt[m] sorted): the same customers,
 * purchases and spend per r, f, m.  Returns the failures.
 */
static int
check_tally(const char *what, int n, int bins, int64_t *raw[3],
    int64_t *srt[3])
{
	static struct cell want[8][8][8];
	struct rfm_breaks b;
	struct cell *c;
	int i, s[3], m, bad = 0;

	if (bins > 7)
		return 0;
	memset(cells, 0, sizeof(cells));
	memset(want, 0, sizeof(want));
	if (rfm_tally(db, bins, NULL, &b, tally, NULL) != 0) {
		printf("not ok %s: rfm_tally failed\n", what);
		return 1;
	}
	for (i = 0; i < n; i++) {
		for (m = 0; m < 3; m++)
			s[m] = want_score(srt[m], n, bins, raw[m][i]);
		c = &want[s[0]][s[1]][s[2]];
		c->customers++;
		c->purchases = (int64_t)((uint64_t)c->purchases +
		    (uint64_t)raw[RFM_F][i]);
		c->spent = (int64_t)((uint64_t)c->spent +
		    (uint64_t)raw[RFM_M][i]);
	}
	if (memcmp(want, cells, sizeof(want)) != 0) {
		printf("not ok %s: rfm_tally's sums differ\n", what);
		bad++;
	}
	CHECK_INT(b.n, n);
	return bad;
}

/*
 * Checks the break points of asof_stats against a sort (srt[m] sorted,
 * raw[m] in row order), every score, and rfm_tally() against the
 * scores.  Returns the failures.
 */
static int
verify(const char *what, int n, int bins, int64_t *raw[3], int64_t *srt[3])
{
	struct rfm_breaks b;
	int64_t below, want64;
	int i, k, m, bad = 0, want;

	if (rfm_breaks(db, bins, NULL, &b) != 0) {
		printf("not ok %s: rfm_breaks failed\n", what);
		return 1;
	}
	for (m = 0; m < 3; m++) {
		for (k = 1; k < bins && n > 0; k++) {
			want64 = srt[m][(k * (int64_t)n + bins - 1) / bins - 1];
			if (b.q[m][k - 1] != want64) {
				printf("not ok %s: measure %d break %d: %lld, "
				    "want %lld\n", what, m, k,
				    (long long)b.q[m][k - 1],
				    (long long)want64);
				bad++;
			}
		}
		/* Every value scores 1 + floor(B * below / N). */
		for (i = 0, below = 0; i < n; i++) {
			if (i > 0 && srt[m][i] != srt[m][i - 1])
				below = i;
			want = 1 + (int)(bins * below / n);
			if (rfm_score(&b, m, srt[m][i]) != want) {
				if (bad++ < 5)
					printf("not ok %s: measure %d value "
					    "%lld scores %d, want %d\n", what,
					    m, (long long)srt[m][i],
					    rfm_score(&b, m, srt[m][i]), want);
			}
		}
	}
	CHECK_INT(b.n, n);
	return bad + check_tally(what, n, bins, raw, srt);
}

/*
 * Makes n customers from gen(i, measure) and checks them (verify) twice:
 * in a TEMP table asof_stats, as for a list or an earlier day, and as
 * the whole store, in customer_stats (whose triggers keep stats_days),
 * asof_stats a view of it.  Returns the failures.
 */
static int
check(const char *what, int n, int bins, int64_t (*gen)(int, int))
{
	sqlite3_stmt *st, *cs;
	int64_t *v[3], *raw[3];
	int i, m, bad;

	store_exec(db, "CREATE TEMP TABLE asof_stats (customer_id INTEGER"
	    " PRIMARY KEY, last_day, purchases, spent)");
	st = store_prepare(db, "INSERT INTO temp.asof_stats VALUES "
	    "(?, ?, ?, ?)");
	cs = store_prepare(db, "INSERT INTO main.customer_stats (customer_id,"
	    " last_day, purchases, spent, purchase_days, first_at, last_at,"
	    " first_day) VALUES (?1, ?2, ?3, ?4, 1, 0, 0, ?2)");
	for (m = 0; m < 3; m++) {
		v[m] = xmalloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
		raw[m] = xmalloc((size_t)(n > 0 ? n : 1) * sizeof(int64_t));
	}
	store_exec(db, "BEGIN; DELETE FROM main.customer_stats");
	for (i = 0; i < n; i++) {
		sqlite3_bind_int(st, 1, i + 1);
		sqlite3_bind_int(cs, 1, i + 1);
		for (m = 0; m < 3; m++) {
			raw[m][i] = v[m][i] = gen(i, m);
			sqlite3_bind_int64(st, 2 + m, v[m][i]);
			sqlite3_bind_int64(cs, 2 + m, v[m][i]);
		}
		store_step(st);
		sqlite3_reset(st);
		store_step(cs);
		sqlite3_reset(cs);
	}
	store_exec(db, "COMMIT");
	sqlite3_finalize(st);
	sqlite3_finalize(cs);
	for (m = 0; m < 3; m++)
		qsort(v[m], (size_t)n, sizeof(int64_t), cmp64);
	bad = verify(what, n, bins, raw, v);
	store_exec(db, "DROP TABLE temp.asof_stats");
	/* No orders: any day is on or after the newest. */
	CHECK(stats_asof(db, 0) == 0 && asof_stats_whole(db));
	bad += verify(what, n, bins, raw, v);
	store_exec(db, "DROP VIEW temp.asof_stats");
	for (m = 0; m < 3; m++) {
		free(v[m]);
		free(raw[m]);
	}
	return bad;
}

static int64_t
g_small(int i, int m)
{
	(void)i;
	return m == 0 ? 20000 + (int64_t)(rnd() % 700) :
	    m == 1 ? 1 + (int64_t)(rnd() % 3 == 0 ? rnd() % 20 : 0) :
	    (int64_t)(rnd() % 5000000);
}

static int64_t
g_huge(int i, int m)
{
	switch ((i + m) % 5) {
	case 0:
		return (int64_t)rnd();			/* any int64 */
	case 1:
		return INT64_MAX - (int64_t)(rnd() % 3);
	case 2:
		return INT64_MIN + (int64_t)(rnd() % 3);
	case 3:
		return -(int64_t)(rnd() % 100000);
	default:
		return (int64_t)(rnd() % 1000000000000LL);
	}
}

static int64_t
g_same(int i, int m)
{
	(void)i;
	return m == 2 ? -5 : 7;
}

static int64_t
g_ramp(int i, int m)
{
	return m == 0 ? i : m == 1 ? i / 10 : (int64_t)i * 1000003;
}

/*
 * Days and counts below 4096 (exact after the first pass) and spend
 * about 2^28, of more values than the first pass counts one by one, a
 * fifth of the customers on 40 of them: rfm_tally keeps the customers of
 * the spend break points' ranges aside and reads the break points off
 * them.
 */
static int64_t
g_aside(int i, int m)
{
	return m == 0 ? 1000 + (int64_t)(rnd() % 700) : m == 1 ?
	    1 + (int64_t)(rnd() % 4 == 0 ? rnd() % 9 : 0) :
	    ((int64_t)1 << 28) + (i % 5 == 0 ? (int64_t)(rnd() % 40) *
	    175000 : (int64_t)(rnd() % (1 << 20)) * 7);
}

/*
 * Days and counts below 4096 (exact after the first pass) and spend far
 * above 2^24 minor units, almost all distinct: the spend break points'
 * first ranges hold more customers than rfm_tally keeps aside, so it
 * narrows them and scores those customers in a pass of their own.
 */
static int64_t
g_wide(int i, int m)
{
	return m == 0 ? 1000 + (int64_t)(rnd() % 90) : m == 1 ?
	    1 + (int64_t)(rnd() % 6) : ((int64_t)1 << 60) + (int64_t)(rnd() %
	    ((uint64_t)1 << 40)) * 1024 + i % 1024;
}

int
main(void)
{
	char path[] = "/tmp/rfm_test.XXXXXX";
	struct rfm_rules *t;
	FILE *fp;
	int fd, bins;

	if ((fd = mkstemp(path)) < 0)
		return 1;
	close(fd);
	unlink(path);
	db = store_open(path, STORE_RW);
	CHECK(db != NULL);
	if (db == NULL)
		return unit_done();
	/* customer_stats rows without customers rows. */
	store_exec(db, "PRAGMA foreign_keys = OFF");

	CHECK(check("small, heavy ties", 5000, 5, g_small) == 0);
	CHECK(check("small, 3 bins", 5000, 3, g_small) == 0);
	CHECK(check("small, 100 bins", 5000, 100, g_small) == 0);
	CHECK(check("huge and negative", 3000, 5, g_huge) == 0);
	CHECK(check("huge, 7 bins", 3001, 7, g_huge) == 0);
	CHECK(check("all equal", 100, 5, g_same) == 0);
	CHECK(check("ramp", 1000, 5, g_ramp) == 0);
	for (bins = 1; bins <= 6; bins++) {
		CHECK(check("one customer", 1, bins, g_small) == 0);
		CHECK(check("two customers", 2, bins, g_huge) == 0);
		CHECK(check("seven customers", 7, bins, g_ramp) == 0);
	}
	CHECK(check("nobody", 0, 5, g_small) == 0);
	CHECK(check("spend aside", 100000, 5, g_aside) == 0);
	CHECK(check("spend aside, 7 bins", 100001, 7, g_aside) == 0);
	CHECK(check("wide spend, more than kept aside", 300000, 5,
	    g_wide) == 0);

	/* The default table and the segments of a few scores. */
	t = rfm_rules_default();
	CHECK_INT(t->n, 10);
	CHECK_STR(rfm_segment(t, 5, 5, 5), "Champions");
	CHECK_STR(rfm_segment(t, 1, 5, 5), "Can't Lose Them");
	CHECK_STR(rfm_segment(t, 5, 1, 1), "New Customers");
	CHECK_STR(rfm_segment(t, 3, 1, 1), "Promising");
	CHECK_STR(rfm_segment(t, 3, 2, 2), "Need Attention");
	CHECK_STR(rfm_segment(t, 2, 1, 2), "About To Sleep");
	CHECK_STR(rfm_segment(t, 4, 2, 3), "Potential Loyalist");
	CHECK_STR(rfm_segment(t, 2, 4, 2), "At Risk");
	CHECK_STR(rfm_segment(t, 1, 1, 1), "Lost");
	CHECK_STR(rfm_segment(t, 1, 1, 5), "Others");
	rfm_rules_free(t);

	/* Tables from files. */
	fp = fopen(path, "w");
	fputs("# comment\n\n  4-5 * 2   Best ones  \n*\t1\t*\tOnce\n", fp);
	fclose(fp);
	t = rfm_rules_load(path);
	CHECK(t != NULL);
	if (t != NULL) {
		CHECK_INT(t->n, 2);
		CHECK_STR(t->v[0].name, "Best ones");
		CHECK_INT(t->v[0].lo[1], 1);
		CHECK_INT(t->v[0].lo[2], 2);
		CHECK_INT(t->v[0].hi[2], 2);
		CHECK_STR(rfm_segment(t, 4, 9, 2), "Best ones");
		CHECK_STR(rfm_segment(t, 3, 1, 1), "Once");
		CHECK_STR(rfm_segment(t, 3, 2, 1), "Others");
		rfm_rules_free(t);
	}
	fp = fopen(path, "w");
	fputs("5-4 * * Backwards\n", fp);
	fclose(fp);
	CHECK(rfm_rules_load(path) == NULL);
	fp = fopen(path, "w");
	fputs("# nothing\n", fp);
	fclose(fp);
	CHECK(rfm_rules_load(path) == NULL);
	fp = fopen(path, "w");
	fputs("0 * * Zero\n", fp);
	fclose(fp);
	CHECK(rfm_rules_load(path) == NULL);

	store_close(db);
	unlink(path);
	return unit_done();
}
