/*
 * run.h: crm-playbook's store side.  run.c works out who is due on a day
 * and records the contacts; results.c measures each step against its
 * holdout.  Both build TEMP tables in the store they are given; the
 * command only parses, calls these and writes.
 */
#ifndef PLAYBOOK_RUN_H
#define PLAYBOOK_RUN_H

#include <stdint.h>

#include <sqlite3.h>

#include "playbook/playbook.h"

struct segexpr;

/* ==== run.c ==== */

struct pb_counts {
	int64_t	 due, capped, unreachable, treatment, holdout;
	int64_t	 no_way;		/* unreachable: no e-mail, phone, chat */
	int64_t	 email, sms, chat;	/* the treatment by channel */
};

/* One contact of a run, as pbrun_contacts() hands it out. */
struct pb_contact {
	const char *customer_id;
	const char *name, *email, *phone;	/* "" when unknown */
	const char *channel;		/* "email", "sms", "chat", "" held out */
	const char *step, *template, *code, *grp;	/* "" when NULL */
	int	 holdout;		/* grp is "holdout" */
	int	 coupon;		/* a code to write (never a holdout's) */
	int64_t	 threshold;		/* with coupon: minor units */
	int	 has_pct;		/* with coupon: percent off, else */
	int	 discount_pct;
	int64_t	 discount;		/* amount off, minor units */
	int64_t	 expires_day;
};

/*
 * Makes the TEMP tables of a run of pb (its steps, and pb_out for the
 * contacts).  Every function returns 0, or -1 after printing why.
 */
int	 pbrun_begin(sqlite3 *db, const struct playbook *pb);
/* How many contacts pb recorded on day d (0: none yet), or -1. */
int64_t	 pbrun_recorded(sqlite3 *db, const struct playbook *pb, int64_t d);
/* Takes the contacts pb recorded on day d, in the order written. */
int	 pbrun_replay(sqlite3 *db, const struct playbook *pb, int64_t d);
/*
 * Works out who is due on day d (a customer list on stdin narrows the
 * audiences; seg[i] is step i's compiled segment, or NULL), with the lost
 * threshold lost_threshold() gives for lost_after, and counts them.
 */
int	 pbrun_compute(sqlite3 *db, const struct playbook *pb, int64_t d,
	    int64_t lost_after, struct segexpr *const *seg,
	    struct pb_counts *c);
/* Records the contacts worked out as sent on day d. */
int	 pbrun_record(sqlite3 *db, const struct playbook *pb, int64_t d);
/* Calls fn for every contact, in the order they are to be written. */
int	 pbrun_contacts(sqlite3 *db,
	    void (*fn)(void *, const struct pb_contact *), void *arg);

/* Shared with results.c. */
int	 pb_steps_table(sqlite3 *db, const struct playbook *pb);
int	 pb_exec(sqlite3 *db, const char *sql, const int64_t *p, int n,
	    const char *t9, const char *t10);
int64_t	 pb_query_int(sqlite3 *db, const char *sql, const int64_t *p, int n,
	    const char *t9);
const char *pb_col(sqlite3_stmt *st, int i);

/* ==== results.c ==== */

/*
 * One row of results: the treated side (a step's treatment contacts, a
 * variant's, or the first variant of a pair) against the comparison side
 * (the holdout, or the second variant).  Only contacts whose window has
 * closed by the as-of day are counted; measuring counts the others.
 */
struct pb_group {
	int64_t	 measuring;
	int64_t	 contacted, held_out;	/* treated, comparison */
	int64_t	 coupons, claimed, used;	/* treated */
	int64_t	 hcoupons, hclaimed, hused;	/* comparison */
	int64_t	 bought, hbought;
	int64_t	 revenue, hrevenue, crevenue, cost;
	/* Every closed contact's revenue (minor units), per side. */
	int64_t	*rev, *hrev;
	size_t	 nrev, nhrev;
};

/* What a row adds up. */
enum pb_by {
	PB_BY_STEP,		/* a step's treatment against its holdout */
	PB_BY_VARIANT,		/* one variant against the step's holdout */
	PB_BY_VERSUS,		/* one variant against another */
	PB_BY_COUPON,		/* by coupon prefix */
	PB_BY_AUDIENCE		/* by audience as written in the file */
};

/*
 * Gathers every contact up to day asof (of playbook name, or of all when
 * NULL) with what it bought within days of the contact, and whether that
 * window has closed; pb gives the steps' order and audiences (it may
 * have none).  *claims_known is 1 when the store has coupon claims to
 * count.
 */
int	 pbres_gather(sqlite3 *db, const struct playbook *pb,
	    const char *name, int64_t asof, int64_t days, int *claims_known);
/*
 * Calls fn for every row: per playbook, the steps in the file's order
 * (steps no longer in it after), each followed by its variants and
 * their pairs; then the coupons, then the audiences, by name.  The
 * group's revenue lists live until fn returns.
 */
int	 pbres_groups(sqlite3 *db,
	    void (*fn)(void *, const char *, enum pb_by, const char *,
	    const struct pb_group *), void *arg);

#endif /* PLAYBOOK_RUN_H */
