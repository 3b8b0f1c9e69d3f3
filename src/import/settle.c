/*
 * settle.c: the rules that settle an order once all its rows are read.
 * Items are quantity x unit price; the total is paid_total when given,
 * else items + shipping - discount; refunds come from returned
 * quantities and negative lines unless a refund is given; net, the
 * revenue the order counts for, is total - refund for a purchase and 0
 * for a cancelled or fully returned order.  A credit note (every line
 * negative, or marked a credit) is a return of earlier purchases: its
 * items and total are negative and its net is its total.  Also the
 * order's digest, which tells a later import whether the order changed.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "import/settle.h"

const char *const status_names[NSTATUS] = {
	"completed", "pending", "cancelled", "returned", "credit",
};

/* Reads a status as the store writes it; 0, or -1 when unknown or NULL. */
int
status_from_name(const char *name, enum status *st)
{
	int k;

	for (k = 0; name != NULL && k < NSTATUS; k++)
		if (strcmp(name, status_names[k]) == 0) {
			*st = (enum status)k;
			return 0;
		}
	return -1;
}

/*
 * The revenue an order counts for: total - refund for a purchase (the
 * statuses of CRM_PURCHASE), never below 0; a credit's total, never
 * above 0; nothing for the others.
 */
int64_t
settle_net(enum status st, int64_t total, int64_t refund)
{
	int64_t net;

	if (st == S_CREDIT)
		return total - refund > 0 ? 0 : total - refund;
	net = (st == S_COMPLETED || st == S_PENDING) ? total - refund : 0;
	return net < 0 ? 0 : net;
}

static int64_t
neg_abs(int64_t v)
{
	return v > 0 ? -v : v;
}

/*
 * Settles a credit note: every line gives money back, whatever the sign
 * it was written with; shipping refunded adds to it, a discount lowers
 * it.  A credit the export cancelled counts for nothing.
 */
static int
settle_credit(const struct order *o, struct settled *s)
{
	int64_t items = 0, total;
	size_t i;

	for (i = 0; i < o->nitems; i++)
		if (money_add(&items, neg_abs(o->items[i].amount)) != 0)
			return -1;
	if (o->has_paid_total)
		total = neg_abs(o->paid_total);
	else {
		total = items;
		if (money_add(&total, neg_abs(o->shipping)) != 0 ||
		    money_add(&total, o->discount < 0 ? -o->discount :
		    o->discount) != 0)
			return -1;
	}
	s->status = o->cancelled || (o->has_status &&
	    o->status == S_CANCELLED) ? S_CANCELLED : S_CREDIT;
	s->items = items;
	s->total = total;
	s->refund = 0;
	s->net = settle_net(s->status, total, 0);
	return 0;
}

/* Whether o is a credit note: marked one, or every line negative. */
int
order_is_credit(const struct order *o)
{
	return o->credit || (o->has_status && o->status == S_CREDIT) ||
	    (o->negative > 0 && o->positive == 0);
}

/*
 * Settles order o into *s.  Returns 0, or -1 when an amount is too large
 * to hold.
 */
int
settle(const struct order *o, struct settled *s)
{
	int64_t items = 0, refund = 0, total, v;
	enum status st = o->status;
	size_t i;

	if (order_is_credit(o))
		return settle_credit(o, s);
	for (i = 0; i < o->nitems; i++) {
		const struct item *it = &o->items[i];

		if (money_add(&items, it->amount) != 0)
			return -1;
		if (it->returned == it->qty)
			v = it->returned > 0 ? it->amount : 0;
		else if (money_mul(it->price, it->returned, &v) != 0)
			return -1;
		if (money_add(&refund, v) != 0)
			return -1;
	}
	if (o->cancelled)
		st = S_CANCELLED;
	else if (o->excused && st == S_CANCELLED)
		st = S_COMPLETED;	/* a lost parcel the platform paid for */
	else if (o->returned && refund == 0 && !o->has_refund)
		st = S_RETURNED;	/* returned, and no line says how much */
	if (o->has_paid_total)
		total = o->paid_total;
	else {
		total = items;
		if (money_add(&total, o->shipping) != 0 ||
		    money_add(&total, -o->discount) != 0)
			return -1;
	}
	if (o->has_refund)
		refund = o->refund;
	if (st == S_COMPLETED && total > 0 && refund >= total)
		st = S_RETURNED;
	if (st == S_RETURNED && refund < total && !o->has_refund &&
	    o->negative == 0)
		refund = total;
	s->status = st;
	s->items = items;
	s->total = total;
	s->refund = refund;
	s->net = settle_net(st, total, refund);
	return 0;
}

/*
 * The digest of an order's lines: a sum of one digest a line, so that it
 * does not depend on the lines' order, and the digest of an order read
 * in parts is the sum of its parts'.
 */
uint64_t
order_lines_digest(const struct order *o)
{
	uint64_t dg = 0;
	size_t i;

	for (i = 0; i < o->nitems; i++) {
		const struct item *it = &o->items[i];

		dg += fnv_i(fnv_i(fnv_i(fnv_i(fnv_i(fnv_i(FNV_BASIS,
		    it->product_id), it->qty), it->returned), it->price),
		    it->amount), it->cost);
	}
	return dg;
}

/*
 * The digest of a settled order: its lines' (order_lines_digest), time,
 * status, amounts, coupon and buyer.  An order imported again with the
 * same digest (and customer) is unchanged.  Sums are taken modulo 2^63,
 * so that a part's lines can be added to or taken from a stored digest.
 */
uint64_t
order_digest(const struct order *o, const struct settled *s, uint64_t lines)
{
	uint64_t dg;

	dg = fnv_s(fnv_s(fnv_s(fnv_s(fnv_s(fnv_i(fnv_i(fnv_i(fnv_i(fnv_i(
	    fnv_i(FNV_BASIS, o->ordered_at), s->status), o->shipping),
	    o->discount), s->total), s->refund), o->coupon.s ? o->coupon.s :
	    ""), o->account.s ? o->account.s : ""), o->phone.s ? o->phone.s :
	    ""), o->email.s ? o->email.s : ""), o->name.s ? o->name.s : "");
	return (dg + lines) & INT64_MAX;
}

void
order_add_item(struct order *o, const struct item *it)
{
	if (o->nitems == o->capitems) {
		o->capitems = o->capitems ? o->capitems * 2 : 8;
		o->items = xrealloc(o->items, o->capitems * sizeof(*o->items));
	}
	o->items[o->nitems++] = *it;
}

void
order_clear(struct order *o)
{
	buf_reset(&o->channel);
	buf_reset(&o->order_no);
	buf_reset(&o->account);
	buf_reset(&o->phone);
	buf_reset(&o->email);
	buf_reset(&o->name);
	buf_reset(&o->coupon);
	buf_reset(&o->address);
	o->cancelled = o->returned = o->excused = o->credit = o->bad = 0;
	o->open = 0;
	o->has_time = o->has_status = 0;
	o->status = S_COMPLETED;
	o->shipping = o->discount = o->paid_total = o->refund = 0;
	o->has_paid_total = o->has_refund = 0;
	o->points_used = 0;
	o->has_points = 0;
	o->nitems = 0;
	o->negative = o->positive = 0;
}

void
order_free(struct order *o)
{
	struct buf *b[] = { &o->channel, &o->order_no, &o->account,
	    &o->phone, &o->email, &o->name, &o->coupon, &o->address };
	size_t i;

	for (i = 0; i < sizeof(b) / sizeof(b[0]); i++)
		buf_free(b[i]);
	free(o->items);
}
