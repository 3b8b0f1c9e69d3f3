/*
 * report.h: crm-report's reports, shared by src/crm-report.c (options
 * and main), src/report/common.c (what the reports share) and one file
 * per report in src/report/, named after it.  Every report reads
 * one scope: TEMP view p, the purchases up to the as-of day on
 * --channel of the listed customers (or with no known buyer), view r,
 * the same with the credit notes (what counts in revenue), and view ao,
 * the same orders of any status.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdint.h>

#include <sqlite3.h>

#include "crm.h"
#include "table.h"

#define NOFROM	(-100000000LL)	/* a day before any order */
#define MAXBR	32

struct rp_ctx {
	sqlite3	*db;
	struct tout out;
	int64_t	 asof;			/* the as-of day */
	int64_t	 from, to;		/* the period, days, inclusive */
	int	 has_from, has_to;
	const char *channel;		/* --channel, or NULL */
	int	 list;			/* a customer list was read */
	const char *part;		/* --part, or NULL */
	long long limit;		/* --limit, or -1 */
	long long min_buyers;
	long long lost_after;		/* 0: 3 x the cycle */
	int64_t	 backtest;
	int	 has_backtest;
	int64_t	 brackets[MAXBR];	/* minor units, ascending */
	int	 nbrackets;
	int64_t	 free_ship;		/* minor units */
	const char *sort;
	const char *who;		/* customer: WHO */
	char	 currency[8];		/* meta 'currency' (ISO 4217) */
};

/* First second of day d, and the second after day d. */
#define T0(d)	((int64_t)(d) * DAY_SECS)
#define T1(d)	(((int64_t)(d) + 1) * DAY_SECS)

/*
 * Every purchase with its lines (rp_lines_load): the orders in
 * customer, day and id order, each with the range of its lines in l.
 */
struct rp_ord {
	int64_t	 cid, id;
	int32_t	 day;
	uint32_t lbeg, lend;		/* its lines: l[lbeg..lend) */
};

struct rp_lines {
	struct rp_ord *o;
	size_t	 n, ocap;
	int32_t	*pid;			/* per line: its product */
	int64_t	*rev, *qty;		/* less returned; NULL if not asked */
	size_t	 nl, lcap;
};

/*
 * Quantiles by linear interpolation between order statistics (R's type
 * 7): the p-quantile of n sorted values x[0..n-1] is x[k] + f (x[k+1] -
 * x[k]) with k + f = (n - 1) p.  The median is then the mean of the
 * middle two for even n, as the repurchase cycle is defined.  Values
 * arrive one by one in order with their group's count, so nothing is
 * kept but a few numbers.
 */
struct quant {
	long	 n, i;
	double	 min, max, sum;
	double	 lo[3], hi[3];		/* x[k] and x[k+1] per quartile */
};

/*
 * A period's figures: customers, orders and revenue of known buyers'
 * purchases (customer level), and the shop's (s*: every purchase, and
 * revenue net of returns, with guest_revenue the part of no known buyer).
 */
struct period {
	int64_t	 from, to;		/* days */
	int64_t	 customers, orders, revenue, returning, ret_revenue;
	int64_t	 sorders, srevenue, grevenue;
};

struct cday {
	int64_t	 cid, day, n, rev;
};

/* The stream of customer-days (rp_cdays_open). */
struct rp_cdays {
	sqlite3_stmt *st;
	struct cday next;		/* read ahead, when have */
	int	 grouped;		/* rows are days already */
	int	 have;
	int	 done;			/* 1 at the end, -1 error */
};

/* What one customer did in one period, added up when the customer ends. */
struct pcust {
	int64_t	 n, rev, days;
};

/* ==== common.c: the scope, streams and small helpers ==== */

sqlite3_stmt *rp_prep(struct rp_ctx *c, const char *sql);
void	 rp_bind2(sqlite3_stmt *st, int64_t a, int64_t b);
int	 rp_part_is(const struct rp_ctx *c, const char *name, int dflt);
long long rp_limit(const struct rp_ctx *c, long long tty);
char	*rp_day(int64_t d, char buf[11]);
char	*rp_month(int64_t m, char buf[16]);
int64_t	 rp_month_of(int64_t day);
int64_t	 rp_month_start(int64_t mi);
int64_t	 rp_div_round(int64_t a, int64_t b);
int	 rp_scope_setup(struct rp_ctx *c);
int	 rp_channel_known(struct rp_ctx *c, struct buf *known);
int	 rp_scope_stats(struct rp_ctx *c, int64_t d, int lite);
void	 rp_scope_note(struct rp_ctx *c, int64_t from, int64_t to);
void	 rp_currency_note(struct rp_ctx *c);
int	 rp_scope_months(struct rp_ctx *c, int64_t *m0, int64_t *m1);
int	 rp_shop(struct rp_ctx *c, int64_t from, int64_t to, int by_month,
	    int64_t m0, struct period *a, int64_t nm);
int64_t	 rp_first_day(struct rp_ctx *c);
char	*rp_money(const struct rp_ctx *c, int64_t minor, char buf[48]);
void	 rp_quant_start(struct quant *q, long n);
void	 rp_quant_add(struct quant *q, double x);
double	 rp_quant_get(const struct quant *q, int j);
int	 rp_cdays_open(struct rp_ctx *c, struct rp_cdays *it, int guests);
int	 rp_cdays_next(struct rp_cdays *it, struct cday *d);
void	 rp_cdays_close(struct rp_cdays *it);
void	 rp_pcust_close(struct period *a, struct pcust *pc, int64_t first);
int	 rp_lines_load(struct rp_ctx *c, int64_t from, int64_t to,
	    int64_t maxpid, int amounts, struct rp_lines *pl);
void	 rp_lines_free(struct rp_lines *pl);

extern const double rp_qp[3];

/* ==== The reports: 0, or -1 after saying why ==== */

int	 rp_summary(struct rp_ctx *c);		/* summary.c */
int	 rp_cycle(struct rp_ctx *c);		/* cycle.c */
int	 rp_monthly(struct rp_ctx *c);		/* monthly.c */
int	 rp_cohort(struct rp_ctx *c);		/* cohort.c */
int	 rp_products(struct rp_ctx *c);		/* products.c */
int	 rp_sort_known(const char *key);
int	 rp_basket(struct rp_ctx *c);		/* basket.c */
int	 rp_heatmap(struct rp_ctx *c);		/* heatmap.c */
int	 rp_channels(struct rp_ctx *c);		/* channels.c */
int	 rp_migration(struct rp_ctx *c);		/* migration.c */
int	 rp_quality(struct rp_ctx *c);		/* quality.c */
int	 rp_customer(struct rp_ctx *c);		/* customer.c */

#endif /* REPORT_H */
