/*
 * settle.c: the rules that settle an order once all its rows are read.
 * Items are quantity x unit price; the total is paid_total when given,
 * else items + shipping - discount; refunds come from returned
 * quantities and negative lines unless a refund is given; net, the
 * revenue the order counts for, is total - refund for a purchase and 0
 * for a cancelled or fully returned order.  Also the order's digest,
 * which tells a later import whether the order changed.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "import/settle.h"

const char *const status_names[NSTATUS] = {
	"completed", "pending", "cancelled", "returned",
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
 * statuses of CRM_PURCHASE), never below 0; nothing for the others.
 */
int64_t
settle_net(enum status st, int64_t total, int64_t refund)
{
	int64_t net;

	net = (st == S_COMPLETED || st == S_PENDING) ? total - refund : 0;
	return net < 0 ? 0 : net;
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

	for (i = 0; i < o->nitems; i++) {
		const struct item *it = &o->items[i];

		if (money_add(&items, it->amount) != 0)
			return -1;
		if (money_mul(it->price, it->returned, &v) != 0 ||
		    money_add(&refund, v) != 0)
			return -1;
	}
	if (o->negative > 0 && o->positive == 0) {
		/* A cancellation record: every line was taken back. */
		if (!o->has_status || st == S_COMPLETED)
			st = S_CANCELLED;
		refund = 0;
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
 * The digest of a settled order: its lines, time, status, amounts,
 * coupon and buyer.  An order imported again with the same digest (and
 * customer) is unchanged.
 */
uint64_t
order_digest(const struct order *o, const struct settled *s)
{
	uint64_t dg = FNV_BASIS;
	size_t i;

	for (i = 0; i < o->nitems; i++) {
		const struct item *it = &o->items[i];

		dg = fnv_i(fnv_i(fnv_i(fnv_i(fnv_i(dg, it->product_id),
		    it->qty), it->returned), it->price), it->cost);
	}
	dg = fnv_s(fnv_s(fnv_s(fnv_s(fnv_s(fnv_i(fnv_i(fnv_i(fnv_i(fnv_i(
	    fnv_i(dg, o->ordered_at), s->status), o->shipping), o->discount),
	    s->total), s->refund), o->coupon.s ? o->coupon.s : ""),
	    o->account.s ? o->account.s : ""), o->phone.s ? o->phone.s : ""),
	    o->email.s ? o->email.s : ""), o->name.s ? o->name.s : "");
	return dg & INT64_MAX;
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
	o->cancelled = o->returned = o->excused = 0;
	o->open = 0;
	o->has_time = o->has_status = 0;
	o->status = S_COMPLETED;
	o->shipping = o->discount = o->paid_total = o->refund = 0;
	o->has_paid_total = o->has_refund = 0;
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
