/*
 * channels.c: crm-report's channels report: customers, orders and revenue per
 * channel and across channels.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/*
 * Channels and the sets of channels customers bought on, from one pass
 * over (customer, channel) in customer order: a shop has a handful of
 * channels, so the totals are a few entries found by name.
 */
struct chan {
	char	*name;			/* a channel, or a set 'a+b' */
	int	 nch;			/* channels in the set */
	int64_t	 cust, orders, rev, only;
};

struct chans {
	struct chan *e;
	size_t	 n, cap;
};

/* The index of the entry called name, added when new. */
static size_t
chan_find(struct chans *cs, const char *name, int nch)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		if (strcmp(cs->e[i].name, name) == 0)
			return i;
	if (cs->n == cs->cap) {
		cs->cap = cs->cap ? cs->cap * 2 : 8;
		cs->e = xrealloc(cs->e, cs->cap * sizeof(*cs->e));
	}
	memset(&cs->e[cs->n], 0, sizeof(cs->e[0]));
	cs->e[cs->n].name = xstrdup(name);
	cs->e[cs->n].nch = nch;
	return cs->n++;
}

static void
chans_free(struct chans *cs)
{
	size_t i;

	for (i = 0; i < cs->n; i++)
		free(cs->e[i].name);
	free(cs->e);
}

static int
chan_by_rev(const void *pa, const void *pb)
{
	const struct chan *a = pa, *b = pb;

	if (a->rev != b->rev)
		return a->rev > b->rev ? -1 : 1;
	return strcmp(a->name, b->name);
}

static int
combo_order(const void *pa, const void *pb)
{
	const struct chan *a = pa, *b = pb;

	if ((a->nch > 1) != (b->nch > 1))
		return a->nch > 1 ? -1 : 1;
	if (a->cust != b->cust)
		return a->cust > b->cust ? -1 : 1;
	return strcmp(a->name, b->name);
}

struct cch {				/* one channel of the customer at hand */
	size_t	 ch;			/* its entry in the channel totals */
	int64_t	 n, rev;
};

/* Adds the customer at hand to the channel and set totals. */
static void
cust_channels(struct chans *chs, struct chans *sets, struct cch *cur,
    size_t *ncur, struct buf *combo, int64_t *ncust)
{
	struct chan *set, *ch;
	size_t i;

	if (*ncur == 0)
		return;
	(*ncust)++;
	i = chan_find(sets, combo->s, (int)*ncur);
	set = &sets->e[i];
	set->cust++;
	for (i = 0; i < *ncur; i++) {
		ch = &chs->e[cur[i].ch];
		ch->cust++;
		ch->orders += cur[i].n;
		ch->rev += cur[i].rev;
		ch->only += *ncur == 1;
		set->orders += cur[i].n;
		set->rev += cur[i].rev;
	}
	*ncur = 0;
	buf_reset(combo);
}

