/*
 * internal.h: what the parts of crm-predict's commands share (run.c,
 * check.c); not for other programs.
 */
#ifndef PREDICT_INTERNAL_H
#define PREDICT_INTERNAL_H

#include <stdio.h>

#include "crm.h"
#include "table.h"
#include "predict/fit.h"
#include "predict/fits.h"
#include "predict/predict.h"
#include "predict/summary.h"

/* A customer as the temporary file keeps it. */
struct rec {
	int64_t	 id, key, first, last, rep_sum, hold;
};

struct data {
	const struct predict_opts *o;
	int64_t	 cal_end, end;
	struct pd_hist hist;		/* (x, t_x, T) */
	struct pd_hist spend;		/* (x, repeat net), net > 0 */
	struct pd_hist firsts;		/* first purchase days */
	struct pd_hist repeats;		/* repeat purchase days, to the end */
	FILE	*tmp;
	double	 customers, repeaters, nonpos;
	double	 sw, sx, sm, sxx, smm, sxm;	/* x against mean spend */
	int64_t	 first_min;
	char	 hash[PD_HASH_LEN];	/* the purchases to cal_end */
	/* summary: rows straight out */
	struct tout *out;
	struct table *tab;
	struct buf line;
};

extern const char *const pd_unit_name[];

void	tab_unit(struct table *t, int64_t days, int unit);
int	gate_tx(const struct data *d);
int	fit_tx(const struct data *d, enum pd_model m, struct pd_fit *f,
	    struct pd_row **rows, size_t **map);
int	fit_gg(const struct data *d, struct pd_fit *f);
int	stored_tx(sqlite3 *db, const struct data *d, enum pd_model m,
	    struct pd_fit *f, struct pd_row **rows, size_t **map);
int	stored_gg(sqlite3 *db, const struct data *d, struct pd_fit *f);
void	fit_table(struct tout *o, const struct data *d, const struct pd_fit *f);
int	pd_check(sqlite3 *db, struct tout *o, struct data *d);

#endif /* PREDICT_INTERNAL_H */
