/*
 * predict.h: crm-predict's one entry point: the customer-base models
 * (BG/NBD, MBG/NBD, Pareto/NBD, Gamma-Gamma) fitted to the store's
 * purchase days, per-customer predictions, and their check on a
 * holdout period.
 */
#ifndef PREDICT_PREDICT_H
#define PREDICT_PREDICT_H

#include <stdint.h>

#include <sqlite3.h>

struct audience_out;

enum pd_cmd { PD_SUMMARY, PD_FIT, PD_CUSTOMERS, PD_CHECK };

/* The data gates (crm-predict(1), DATA GATES). */
#define PD_MIN_REPEAT	30	/* customers with two purchase days */
#define PD_MIN_HISTORY	60	/* days from the first purchase to as-of */

struct crm_common;

struct predict_opts {
	enum pd_cmd cmd;
	int	 model;			/* enum pd_model, or -1: not given */
	int64_t	 asof;			/* the last day that counts */
	int	 unit;			/* days per unit: 1 or 7 */
	int64_t	 horizon;		/* days ahead */
	double	 discount;		/* a year, as a fraction: 0.10 */
	int64_t	 holdout;		/* days, for check */
	int64_t	 lost_after;		/* days, 0: from the cycle */
	const char *part;		/* check: one table, or NULL */
	int	 out_mode;		/* -1 or enum tmode */
	const struct crm_common *common;	/* the output options */
	struct audience_out *cols;	/* customers: --columns, or NULL */
};

/* The parts of check, in the order the table form shows them. */
extern const char *const pd_check_parts[];

/* Runs one command, writing to stdout; returns an exit status. */
int	predict_run(sqlite3 *db, const struct predict_opts *o);

/* The horizons of the per-customer figures other programs use. */
#define PD_USE_HORIZON	90	/* expected_orders, churn_risk: days */
#define PD_USE_CLV_DAYS	365	/* clv: days, */
#define PD_USE_DISCOUNT	0.10	/* discounted at 10% a year */

#define PD_USE_CLV	1	/* predict_table(): fill clv */
#define PD_USE_PREV	2	/* and p_alive_prev */

/*
 * Makes TEMP table `table` (customer_id INTEGER PRIMARY KEY, p_alive,
 * expected_orders, churn_risk, p_alive_prev REAL, clv INTEGER minor
 * units) for every customer who bought by day asof, from the BG/NBD
 * fit of that day (stored, else fitted in memory: crm-predict(1) Stored
 * fits) in days: P(alive), the expected purchase days and the chance of
 * none in the next PD_USE_HORIZON days; with PD_USE_CLV the CLV over
 * PD_USE_CLV_DAYS at PD_USE_DISCOUNT with Gamma-Gamma's spend; with
 * PD_USE_PREV, P(alive) as of the day before by the same fit, for those
 * who did not buy on day asof (else NULL).  0, or -1 after saying why
 * (a data gate, a fit that did not converge).
 */
int	predict_table(sqlite3 *db, int64_t asof, const char *table,
	    int flags);

#endif /* PREDICT_PREDICT_H */
