/*
 * settle_test.c: the rules that settle an order (import/settle.c), case
 * by case.  Amounts are in cents; every expected value is worked out by
 * hand from the order's lines and amounts.
 */
#include <stdint.h>
#include <string.h>

#include "crm.h"
#include "import/settle.h"
#include "unit.h"

static struct order o;
static struct settled s;

/* An empty order, as a first row leaves it: completed, no status read. */
static void
fresh(void)
{
	order_clear(&o);
	memset(&s, 0, sizeof(s));
}

/*
 * A line as the reader adds it: a negative quantity takes every unit
 * back (returned = quantity), and the amount is price x quantity.
 */
static void
line(int64_t qty, int64_t price, int64_t returned)
{
	struct item it = { 0 };

	it.qty = qty;
	it.returned = returned;
	it.price = price;
	if (qty < 0) {
		o.negative++;
		it.qty = -qty;
		it.returned = it.qty;
	} else if (qty > 0)
		o.positive++;
	it.amount = price * it.qty;
	order_add_item(&o, &it);
}

static void
status(enum status st)
{
	o.status = st;
	o.has_status = 1;
}

/* Settles o; checks status, items, total, refund and net. */
#define SETTLES(st_, items_, total_, refund_, net_) do {		\
	CHECK_INT(settle(&o, &s), 0);					\
	CHECK_STR(status_names[s.status], status_names[st_]);		\
	CHECK_INT(s.items, items_);					\
	CHECK_INT(s.total, total_);					\
	CHECK_INT(s.refund, refund_);					\
	CHECK_INT(s.net, net_);						\
} while (0)

