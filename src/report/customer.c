/*
 * customer.c: crm-report customer WHO: one customer's whole story, what
 * an analyst reads before writing to them: the identities and why they
 * are one customer, the stage, RFM and place in the shop's cycle as of
 * the day, every order with its lines and returns, tags, e-mail
 * activity, and every playbook contact with what followed it.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "report.h"

/* The profile: audience.c's columns, so every program means the same. */
static const char profile_cols[] = "name,account,accounts,phone,email,"
    "first_channel,channels,stage,days_since,orders,purchase_days,spent,"
    "aov,first_order,last_order,r,f,m,rfm,rfm_segment,tags";

/* ==== Parts read straight from SQL ==== */

enum ftype { F_TEXT, F_INT, F_MONEY, F_DAY, F_TIME };

struct field {
	const char *name;		/* CSV header */
	const char *label;		/* table heading, NULL: name */
	enum ftype type;
	int	 flags;			/* TC_* */
};

/*
 * One part: the rows of sql (?1 the customer, ?2 the second after the
 * as-of day), one column per field, under title.
 */
static int
sql_part(struct rp_ctx *c, int64_t id, const char *title,
    const struct field *f, int nf, const char *sql)
{
	struct table t;
	sqlite3_stmt *st;
	char b[40], d[20];
	int i, rc;

	if ((st = rp_prep(c, sql)) == NULL)
		return -1;
	rp_bind2(st, id, T1(c->asof));
	tout_title(&c->out, "%s", title);
	table_init(&t, &c->out);
	for (i = 0; i < nf; i++)
		table_col(&t, f[i].name, f[i].label, f[i].flags);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		for (i = 0; i < nf; i++) {
			if (sqlite3_column_type(st, i) == SQLITE_NULL) {
				table_cell(&t, "", "", 0);
				continue;
			}
			switch (f[i].type) {
			case F_INT:
				table_int(&t, sqlite3_column_int64(st, i));
				break;
			case F_MONEY:
				table_money(&t, sqlite3_column_int64(st, i));
				break;
			case F_DAY:
				table_str(&t, day_format(
				    sqlite3_column_int64(st, i), b));
				break;
			case F_TIME:
				/* Minutes: what an export gives. */
				time_format(sqlite3_column_int64(st, i), d);
				d[16] = '\0';
				table_str(&t, d);
				break;
			default:
				table_str(&t, (const char *)
				    sqlite3_column_text(st, i));
				break;
			}
		}
		table_endrow(&t);
	}
	sqlite3_finalize(st);
	table_end(&t);
	return rc == SQLITE_DONE ? 0 : -1;
}

static const struct field order_f[] = {
	{ "ordered_at", "ordered", F_TIME, 0 },
	{ "channel", NULL, F_TEXT, TC_LEFT | TC_OPTIONAL },
	{ "order_no", "order", F_TEXT, TC_LEFT },
	{ "status", NULL, F_TEXT, TC_LEFT },
	{ "total", NULL, F_MONEY, TC_OPTIONAL },
	{ "refund", NULL, F_MONEY, TC_OPTIONAL },
	{ "net", NULL, F_MONEY, 0 },
	/* A narrow terminal drops optional columns from the right. */
	{ "lines", NULL, F_INT, TC_OPTIONAL },
	{ "items_total", "items", F_MONEY, TC_OPTIONAL },
	{ "shipping", NULL, F_MONEY, TC_OPTIONAL },
	{ "discount", NULL, F_MONEY, TC_OPTIONAL },
	{ "coupon", NULL, F_TEXT, TC_LEFT | TC_OPTIONAL },
};

static const struct field line_f[] = {
	{ "order_no", "order", F_TEXT, TC_LEFT },
	{ "line", NULL, F_INT, TC_OPTIONAL },
	{ "sku", NULL, F_TEXT, TC_LEFT | TC_OPTIONAL },
	{ "product", NULL, F_TEXT, TC_LEFT | TC_SHRINK },
	{ "quantity", "qty", F_INT, 0 },
	{ "returned_qty", "returned", F_INT, 0 },
	{ "unit_price", "price", F_MONEY, TC_OPTIONAL },
	{ "amount", NULL, F_MONEY, 0 },
	{ "returned_amount", "refunded", F_MONEY, 0 },
};

static const struct field event_f[] = {
	{ "at", NULL, F_TIME, 0 },
	{ "kind", NULL, F_TEXT, TC_LEFT },
	{ "campaign", NULL, F_TEXT, TC_LEFT | TC_SHRINK },
	{ "coupon", NULL, F_TEXT, TC_LEFT },
};

static const struct field tag_f[] = {
	{ "tag", NULL, F_TEXT, TC_LEFT | TC_SHRINK },
	{ "source", NULL, F_TEXT, TC_LEFT },
	{ "added", NULL, F_DAY, 0 },
};

