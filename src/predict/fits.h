/*
 * fits.h: fits kept in the store's fits table (crm-store(5)), keyed by
 * model, unit and as-of day, and valid while the purchases they rest on
 * are unchanged (their data hash).
 */
#ifndef PREDICT_FITS_H
#define PREDICT_FITS_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "predict/fit.h"

#define PD_HASH_LEN	96

/*
 * The data hash of the purchases placed by the end of day asof:
 * "count:max id:sum of net:sum of customer_id".  0, or -1.
 */
int	pd_data_hash(sqlite3 *db, int64_t asof, char hash[PD_HASH_LEN]);
/*
 * The stored fit of model m in unit as of asof when its hash is hash:
 * 1 and *f (parameters, log-likelihood, customers; standard errors
 * NAN), 0 when none matches (or the store has no fits table yet), -1
 * on a store error.
 */
int	pd_fit_load(sqlite3 *db, enum pd_model m, int unit, int64_t asof,
	    const char *hash, struct pd_fit *f);
/* Stores f in one transaction, replacing the model's fit of the same
 * unit and day.  0, or -1 after saying why. */
int	pd_fit_save(sqlite3 *db, const struct pd_fit *f, int unit,
	    int64_t asof, const char *hash);

#endif /* PREDICT_FITS_H */
