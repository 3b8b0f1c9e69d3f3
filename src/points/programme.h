/*
 * programme.h: the points programme file of crm-points(1) and the
 * ledger that applies it to one customer's history.  No SQLite here:
 * points/store.c reads the store, programme.c the file, ledger.c the
 * rules, so that the unit test drives the ledger with hand-made events.
 */
#ifndef POINTS_PROGRAMME_H
#define POINTS_PROGRAMME_H

#include <stdint.h>
#include <stdio.h>

#include "crm.h"

#define PT_MAXTIERS	16

struct pt_tier {
	char	*name;
	int64_t	 spend;			/* minor units, net, to hold it */
	int	 months;		/* the trailing window */
	int	 mult;			/* multiplier in hundredths (100: x1) */
};

struct programme {
	char	*file;			/* for messages */
	char	*name;			/* "programme NAME" */
	int64_t	 start;			/* day */
	int64_t	 earn_points;		/* "earn N per AMOUNT" */
	int64_t	 earn_per;		/* minor units */
	int64_t	 pending;		/* days; 0: at once */
	int64_t	 signup, birthday, first;	/* bonuses; 0: none */
	int64_t	 expire;		/* days; 0: never */
	struct pt_tier tier[PT_MAXTIERS];	/* ascending spend */
	int	 ntiers;
	int64_t	 value;			/* a point, in millionths of a unit */
	int	 has_value;
	int	 holdout;		/* basis points of members held out */
	int64_t	 seed;
};

/*
 * Reads a programme from fp; file names it in messages.  Every error
 * goes into err as "FILE:LINE: message\n", one a line.  Returns 0, or
 * -1 when there was at least one.
 */
int	 programme_read(FILE *fp, const char *file, struct programme *pg,
	    struct buf *err);
void	 programme_free(struct programme *pg);
/* Reads the file at path; 0, or -1 after printing its errors. */
int	 programme_load(const char *path, struct programme *pg);
/*
 * 1 when the customer is held out: SHA-256 of "seed/programme/customer"
 * (the seed in decimal) taken as a number in [0, 10000), as
 * crm-playbook draws, is below the holdout share in basis points.
 */
int	 programme_holdout(const struct programme *pg, int64_t customer);
/* The first day of the window of `months` months ending on day. */
int64_t	 programme_window(int64_t day, int months);

/* ==== ledger.c ==== */

/* What happens to a customer, in day order (pt_event.day, then seq). */
enum pt_ekind {
	PE_ORDER,		/* a purchase: net > 0 */
	PE_CREDIT,		/* a credit note: net < 0 */
	PE_REDEEM,		/* points used */
};

struct pt_event {
	enum pt_ekind kind;
	int64_t	 day;
	int64_t	 amount;		/* net (orders, credits), points */
	const char *ref;		/* order number, redemption ref */
};

/* One customer as the ledger sees them. */
struct pt_cust {
	int64_t	 id;
	int	 member;		/* has a member record */
	int64_t	 joined;		/* its day, or -1: none or no date */
	int	 bmonth, bday;		/* birthday, 0: unknown */
	const struct pt_event *ev;	/* by day, as they happened */
	size_t	 nev;
};

/* The kinds of ledger entry, in the statement's words. */
enum pt_kind {
	PK_EARN, PK_SIGNUP, PK_BIRTHDAY, PK_FIRST, PK_RETURN, PK_REDEEM,
	PK_EXPIRE, PK_NKINDS
};
extern const char *const pt_kind_name[PK_NKINDS];

struct pt_entry {
	enum pt_kind kind;
	int64_t	 day;
	int64_t	 points;		/* signed: + earned, - used or lost */
	int64_t	 usable;		/* earned: the day it becomes usable */
	int64_t	 basis;			/* the amount behind it, or 0 */
	int	 tier;			/* tier index at the time, -1: none */
	int	 mult;			/* hundredths */
	int64_t	 asked;			/* redeem: the points asked */
	const char *ref;
	int64_t	 balance, pending;	/* after it */
};

/* A customer's ledger as of a day. */
struct pt_totals {
	int	 enrolled;		/* in the programme by the as-of day */
	int64_t	 earned;		/* every plus entry */
	int64_t	 bonus;			/* of which signup, birthday, first */
	int64_t	 returned, redeemed, expired;	/* as positive numbers */
	int64_t	 balance;		/* usable now */
	int64_t	 pending;		/* earned, not yet usable */
	int	 tier;			/* -1: none */
	int64_t	 spend;			/* net in the tier window */
	int64_t	 to_next;		/* spend to the next tier, -1: top */
	int64_t	 lapse30, lapse90;	/* lapsing in the next 30, 90 days */
};

struct pt_lot {
	int64_t	 day, usable, left;
};

/* Scratch kept between customers, so memory follows the largest one. */
struct pt_ledger {
	const struct programme *pg;
	int64_t	 asof;
	int	 no_redeem;		/* leave redemptions out (replay) */
	struct pt_lot *lot;
	size_t	 nlot, lotcap;
	size_t	 head;			/* after a run: first lot left */
	void	(*entry)(void *, const struct pt_entry *);	/* or NULL */
	void	*arg;
};

void	 pt_ledger_init(struct pt_ledger *l, const struct programme *pg,
	    int64_t asof);
void	 pt_ledger_free(struct pt_ledger *l);
/* Runs one customer's history up to the as-of day into t. */
void	 pt_ledger_run(struct pt_ledger *l, const struct pt_cust *c,
	    struct pt_totals *t);
/*
 * After pt_ledger_run(): the customer's points that lapse by day
 * asof + days (within), and those that lapse on exactly that day (on).
 */
void	 pt_lapsing(const struct pt_ledger *l, int64_t days, int64_t *within,
	    int64_t *on);
/*
 * After pt_ledger_run(): the tier (-1: none) that the customer's orders
 * and credit notes up to the as-of day give on day: as it was, for a
 * day before; as it will be if they buy nothing more, for a day after.
 */
int	 pt_tier_on(struct pt_ledger *l, const struct pt_cust *c,
	    int64_t day);
/*
 * After pt_ledger_run(): in how many days (1 to days) the tier held on
 * the as-of day is lost if the customer buys nothing more, as the spend
 * that leaves the window takes them below it; 0 when it is not (or none
 * is held).
 */
int64_t	 pt_tier_lost(struct pt_ledger *l, const struct pt_cust *c,
	    int64_t days);

#endif /* POINTS_PROGRAMME_H */