int
main(void)
{
	uint64_t d1, d2;
	enum status st;
	int k;

	/* Two lines, shipping and a discount: 2 x 100 + 1 x 50 = 250,
	 * + 60 - 10 = 300; nothing back. */
	fresh();
	line(2, 10000, 0);
	line(1, 5000, 0);
	o.shipping = 6000;
	o.discount = 1000;
	SETTLES(S_COMPLETED, 25000, 30000, 0, 30000);

	/* paid_total wins over the lines: 250 + 60 - 10 would be 300. */
	o.paid_total = 28000;
	o.has_paid_total = 1;
	SETTLES(S_COMPLETED, 25000, 28000, 0, 28000);

	/* A pending order counts as a purchase. */
	fresh();
	status(S_PENDING);
	line(1, 12000, 0);
	SETTLES(S_PENDING, 12000, 12000, 0, 12000);

	/* Cancelled by its status word: a total, but no net. */
	fresh();
	status(S_CANCELLED);
	line(1, 10000, 0);
	SETTLES(S_CANCELLED, 10000, 10000, 0, 0);

	/* A cancel reason cancels a completed order. */
	fresh();
	status(S_COMPLETED);
	line(1, 10000, 0);
	o.cancelled = 1;
	SETTLES(S_CANCELLED, 10000, 10000, 0, 0);

	/* A cancel reason the format excuses (a lost parcel the platform
	 * paid for) makes a cancelled order completed. */
	fresh();
	status(S_CANCELLED);
	line(1, 10000, 0);
	o.excused = 1;
	SETTLES(S_COMPLETED, 10000, 10000, 0, 10000);

	/* Partial return: 3 x 100 bought, 1 back: refund 100, net 200. */
	fresh();
	line(3, 10000, 1);
	SETTLES(S_COMPLETED, 30000, 30000, 10000, 20000);

	/* Fully returned by its lines: refund 200 >= total 200. */
	fresh();
	line(2, 10000, 2);
	SETTLES(S_RETURNED, 20000, 20000, 20000, 0);

	/* The same with shipping kept: 200 back of 260, still a purchase
	 * worth the 60 of shipping. */
	o.shipping = 6000;
	SETTLES(S_COMPLETED, 20000, 26000, 20000, 6000);

	/* A refund given wins over the lines: 40 of 300. */
	fresh();
	line(3, 10000, 1);
	o.refund = 4000;
	o.has_refund = 1;
	SETTLES(S_COMPLETED, 30000, 30000, 4000, 26000);

	/* A refund given beyond the total: returned, the refund as given. */
	o.refund = 40000;
	SETTLES(S_RETURNED, 30000, 30000, 40000, 0);

	/* All lines negative, no status: a credit note (a return of earlier
	 * purchases): -2 x 100 = -200, its net; no refund. */
	fresh();
	line(-2, 10000, 0);
	SETTLES(S_CREDIT, -20000, -20000, 0, -20000);

	/* The same with a completed or pending status: a credit still. */
	status(S_COMPLETED);
	SETTLES(S_CREDIT, -20000, -20000, 0, -20000);
	status(S_PENDING);
	SETTLES(S_CREDIT, -20000, -20000, 0, -20000);

	/* A cancelled credit counts for nothing; so does one whose cancel
	 * reason is set. */
	status(S_CANCELLED);
	SETTLES(S_CANCELLED, -20000, -20000, 0, 0);
	status(S_COMPLETED);
	o.cancelled = 1;
	SETTLES(S_CANCELLED, -20000, -20000, 0, 0);

	/* Two negative lines, refunded shipping 60 and a discount 10 given
	 * back: -(2 x 100 + 1 x 50) = -250, -60, +10 = -300. */
	fresh();
	line(-2, 10000, 0);
	line(-1, 5000, 0);
	o.shipping = -6000;
	o.discount = 1000;
	SETTLES(S_CREDIT, -25000, -30000, 0, -30000);

	/* A paid total on a credit is money back, whatever its sign. */
	o.paid_total = 27000;
	o.has_paid_total = 1;
	SETTLES(S_CREDIT, -25000, -27000, 0, -27000);

	/* Marked a credit by its column, lines written positive: 3 x 40
	 * back = -120. */
	fresh();
	line(3, 4000, 0);
	o.credit = 1;
	SETTLES(S_CREDIT, -12000, -12000, 0, -12000);

	/* Marked by its status word. */
	fresh();
	status(S_CREDIT);
	line(1, 4000, 0);
	SETTLES(S_CREDIT, -4000, -4000, 0, -4000);

	/* A negative line among positive ones takes its units back:
	 * 2 x 100 + 1 x 50 = 250, 50 back, net 200. */
	fresh();
	line(2, 10000, 0);
	line(-1, 5000, 0);
	SETTLES(S_COMPLETED, 25000, 25000, 5000, 20000);

	/* Returned by its status word, with a negative line: the refund
	 * stays what the lines say; no net. */
	status(S_RETURNED);
	SETTLES(S_RETURNED, 25000, 25000, 5000, 0);

	/* Returned by its status word, nothing saying how much: all of it
	 * (150) went back. */
	fresh();
	status(S_RETURNED);
	line(1, 15000, 0);
	SETTLES(S_RETURNED, 15000, 15000, 15000, 0);

	/* A return status column with no return quantity nor refund:
	 * returned, all of it back. */
	fresh();
	line(1, 15000, 0);
	o.returned = 1;
	SETTLES(S_RETURNED, 15000, 15000, 15000, 0);

	/* A return status with a refund given: the refund says how much;
	 * still a purchase for 150 - 50. */
	o.refund = 5000;
	o.has_refund = 1;
	SETTLES(S_COMPLETED, 15000, 15000, 5000, 10000);

	/* A cancel reason wins over a return status. */
	o.cancelled = 1;
	SETTLES(S_CANCELLED, 15000, 15000, 5000, 0);

	/* A free order is not returned because nothing was paid. */
	fresh();
	line(1, 0, 0);
	SETTLES(S_COMPLETED, 0, 0, 0, 0);

	/* A discount larger than the lines: total below 0, net 0. */
	fresh();
	line(1, 10000, 0);
	o.discount = 15000;
	SETTLES(S_COMPLETED, 10000, -5000, 0, 0);

	/* Sums too large to hold. */
	fresh();
	line(1, INT64_MAX / 2 + 1, 0);
	line(1, INT64_MAX / 2 + 1, 0);
	CHECK_INT(settle(&o, &s), -1);
	fresh();
	line(1, INT64_MAX - 10, 0);
	o.shipping = 11;
	CHECK_INT(settle(&o, &s), -1);

	/* The net rule alone. */
	CHECK_INT(settle_net(S_COMPLETED, 10000, 3000), 7000);
	CHECK_INT(settle_net(S_PENDING, 10000, 15000), 0);
	CHECK_INT(settle_net(S_CANCELLED, 10000, 0), 0);
	CHECK_INT(settle_net(S_RETURNED, 10000, 0), 0);
	CHECK_INT(settle_net(S_CREDIT, -10000, 0), -10000);
	CHECK_INT(settle_net(S_CREDIT, 500, 0), 0);

	/* It counts the statuses SQL counts as a purchase, and no other. */
	for (k = 0; k < NSTATUS; k++) {
		char quoted[32];

		snprintf(quoted, sizeof(quoted), "'%s'", status_names[k]);
		CHECK_INT(strstr(CRM_PURCHASE(""), quoted) != NULL,
		    settle_net((enum status)k, 100, 0) == 100);
	}

	/* Revenue counts the purchases and the credits. */
	for (k = 0; k < NSTATUS; k++) {
		char quoted[32];

		snprintf(quoted, sizeof(quoted), "'%s'", status_names[k]);
		CHECK_INT(strstr(CRM_REVENUE(""), quoted) != NULL,
		    k == S_COMPLETED || k == S_PENDING || k == S_CREDIT);
	}

	/* A line priced below a cent: 7 x 0.001 = 0.007, amount 1 cent as
	 * the reader rounds it; every unit back refunds the amount, not
	 * 7 x the rounded price 0. */
	fresh();
	{
		struct item it = { 0 };

		it.qty = 7;
		it.returned = 7;
		it.amount = 1;
		order_add_item(&o, &it);
		o.positive++;
	}
	SETTLES(S_RETURNED, 1, 1, 1, 0);

	/* Status names read back. */
	CHECK_INT(status_from_name("returned", &st), 0);
	CHECK_INT(st, S_RETURNED);
	CHECK_INT(status_from_name("shipped", &st), -1);
	CHECK_INT(status_from_name("credit", &st), 0);
	CHECK_INT(st, S_CREDIT);

	/* The digest: the same order the same; a status, a line's price or
	 * a buyer's value changes it; never negative in the store. */
	fresh();
	line(2, 10000, 0);
	buf_adds(&o.account, "u1");
	CHECK_INT(settle(&o, &s), 0);
	d1 = order_digest(&o, &s, order_lines_digest(&o));
	CHECK_INT(order_digest(&o, &s, order_lines_digest(&o)) == d1, 1);
	CHECK_INT(d1 <= (uint64_t)INT64_MAX, 1);
	o.cancelled = 1;
	CHECK_INT(settle(&o, &s), 0);
	d2 = order_digest(&o, &s, order_lines_digest(&o));
	CHECK_INT(d2 != d1, 1);
	o.cancelled = 0;
	o.items[0].price = 10001;
	CHECK_INT(settle(&o, &s), 0);
	CHECK_INT(order_digest(&o, &s, order_lines_digest(&o)) != d1, 1);
	o.items[0].price = 10000;
	buf_reset(&o.account);
	buf_adds(&o.account, "u2");
	CHECK_INT(settle(&o, &s), 0);
	CHECK_INT(order_digest(&o, &s, order_lines_digest(&o)) != d1, 1);

	/* The lines' digest does not depend on their order. */
	fresh();
	line(2, 10000, 0);
	line(1, 5000, 0);
	d1 = order_lines_digest(&o);
	fresh();
	line(1, 5000, 0);
	line(2, 10000, 0);
	CHECK_INT(order_lines_digest(&o) == d1, 1);
	line(1, 1, 0);
	CHECK_INT(order_lines_digest(&o) != d1, 1);

	order_free(&o);
	return unit_done();
}
