/*
 * summary.c: purchase days per customer from the store, and the
 * distinct histories.  The one place crm-predict speaks SQL.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "predict/summary.h"

/* Purchases by a customer, in time order; guests have no customer. */
static const char scan_sql[] =
    "SELECT customer_id, ordered_at, net FROM orders"
    " INDEXED BY orders_customer"
    " WHERE " CRM_PURCHASE("") " AND customer_id IS NOT NULL"
    " AND ordered_at < ?1 ORDER BY customer_id, ordered_at";

static int
flush(struct pd_cust *c, int64_t cal_end, pd_cust_fn fn, void *arg)
{
	if (c->ndays == 0 || c->first > cal_end)
		return 0;
	return fn(c, arg);
}

int
pd_scan(sqlite3 *db, int64_t cal_end, int64_t end, pd_cust_fn fn,
    void *arg)
{
	struct pd_cust c;
	sqlite3_stmt *st;
	int64_t *days = NULL, id, day, net;
	size_t cap = 0;
	int rc, step;

	if ((st = store_prepare(db, scan_sql)) == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, (end + 1) * DAY_SECS);
	memset(&c, 0, sizeof(c));
	rc = 0;
	while ((step = store_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		day = day_of(sqlite3_column_int64(st, 1));
		net = sqlite3_column_int64(st, 2);
		if (c.ndays > 0 && id != c.id) {
			if ((rc = flush(&c, cal_end, fn, arg)) != 0)
				break;
			c.ndays = 0;
		}
		if (c.ndays == 0) {
			c.id = id;
			c.first = c.last = day;
			c.x = c.rep_sum = c.hold = 0;
		} else if (day != days[c.ndays - 1]) {
			if (day <= cal_end) {
				c.x++;
				c.last = day;
			} else
				c.hold++;
		}
		if (c.ndays == 0 || day != days[c.ndays - 1]) {
			if (c.ndays == cap) {
				cap = cap ? 2 * cap : 64;
				days = xrealloc(days, cap * sizeof(*days));
			}
			days[c.ndays++] = day;
			c.days = days;
		}
		if (day != c.first && day <= cal_end &&
		    money_add(&c.rep_sum, net) != 0) {
			warnx("%s: customer %lld: spend overflows",
			    store_path(db), (long long)id);
			rc = -1;
			break;
		}
	}
	if (rc == 0 && step == SQLITE_DONE)
		rc = flush(&c, cal_end, fn, arg);
	else if (rc == 0)
		rc = -1;
	sqlite3_finalize(st);
	free(days);
	return rc;
}

int64_t
pd_key(int64_t x, int64_t tx, int64_t T)
{
	return x << 42 | tx << 21 | T;
}

void
pd_unkey(int64_t k, int64_t *x, int64_t *tx, int64_t *T)
{
	*x = k >> 42;
	*tx = k >> 21 & ((1 << 21) - 1);
	*T = k & ((1 << 21) - 1);
}

static size_t
hash(int64_t k1, int64_t k2)
{
	uint64_t h = (uint64_t)k1 * 0x9e3779b97f4a7c15ULL ^
	    (uint64_t)k2 * 0xc2b2ae3d27d4eb4fULL;

	return (size_t)(h ^ h >> 29);
}

long
pd_hist_find(const struct pd_hist *h, int64_t k1, int64_t k2)
{
	size_t i;
	uint32_t s;

	if (h->nslot == 0)
		return -1;
	for (i = hash(k1, k2) & (h->nslot - 1); (s = h->slot[i]) != 0;
	    i = (i + 1) & (h->nslot - 1))
		if (h->k1[s - 1] == k1 && h->k2[s - 1] == k2)
			return (long)s - 1;
	return -1;
}

static void
rehash(struct pd_hist *h)
{
	size_t i, j;

	h->nslot = h->nslot ? 2 * h->nslot : 1024;
	free(h->slot);
	h->slot = xmalloc(h->nslot * sizeof(*h->slot));
	memset(h->slot, 0, h->nslot * sizeof(*h->slot));
	for (i = 0; i < h->n; i++) {
		for (j = hash(h->k1[i], h->k2[i]) & (h->nslot - 1);
		    h->slot[j] != 0; j = (j + 1) & (h->nslot - 1))
			;
		h->slot[j] = (uint32_t)(i + 1);
	}
}

void
pd_hist_add(struct pd_hist *h, int64_t k1, int64_t k2)
{
	long f = pd_hist_find(h, k1, k2);
	size_t j;

	if (f >= 0) {
		h->w[f]++;
		return;
	}
	if (h->n == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 1024;
		h->k1 = xrealloc(h->k1, h->cap * sizeof(*h->k1));
		h->k2 = xrealloc(h->k2, h->cap * sizeof(*h->k2));
		h->w = xrealloc(h->w, h->cap * sizeof(*h->w));
	}
	h->k1[h->n] = k1;
	h->k2[h->n] = k2;
	h->w[h->n] = 1;
	h->n++;
	if (2 * h->n > h->nslot) {
		rehash(h);
		return;
	}
	for (j = hash(k1, k2) & (h->nslot - 1); h->slot[j] != 0;
	    j = (j + 1) & (h->nslot - 1))
		;
	h->slot[j] = (uint32_t)h->n;
}

void
pd_hist_free(struct pd_hist *h)
{
	free(h->k1);
	free(h->k2);
	free(h->w);
	free(h->slot);
	memset(h, 0, sizeof(*h));
}

static const struct pd_hist *sort_h;

static int
by_key(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;

	if (sort_h->k1[i] != sort_h->k1[j])
		return sort_h->k1[i] < sort_h->k1[j] ? -1 : 1;
	if (sort_h->k2[i] != sort_h->k2[j])
		return sort_h->k2[i] < sort_h->k2[j] ? -1 : 1;
	return 0;
}

/* The entries' indices in key order (x first in both kinds of key). */
static size_t *
order(const struct pd_hist *h)
{
	size_t *ix = xmalloc((h->n + 1) * sizeof(*ix)), i;

	for (i = 0; i < h->n; i++)
		ix[i] = i;
	sort_h = h;
	qsort(ix, h->n, sizeof(*ix), by_key);
	return ix;
}

struct pd_row *
pd_rows(const struct pd_hist *h, double unit, size_t **map)
{
	struct pd_row *v = xmalloc((h->n + 1) * sizeof(*v));
	size_t *ix = order(h), i;
	int64_t x, tx, T;

	if (map != NULL)
		*map = xmalloc((h->n + 1) * sizeof(**map));
	for (i = 0; i < h->n; i++) {
		pd_unkey(h->k1[ix[i]], &x, &tx, &T);
		v[i].x = (double)x;
		v[i].tx = (double)tx / unit;
		v[i].T = (double)T / unit;
		v[i].w = h->w[ix[i]];
		if (map != NULL)
			(*map)[ix[i]] = i;
	}
	free(ix);
	return v;
}

struct pd_spend *
pd_spends(const struct pd_hist *h)
{
	struct pd_spend *v = xmalloc((h->n + 1) * sizeof(*v));
	size_t *ix = order(h), i;

	for (i = 0; i < h->n; i++) {
		v[i].x = (double)h->k1[ix[i]];
		v[i].m = (double)h->k2[ix[i]] / 100.0 / v[i].x;
		v[i].w = h->w[ix[i]];
	}
	free(ix);
	return v;
}
