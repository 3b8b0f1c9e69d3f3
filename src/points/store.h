/*
 * store.h: what crm-points reads from the store, one customer at a
 * time in customer_id order (memory follows the largest customer), and
 * the report runs over that stream (points/reports.c).
 */
#ifndef POINTS_STORE_H
#define POINTS_STORE_H

#include <stdint.h>

#include <sqlite3.h>

#include "points/programme.h"
#include "table.h"

struct pt_reader;

/*
 * Customers with a member record or an order, each with their orders,
 * credit notes and redemptions up to asof (by time, then id); only
 * customer `only` when it is above 0.  pt_read gives 1 and a customer
 * (valid until the next call), 0 at the end, -1 after saying why.
 */
struct pt_reader *pt_read_open(sqlite3 *db, int64_t asof, int64_t only);
int	 pt_read(struct pt_reader *rd, struct pt_cust *c);
void	 pt_read_close(struct pt_reader *rd);
/*
 * Makes TEMP tables `table` (customer_id INTEGER PRIMARY KEY, points:
 * the usable balance, tier: its name or NULL, tier_rank: 0 for none,
 * else 1 for the lowest tier and up, tier_before: the rank on the day
 * before asof, tier_lost: in how many days, up to tier_days, the tier is
 * lost if the member buys nothing more, else NULL; see pt_tier_lost())
 * of every member enrolled in pg by asof, and `table`_lapse
 * (customer_id, days, within: points lapsing by asof + days, lapse_on:
 * on that very day) for each of days[0..ndays).   0, or -1 after saying
 * why.
 */
int	 points_table(sqlite3 *db, const struct programme *pg, int64_t asof,
	    const char *table, const int64_t *days, size_t ndays,
	    int64_t tier_days);
/* 1 when the store has a redemptions table with at least one row. */
int	 pt_has_redemptions(sqlite3 *db);
int64_t	 pt_redemptions_before(sqlite3 *db, int64_t t);

/* ==== reports.c: the subcommands' output; 0, or -1 after saying why ==== */

struct pt_opts {
	sqlite3	*db;
	struct tout out;
	int	 sheet;			/* for a spreadsheet: typed cells */
	int64_t	 asof;
	int64_t	 from, to;		/* replay */
	const char *part;		/* evaluate: figures or difference */
	const char *columns;		/* --columns, or NULL */
};

int	 pt_balances(struct pt_opts *o, const struct programme *pg);
int	 pt_statement(struct pt_opts *o, const struct programme *pg,
	    int64_t who);
int	 pt_liability(struct pt_opts *o, const struct programme *pg);
int	 pt_replay(struct pt_opts *o, const struct programme *const *pg,
	    int n);
int	 pt_evaluate(struct pt_opts *o, const struct programme *pg);

#endif /* POINTS_STORE_H */
