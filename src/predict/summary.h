/*
 * summary.h: the store read for the models: one streaming pass over the
 * purchases, ordered by customer and time, giving each customer's
 * purchase days; and the distinct histories the fits run over.
 */
#ifndef PREDICT_SUMMARY_H
#define PREDICT_SUMMARY_H

#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "predict/model.h"

/* One customer as of the calibration end (days are local days). */
struct pd_cust {
	int64_t	 id;
	int64_t	 first, last;		/* first, last purchase day */
	int64_t	 x;			/* repeat purchase days */
	int64_t	 rep_sum;		/* net of the repeat days, minor units */
	int64_t	 hold;			/* purchase days after the end */
	const int64_t *days;		/* every purchase day, to the end */
	size_t	 ndays;
};

typedef int (*pd_cust_fn)(const struct pd_cust *c, void *arg);

/*
 * Calls fn for every customer who bought by day cal_end, in customer
 * order, with the purchase days up to day end (>= cal_end).  Memory
 * does not grow with customers: only one customer's days are held.
 * Returns 0, -1 on a store error, or what fn returned when not 0.
 */
int	pd_scan(sqlite3 *db, int64_t cal_end, int64_t end, pd_cust_fn fn,
	    void *arg);

/*
 * Counted distinct keys: (x, t_x, T) in days for the transaction
 * models, (x, repeat net) for Gamma-Gamma.
 */
struct pd_hist {
	int64_t	*k1, *k2;		/* keys */
	double	*w;			/* customers */
	uint32_t *slot;			/* hash: index + 1, 0 empty */
	size_t	 n, cap, nslot;
};

void	pd_hist_add(struct pd_hist *h, int64_t k1, int64_t k2);
/* The index of a key, or -1. */
long	pd_hist_find(const struct pd_hist *h, int64_t k1, int64_t k2);
void	pd_hist_free(struct pd_hist *h);

/* (x, t_x, T) in days as one key (x < 2^22, days < 2^21). */
#define PD_MAX_DAYS	(1 << 21)
int64_t	pd_key(int64_t x, int64_t tx, int64_t T);
void	pd_unkey(int64_t k, int64_t *x, int64_t *tx, int64_t *T);

/*
 * The rows for a fit, sorted by x, in the unit (days per unit: 1 or 7);
 * *map (when not NULL) gets, per histogram entry, its row.
 */
struct pd_row *pd_rows(const struct pd_hist *h, double unit, size_t **map);
struct pd_spend *pd_spends(const struct pd_hist *h);

#endif /* PREDICT_SUMMARY_H */
