/*
 * rfm.h: RFM scores and named segments, shared by crm-rfm and the RFM
 * conditions of crm-segment's expressions (segexpr.c), so that both give
 * every customer the same scores.
 */
#ifndef RFM_H
#define RFM_H

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

/*
 * Makes TEMP table `into` (customer_id INTEGER PRIMARY KEY, recency_days,
 * frequency, monetary, r, f, m, rfm TEXT, segment TEXT) with the RFM
 * scores as of day asof of every customer in asof_stats (stats_asof
 * first), or only of those in TEMP table `within` when it is not NULL.
 * Scores run 1..bins; rules NULL means the default table.  Returns 0, or
 * -1 after printing why.
 */
int	rfm_table(sqlite3 *db, int64_t asof, int bins,
	    const struct rfm_rules *rules, const char *within,
	    const char *into);

#endif /* RFM_H */