static const struct field contact_f[] = {
	{ "day", NULL, F_DAY, 0 },
	{ "playbook", NULL, F_TEXT, TC_LEFT | TC_OPTIONAL },
	{ "step", NULL, F_TEXT, TC_LEFT | TC_SHRINK },
	{ "group", NULL, F_TEXT, TC_LEFT },
	{ "coupon", NULL, F_TEXT, TC_LEFT | TC_SHRINK },
	{ "expires", NULL, F_DAY, TC_OPTIONAL },
	{ "claimed", NULL, F_DAY, TC_OPTIONAL },
	{ "used_order", "used in", F_TEXT, TC_LEFT | TC_OPTIONAL },
	{ "next_purchase", "bought", F_DAY, 0 },
	{ "next_order", "order", F_TEXT, TC_LEFT | TC_OPTIONAL },
	{ "next_net", "net", F_MONEY, TC_OPTIONAL },
};

#define NF(a)	((int)(sizeof(a) / sizeof(a[0])))

/*
 * A contact's coupon is claimed on the first coupon_claimed event with
 * its code and used by the first purchase that carried it (codes
 * compared as crm-playbook results does); the purchase that followed is
 * the customer's first after the contact's day.  A holdout's code was
 * never sent: it shows none.
 */
static const char contacts_sql[] =
    "SELECT k.day, k.playbook, k.step, k.grp,"
    " CASE WHEN k.grp = 'treatment' THEN k.coupon_code END,"
    " CASE WHEN k.grp = 'treatment' THEN k.expires_day END,"
    " CASE WHEN k.grp = 'treatment' THEN (SELECT min(e.at) / 86400 FROM"
    "  events e WHERE e.kind = 'coupon_claimed' AND upper(trim(e.coupon))"
    "  = k.coupon_code AND e.at < ?2) END,"
    " CASE WHEN k.grp = 'treatment' THEN (SELECT o.order_no FROM orders o"
    "  WHERE upper(trim(o.coupon)) = k.coupon_code AND o.coupon <> '' AND "
    CRM_PURCHASE("o.") " AND o.ordered_at < ?2 ORDER BY o.ordered_at,"
    "  o.id LIMIT 1) END,"
    " n.ordered_at / 86400, n.order_no, n.net"
    " FROM contacts k LEFT JOIN orders n ON n.id = (SELECT o.id FROM"
    "  orders o WHERE o.customer_id = k.customer_id AND "
    CRM_PURCHASE("o.") " AND o.ordered_at >= (k.day + 1) * 86400 AND"
    "  o.ordered_at < ?2 ORDER BY o.ordered_at, o.id LIMIT 1)"
    " WHERE k.customer_id = ?1 AND k.day < ?2 / 86400"
    " ORDER BY k.day, k.id";

/* ==== The profile ==== */

struct prof {
	struct table *t;
};

static void
prof_row(void *arg, const char *name, const char *value)
{
	struct prof *p = arg;

	table_str(p->t, name);
	table_str(p->t, value);
	table_endrow(p->t);
}

static void
prof_num(struct table *t, const char *name, const char *fmt, double v)
{
	char b[40];

	snprintf(b, sizeof(b), fmt, v);
	table_str(t, name);
	table_str(t, b);
	table_endrow(t);
}

static void
explain_row(void *arg, const char *const f[5])
{
	struct table *t = arg;
	int i;

	for (i = 0; i < 5; i++)
		table_str(t, f[i]);
	table_endrow(t);
}

