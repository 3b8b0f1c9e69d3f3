/*
 * rfm.h: RFM scores and named segments, shared by crm-rfm and the RFM
 * conditions of crm-segment's expressions (segexpr.c), so that both give
 * every customer the same scores.
 */
#ifndef RFM_H
#define RFM_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define RFM_BINS_MAX	100	/* --bins at most */
#define RFM_RULES_MAX	500	/* rules in one table at most */

/* One rule of a segment table: inclusive score ranges and a name. */
struct rfm_rule {
	int	 lo[3];			/* lowest r, f, m score (1: any) */
	int	 hi[3];			/* highest r, f, m score */
	char	*name;			/* segment name */
};

/* An ordered segment table: the first rule that matches wins. */
struct rfm_rules {
	struct rfm_rule *v;		/* the rules, in order */
	size_t	 n;			/* how many */
};

/* The default table (the usual ten segments, see crm-rfm(1)). */
struct rfm_rules *rfm_rules_default(void);
/*
 * Reads a segment table from path: one rule a line, "R F M NAME" with
 * each score a number, a range "2-4" or "*", '#' comments and blank
 * lines ignored.  Returns NULL after printing "path:line: why".
 */
struct rfm_rules *rfm_rules_load(const char *path);
void	rfm_rules_free(struct rfm_rules *rules);

/* The measures, in the order of the scores. */
#define RFM_R	0		/* recency: the last purchase day */
#define RFM_F	1		/* frequency: purchases */
#define RFM_M	2		/* monetary: spent, minor units */

/*
 * Break points of the three measures over the customers scored.  With n
 * customers and B bins, break point k (1..B-1) of a measure is the value
 * of the ceil(k * n / B)-th customer in ascending order; a value scores
 * 1 + the number of break points it is strictly greater than.  While
 * the passes of rfm.c narrow a break point down, it is known to lie in
 * [q, hi], at rank `rank` (from 0) among the customers' values there.
 */
struct rfm_breaks {
	int	 bins;
	int64_t	 n;				/* customers scored */
	int64_t	 q[3][RFM_BINS_MAX];		/* q[measure][k - 1] */
	int64_t	 hi[3][RFM_BINS_MAX];		/* == q once exact */
	int64_t	 rank[3][RFM_BINS_MAX];		/* while q < hi */
};

/*
 * Finds the break points over asof_stats (stats_asof first), or over
 * its customers in TEMP table `within` when that is not NULL, with
 * fixed-size histograms: no sort, memory independent of the number of
 * customers.  One pass over the customers finds every break point's
 * range (order counts below 4096 exactly); rfm_breaks() then narrows
 * the others in passes over only the customers inside them.  For the
 * whole store as of its newest day the recency break points come off
 * stats_days without a pass.  Returns 0, or -1 after printing why.
 */
int	rfm_breaks(sqlite3 *db, int bins, const char *within,
	    struct rfm_breaks *b);
int	rfm_score(const struct rfm_breaks *b, int measure, int64_t v);
/* The score of v, or 0 while v lies in a break point's open range. */
int	rfm_score_sure(const struct rfm_breaks *b, int measure, int64_t v);
/* The segment of scores r, f, m: the first rule matching, or "Others". */
const char *rfm_segment(const struct rfm_rules *rules, int r, int f, int m);
/* The index of that rule in rules->v, or rules->n for "Others". */
size_t	rfm_rule_of(const struct rfm_rules *rules, int r, int f, int m);
/* Writes "545" (or "10-3-5" when bins > 9) into buf. */
char	*rfm_code(int bins, int r, int f, int m, char buf[16]);

/* One customer's measures, as rfm_read() gives them. */
struct rfm_cust {
	int64_t	 id;
	int64_t	 last_day;		/* RFM_R */
	int64_t	 purchases;		/* RFM_F */
	int64_t	 spent;			/* RFM_M */
};

/*
 * The customers of asof_stats (stats_asof first) in customer_id order,
 * or only those in TEMP table `only` when it is not NULL: rfm_read_open,
 * then rfm_read() gives 1 and a customer, 0 at the end or -1 after
 * printing why; rfm_read_close at the end.
 */
struct rfm_reader;
struct rfm_reader *rfm_read_open(sqlite3 *db, const char *only);
int	rfm_read(struct rfm_reader *rd, struct rfm_cust *c);
void	rfm_read_close(struct rfm_reader *rd);

/*
 * Hands every customer of asof_stats, or only those in TEMP table
 * `within`, to fn with their scores, customers (1, or more who share
 * the scores and spend) and their purchases and spend (net, wrapping
 * as money_add() does), in no particular order, with b the break points
 * over the same customers.  For the whole store as of its newest day
 * (recency off stats_days) one pass, counting the customers by spend,
 * recency score and purchases while they fit in 2^18 entries (10 MB),
 * is all it takes.  Else, or when they do not fit, a second pass scores
 * every customer whose spend lies outside every open range at once, and
 * keeps those inside aside by spend, recency and frequency score
 * (bounded the same) until their break point is exact.  Returns 0, or
 * -1 after printing why.
 */
typedef void rfm_tally_fn(void *arg, int r, int f, int m, int64_t customers,
	    int64_t purchases, int64_t spent);
int	rfm_tally(sqlite3 *db, int bins, const char *within,
	    struct rfm_breaks *b, rfm_tally_fn *fn, void *arg);

/*
 * Registers the SQL function rfm(what, last_day, purchases, spent) on db:
 * what 0, 1, 2 give the r, f and m scores, 3 the rfm code, 4 the segment
 * name, of those values, by the break points of asof_stats (stats_asof
 * first; only the customers in TEMP table `within` unless NULL) and the
 * rules (NULL: the default table).  NULL values give NULL.  Returns 0,
 * or -1 after printing why.
 */
int	rfm_sql_function(sqlite3 *db, int bins, const struct rfm_rules *rules,
	    const char *within);

#endif /* RFM_H */
