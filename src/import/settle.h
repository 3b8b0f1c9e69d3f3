/*
 * settle.h: an order as the importer assembles it from an export's rows
 * (its lines, what its status and cancel or return columns said, its
 * amounts), and the rules that settle it: the status it ends with, its
 * items total, total, refund and net.  Pure: no store, no files.
 */
#ifndef IMPORT_SETTLE_H
#define IMPORT_SETTLE_H

#include <stdint.h>
#include <string.h>

#include "crm.h"

/* The order statuses the store knows, in the order of status_names[]. */
enum status { S_COMPLETED, S_PENDING, S_CANCELLED, S_RETURNED, S_CREDIT,
    NSTATUS };

extern const char *const status_names[NSTATUS];

/* One line of an order; amount and cost are for the whole quantity. */
struct item {
	int64_t	 product_id;
	int64_t	 qty;
	int64_t	 returned;
	int64_t	 price;
	int64_t	 amount;
	int64_t	 cost;
	int	 has_cost;
};

struct order {
	int	 open;			/* holds an order */
	long	 line;			/* line of its first row */
	struct buf channel, order_no, account, phone, email, name, coupon,
	    address;
	int	 cancelled;		/* a cancel reason says so */
	int	 excused;		/* a cancel reason that is no cancel */
	int	 returned;		/* a return status says so */
	int	 credit;		/* the credit column marks it a credit */
	int	 bad;			/* a row of it is bad (--skip-bad) */
	int64_t	 ordered_at;
	int	 has_time, has_status;
	enum status status;
	int64_t	 shipping, discount, paid_total, refund;
	int	 has_paid_total, has_refund;
	int64_t	 points_used;		/* points paid with */
	int	 has_points;		/* points_used was given */
	struct item *items;
	size_t	 nitems, capitems;
	int	 negative, positive;	/* lines with quantity < 0, > 0 */
};

/*
 * A line as the store keeps it: a credit's lines have negative quantity,
 * amount and cost and nothing returned; an order's lines as read.
 */
static inline void
item_stored(const struct item *it, int credit, struct item *out)
{
	*out = *it;
	if (credit) {
		out->qty = -it->qty;
		out->returned = 0;
		out->amount = -it->amount;
		out->cost = -it->cost;
	}
}

/* What the rules make of an order. */
struct settled {
	enum status status;
	int64_t	 items;			/* sum of the lines' amounts */
	int64_t	 total;			/* what the buyer paid */
	int64_t	 refund;		/* what went back */
	int64_t	 net;			/* the revenue the order counts for */
};

int	 settle(const struct order *o, struct settled *s);
int64_t	 settle_net(enum status st, int64_t total, int64_t refund);
int	 order_is_credit(const struct order *o);
int	 status_from_name(const char *name, enum status *st);
uint64_t order_lines_digest(const struct order *o);
uint64_t order_digest(const struct order *o, const struct settled *s,
	    uint64_t lines);
void	 order_add_item(struct order *o, const struct item *it);
void	 order_clear(struct order *o);
void	 order_free(struct order *o);

#endif
