/*
 * advice.h: crm-playbook results in words: each row's advice, the review
 * a shop owner reads at the end, and the numbers as they are written.
 */
#ifndef PLAYBOOK_ADVICE_H
#define PLAYBOOK_ADVICE_H

#include <stdint.h>

#include "playbook/playbook.h"
#include "playbook/review.h"

/* One line of the review, kept until every row is out. */
struct pb_review_line {
	char	*playbook;
	char	*step;			/* "" for the playbook as a whole */
	char	*text;
};

/* The one change to try next, per playbook: the seeds' rules. */
struct pb_nextchange {
	char	*playbook;
	char	*step;
	int	 rule;			/* 1 raise the discount, 2 lower the
					 * threshold; 0 none yet */
	int64_t	 contacted;
	double	 rate;
	int64_t	 measuring;		/* the playbook's open windows */
};

/* The review being written: fill pb and lim, zero the rest. */
struct pb_review {
	const struct playbook *pb;	/* the file's steps, or none */
	struct pb_limits lim;
	struct pb_review_line *rv;
	size_t	 nrv;
	struct pb_nextchange *nx;
	size_t	 nnx;
};

extern const char *const pb_by_name[];	/* "step", "variant", ... */

/* A share with four decimals, never "-0.0000". */
const char *pb_fmt_rate(double v, char *out, size_t n);
/* Minor units (a mean, not whole) as an amount, rounded. */
const char *pb_fmt_mean_money(double minor, char out[32]);
/* "+4.4 [-23.4, +7.0]": a difference and its interval, in points. */
const char *pb_fmt_diff(double d, double lo, double hi, char *out, size_t n);
/* The winner of a pair "STEP/A vs B" into out, or NULL. */
const char *pb_winner(const char *name, const struct pb_eval *e, char *out,
	    size_t n);
/* The bootstrap seed of a row: FNV-1a of its name. */
uint64_t pb_row_seed(const char *playbook, enum pb_by by, const char *name);
/*
 * Appends the advice of one row to advice, and for steps and pairs of
 * variants adds its line to the review.
 */
void	 pb_advise(struct pb_review *x, const char *playbook, enum pb_by by,
	    const char *name, const struct pb_group *g, const struct pb_eval *e,
	    struct buf *advice);
/* Adds the closing lines: the change to try next, what still measures. */
void	 pb_review_close(struct pb_review *x);
void	 pb_review_free(struct pb_review *x);

/* The columns of results: CSV name, table heading (NULL: the name),
 * table.h flags. */
struct pb_result_col {
	const char *name, *label;
	int	 flags;
};
extern const struct pb_result_col pb_result_cols[];
extern const size_t pb_nresult_cols;

#endif /* PLAYBOOK_ADVICE_H */