int
rp_channels(struct rp_ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	struct chans chs = { NULL, 0, 0 }, sets = { NULL, 0, 0 };
	struct cch *cur = NULL;
	struct buf combo = { 0 };
	size_t ncur = 0, capcur = 0, i;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof, total = 0, cust = 0;
	int64_t cid = -1, multi = 0;
	int rc, ret = -1;

	/* Purchases and returns: a channel's revenue is net of its
	 * returns, its customers those who bought on it.  The orders of
	 * no known buyer (cid NULL, first) count in the channel only. */
	st = rp_prep(c, "SELECT cid, channel, SUM(status <> 'credit'),"
	    " SUM(net) FROM temp.r"
	    " WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400"
	    " GROUP BY cid, channel ORDER BY cid, channel");
	if (st == NULL)
		return -1;
	rp_bind2(st, from, to);
	buf_adds(&combo, "");
	while ((rc = store_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		struct chan *ch;

		if (name == NULL)
			name = "";
		if (sqlite3_column_type(st, 0) == SQLITE_NULL ||
		    sqlite3_column_int64(st, 2) == 0) {
			i = chan_find(&chs, name, 1);
			ch = &chs.e[i];
			ch->orders += sqlite3_column_int64(st, 2);
			ch->rev += sqlite3_column_int64(st, 3);
			total += sqlite3_column_int64(st, 3);
			continue;
		}
		if (id != cid) {
			cust_channels(&chs, &sets, cur, &ncur, &combo, &cust);
			cid = id;
		}
		if (ncur == capcur) {
			capcur = capcur ? capcur * 2 : 8;
			cur = xrealloc(cur, capcur * sizeof(*cur));
		}
		cur[ncur].ch = chan_find(&chs, name, 1);
		cur[ncur].n = sqlite3_column_int64(st, 2);
		cur[ncur].rev = sqlite3_column_int64(st, 3);
		total += cur[ncur].rev;
		/* Channels come sorted, so the set's name is too. */
		buf_printf(&combo, "%s%s", ncur > 0 ? "+" : "", name);
		ncur++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		goto done;
	cust_channels(&chs, &sets, cur, &ncur, &combo, &cust);
	if (chs.n > 0)
		qsort(chs.e, chs.n, sizeof(*chs.e), chan_by_rev);
	if (sets.n > 0)
		qsort(sets.e, sets.n, sizeof(*sets.e), combo_order);
	if (rp_part_is(c, "channels", 1)) {
		tout_title(&c->out, "Channels");
		rp_scope_note(c, from, to);
		table_init(&t, &c->out);
		table_col(&t, "channel", NULL, TC_LEFT);
		table_col(&t, "customers", NULL, 0);
		table_col(&t, "orders", NULL, 0);
		table_col(&t, "revenue", NULL, 0);
		table_col(&t, "revenue_share", "share", 0);
		table_col(&t, "aov", "AOV", TC_OPTIONAL);
		table_col(&t, "only_here", "only here", TC_OPTIONAL);
		table_col(&t, "bar", "", TC_BAR);
		for (i = 0; i < chs.n; i++) {
			struct chan *ch = &chs.e[i];

			table_str(&t, ch->name);
			table_int(&t, ch->cust);
			table_int(&t, ch->orders);
			table_money(&t, ch->rev);
			table_ratio(&t, ch->rev, total);
			table_money(&t, rp_div_round(ch->rev, ch->orders));
			table_int(&t, ch->only);
			table_cell(&t, "", "", (double)ch->rev);
			table_endrow(&t);
		}
		table_end(&t);
		rp_currency_note(c);
	}
	if (rp_part_is(c, "overlap", 0)) {
		tout_title(&c->out, "Customers by the channels they bought on");
		table_init(&t, &c->out);
		table_col(&t, "channels", NULL, TC_LEFT | TC_SHRINK);
		table_col(&t, "count", NULL, TC_CSVONLY);
		table_col(&t, "customers", NULL, 0);
		table_col(&t, "customer_share", "share", 0);
		table_col(&t, "orders", NULL, TC_OPTIONAL);
		table_col(&t, "revenue", NULL, TC_OPTIONAL);
		table_col(&t, "bar", "", TC_BAR);
		for (i = 0; i < sets.n; i++) {
			struct chan *set = &sets.e[i];

			if (set->nch > 1)
				multi += set->cust;
			table_str(&t, set->name);
			table_int(&t, set->nch);
			table_int(&t, set->cust);
			table_ratio(&t, set->cust, cust);
			table_int(&t, set->orders);
			table_money(&t, set->rev);
			table_cell(&t, "", "", (double)set->cust);
			table_endrow(&t);
		}
		table_end(&t);
		tout_note(&c->out, "%lld of %lld customers (%s) bought on more "
		    "than one channel.", (long long)multi, (long long)cust,
		    fmt_pct(multi, cust, (char[16]){ 0 }));
	}
	ret = 0;
done:
	chans_free(&chs);
	chans_free(&sets);
	free(cur);
	buf_free(&combo);
	return ret;
}
