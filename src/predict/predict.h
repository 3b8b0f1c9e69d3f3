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
	struct audience_out *cols;	/* customers: --columns, or NULL */
};

/* The parts of check, in the order the table form shows them. */
extern const char *const pd_check_parts[];

/* Runs one command, writing to stdout; returns an exit status. */
int	predict_run(sqlite3 *db, const struct predict_opts *o);

#endif /* PREDICT_PREDICT_H */