/* The last purchase day as of the day, or -1. */
static int64_t
last_day(struct rp_ctx *c, int64_t id)
{
	sqlite3_stmt *st;
	int64_t d = -1;

	st = rp_prep(c, "SELECT last_day FROM temp.asof_stats WHERE"
	    " customer_id = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (store_step(st) == SQLITE_ROW)
		d = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return d;
}

static int
profile(struct rp_ctx *c, int64_t id, enum cust_key kind)
{
	struct audience_out o;
	struct audience_lookup *l;
	struct cycle_pos cp;
	struct table t;
	struct prof p = { &t };
	int rc;

	memset(&o, 0, sizeof(o));
	o.asof = c->asof;
	o.delim = ',';
	if (audience_columns(&o, profile_cols) != 0)
		return -1;
	if ((l = audience_lookup_open(c->db, &o, c->lost_after, NULL)) ==
	    NULL)
		return -1;
	if (cycle_position(c->db, c->asof, c->lost_after, last_day(c, id),
	    &cp) != 0) {
		audience_lookup_close(l);
		return -1;
	}
	tout_title(&c->out, "Customer %lld (found by %s)", (long long)id,
	    cust_key_name[kind]);
	table_init(&t, &c->out);
	table_col(&t, "field", NULL, TC_LEFT);
	table_col(&t, "value", NULL, TC_LEFT | TC_SHRINK);
	table_str(&t, "customer_id");
	table_int(&t, id);
	table_endrow(&t);
	rc = audience_lookup_each(l, id, prof_row, &p);
	audience_lookup_close(l);
	prof_num(&t, "lost_after", "%.0f", (double)cp.lost);
	prof_num(&t, "shop_cycle_days", "%.1f", cp.cycle);
	if (cp.bought && cp.cycle > 0)
		prof_num(&t, "cycles_since", "%.2f", cp.of_cycle);
	else
		prof_row(&p, "cycles_since", "");
	if (cp.bought)
		prof_num(&t, "days_to_lost", "%.0f", (double)cp.lost_in);
	else
		prof_row(&p, "days_to_lost", "");
	table_end(&t);
	if (rc != 0)
		return -1;
	if (c->out.mode == TM_TABLE) {
		if (!cp.bought)
			tout_note(&c->out, "No purchase by %s.",
			    day_format(c->asof, (char [11]){ 0 }));
		else if (cp.lost_in >= 0)
			tout_note(&c->out, "Last purchase %lld days ago: %.2f "
			    "of the shop's cycle of %.1f days; lost in %lld "
			    "days (after %lld).", (long long)cp.days_since,
			    cp.of_cycle, cp.cycle, (long long)cp.lost_in,
			    (long long)cp.lost);
		else
			tout_note(&c->out, "Last purchase %lld days ago: "
			    "lost for %lld days (lost after %lld; the shop's "
			    "cycle is %.1f days).", (long long)cp.days_since,
			    (long long)-cp.lost_in, (long long)cp.lost,
			    cp.cycle);
	}
	return 0;
}

int
rp_customer(struct rp_ctx *c)
{
	struct table t;
	char m[CRM_MASK_SIZE];
	enum cust_key kind;
	int64_t id;
	int rc;

	rc = cust_find(c->db, CK_ANY, c->who, &id, &kind);
	if (rc <= 0 || rc == 2) {
		if (rc == 0)
			warnx("no customer '%s' (an id, account, phone or "
			    "e-mail)", crm_mask(c->who, m));
		else if (rc == 2)
			warnx("'%s' names several customers: give a "
			    "customer_id or channel:account",
			    crm_mask(c->who, m));
		return -1;
	}
	if (stats_asof(c->db, c->asof) != 0)
		return -1;
	if (rp_part_is(c, "profile", 1) &&
	    profile(c, id, kind) != 0)
		return -1;
	if (rp_part_is(c, "identities", 0)) {
		tout_title(&c->out, "Why these records are one customer");
		table_init(&t, &c->out);
		table_col(&t, "record", NULL, TC_LEFT);
		table_col(&t, "kind", NULL, TC_LEFT);
		table_col(&t, "channel", NULL, TC_LEFT);
		table_col(&t, "value", NULL, TC_LEFT | TC_SHRINK);
		table_col(&t, "detail", NULL, TC_LEFT | TC_SHRINK);
		rc = cust_explain(c->db, id, explain_row, &t);
		table_end(&t);
		if (rc != 0)
			return -1;
	}
	if (rp_part_is(c, "orders", 0) && sql_part(c, id, "Orders", order_f,
	    NF(order_f), "SELECT ordered_at, channel, order_no, status, total,"
	    " refund, net, lines, items_total, shipping, discount,"
	    " nullif(coupon, '') FROM orders WHERE customer_id = ?1 AND"
	    " ordered_at < ?2 ORDER BY ordered_at, id") != 0)
		return -1;
	if (rp_part_is(c, "lines", 0) && sql_part(c, id, "Order lines",
	    line_f, NF(line_f), "SELECT o.order_no, i.line, p.sku, p.name,"
	    " i.quantity, i.returned_qty, i.unit_price, i.amount,"
	    " i.returned_qty * i.unit_price FROM orders o JOIN order_items i"
	    " ON i.order_id = o.id JOIN products p ON p.id = i.product_id"
	    " WHERE o.customer_id = ?1 AND o.ordered_at < ?2"
	    " ORDER BY o.ordered_at, o.id, i.line") != 0)
		return -1;
	if (rp_part_is(c, "tags", 0) && sql_part(c, id, "Tags", tag_f,
	    NF(tag_f), "SELECT tag, source, added_at / 86400 FROM tags"
	    " WHERE customer_id = ?1 ORDER BY tag") != 0)
		return -1;
	if (rp_part_is(c, "events", 0) && sql_part(c, id, "E-mail and coupon "
	    "events", event_f, NF(event_f), "SELECT at, kind,"
	    " nullif(campaign, ''), nullif(coupon, '') FROM events WHERE"
	    " customer_id = ?1 AND at < ?2 ORDER BY at, id") != 0)
		return -1;
	if (rp_part_is(c, "contacts", 0) && sql_part(c, id, "Playbook "
	    "contacts", contact_f, NF(contact_f), contacts_sql) != 0)
		return -1;
	return 0;
}
