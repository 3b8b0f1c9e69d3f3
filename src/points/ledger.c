/*
 * ledger.c: one customer's points, derived from their history and the
 * programme (crm-points(1), THE LEDGER).  Points are kept as lots, one
 * per plus entry, in the order they were earned; whatever uses points
 * (a redemption, a lapse) takes them oldest first, a return takes back
 * the newest pending ones first.  Nothing here is kept between
 * customers but scratch space.
 */
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "points/programme.h"

const char *const pt_kind_name[PK_NKINDS] = {
	"earn", "signup", "birthday", "first-purchase", "return", "redeem",
	"expire",
};

void
pt_ledger_init(struct pt_ledger *l, const struct programme *pg,
    int64_t asof)
{
	memset(l, 0, sizeof(*l));
	l->pg = pg;
	l->asof = asof;
}

void
pt_ledger_free(struct pt_ledger *l)
{
	free(l->lot);
	memset(l, 0, sizeof(*l));
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The birthday in year y: 29 February is the 28th in other years. */
static int64_t
birthday_in(int y, int m, int d)
{
	if (m == 2 && d == 29 && !leap(y))
		d = 28;
	return days_from_civil(y, m, d);
}

/* The run of one customer. */
struct run {
	struct pt_ledger *l;
	const struct pt_cust *c;
	struct pt_totals *t;
	int64_t	 total;			/* points left in the lots */
	size_t	 head;			/* first lot with points left */
};

static int64_t
pending_on(const struct run *r, int64_t day)
{
	int64_t n = 0;
	size_t i;

	for (i = r->head; i < r->l->nlot; i++)
		if (r->l->lot[i].usable > day)
			n += r->l->lot[i].left;
	return n;
}

static void
emit(struct run *r, struct pt_entry *e)
{
	e->pending = pending_on(r, e->day);
	e->balance = r->total - e->pending;
	if (r->l->entry != NULL)
		r->l->entry(r->l->arg, e);
}

static void
entry_init(struct pt_entry *e, enum pt_kind k, int64_t day, int64_t pts)
{
	memset(e, 0, sizeof(*e));
	e->kind = k;
	e->day = day;
	e->points = pts;
	e->usable = day;
	e->tier = -1;
	e->mult = 100;
}

/* A plus entry: a new lot. */
static void
add_lot(struct run *r, struct pt_entry *e)
{
	struct pt_ledger *l = r->l;

	if (e->points <= 0)
		return;
	if (l->nlot == l->lotcap) {
		l->lotcap = l->lotcap ? 2 * l->lotcap : 16;
		l->lot = xrealloc(l->lot, l->lotcap * sizeof(*l->lot));
	}
	l->lot[l->nlot].day = e->day;
	l->lot[l->nlot].usable = e->usable;
	l->lot[l->nlot].left = e->points;
	l->nlot++;
	r->total += e->points;
	r->t->earned += e->points;
	if (e->kind != PK_EARN)
		r->t->bonus += e->points;
	emit(r, e);
}

/* Takes up to n usable points on day, oldest first; returns how many. */
static int64_t
take_usable(struct run *r, int64_t day, int64_t n)
{
	int64_t got = 0, k;
	size_t i;

	for (i = r->head; i < r->l->nlot && got < n; i++) {
		struct pt_lot *lt = &r->l->lot[i];

		if (lt->usable > day || lt->left == 0)
			continue;
		k = lt->left < n - got ? lt->left : n - got;
		lt->left -= k;
		got += k;
	}
	while (r->head < r->l->nlot && r->l->lot[r->head].left == 0)
		r->head++;
	r->total -= got;
	return got;
}

/* Takes up to n pending points on day, newest first. */
static int64_t
take_pending(struct run *r, int64_t day, int64_t n)
{
	int64_t got = 0, k;
	size_t i;

	for (i = r->l->nlot; i > r->head && got < n; i--) {
		struct pt_lot *lt = &r->l->lot[i - 1];

		if (lt->usable <= day || lt->left == 0)
			continue;
		k = lt->left < n - got ? lt->left : n - got;
		lt->left -= k;
		got += k;
	}
	r->total -= got;
	return got;
}

/* The day the oldest lot with points left lapses, or INT64_MAX. */
static int64_t
next_lapse(const struct run *r)
{
	if (r->l->pg->expire <= 0 || r->head >= r->l->nlot)
		return INT64_MAX;
	return r->l->lot[r->head].day + r->l->pg->expire;
}

/* Every lot lapsing on day `day`: one entry. */
static void
lapse(struct run *r, int64_t day)
{
	struct pt_entry e;
	int64_t n = 0;

	while (r->head < r->l->nlot &&
	    r->l->lot[r->head].day + r->l->pg->expire <= day) {
		n += r->l->lot[r->head].left;
		r->l->lot[r->head].left = 0;
		r->head++;
	}
	if (n == 0)
		return;
	r->total -= n;
	r->t->expired += n;
	entry_init(&e, PK_EXPIRE, day, -n);
	emit(r, &e);
}

/* Net spend of orders and credits before event upto, in (from, day]. */
static int64_t
window_spend(const struct run *r, int64_t day, size_t upto, int months)
{
	int64_t from = programme_window(day, months), s = 0;
	size_t i;

	for (i = upto; i > 0 && r->c->ev[i - 1].day >= from; i--)
		if (r->c->ev[i - 1].kind != PE_REDEEM &&
		    r->c->ev[i - 1].day <= day)
			s += r->c->ev[i - 1].amount;
	return s;
}

/*
 * The tier held on day (-1: none) from the orders and credits before
 * event upto: the highest whose spend its window reaches.  spend is the
 * net in that tier's window (the first tier's when none); next, unless
 * NULL, what the next tier still needs (-1 at the top).
 */
static int
tier_at(const struct run *r, int64_t day, size_t upto, int64_t *spend,
    int64_t *next)
{
	const struct programme *pg = r->l->pg;
	int k, tier = -1;
	int64_t s;

	*spend = 0;
	for (k = 0; k < pg->ntiers; k++) {
		s = window_spend(r, day, upto, pg->tier[k].months);
		if (k == 0 || s >= pg->tier[k].spend)
			*spend = s;
		if (s >= pg->tier[k].spend)
			tier = k;
	}
	if (next != NULL) {
		*next = -1;
		if (tier + 1 < pg->ntiers) {
			s = window_spend(r, day, upto,
			    pg->tier[tier + 1].months);
			*next = pg->tier[tier + 1].spend - s;
		}
	}
	return tier;
}

/* The next birthday on or after day, or INT64_MAX. */
static int64_t
birthday_from(const struct pt_cust *c, int64_t day)
{
	int y, m, d;
	int64_t b;

	if (c->bmonth == 0)
		return INT64_MAX;
	civil_from_days(day, &y, &m, &d);
	if ((b = birthday_in(y, c->bmonth, c->bday)) < day)
		b = birthday_in(y + 1, c->bmonth, c->bday);
	return b;
}

struct bonus {
	int64_t	 signup;		/* day, or INT64_MAX */
	int64_t	 birthday;		/* the next, or INT64_MAX */
};

/* Lapses and bonuses up to and including day, in day order. */
static void
advance(struct run *r, struct bonus *b, int64_t day)
{
	const struct programme *pg = r->l->pg;
	struct pt_entry e;
	int64_t x, bd;

	for (;;) {
		x = next_lapse(r);
		bd = b->signup < b->birthday ? b->signup : b->birthday;
		if (x <= day && x <= bd) {
			lapse(r, x);
			continue;
		}
		if (bd > day)
			break;
		if (b->signup == bd) {
			entry_init(&e, PK_SIGNUP, bd, pg->signup);
			b->signup = INT64_MAX;
		} else {
			entry_init(&e, PK_BIRTHDAY, bd, pg->birthday);
			b->birthday = birthday_from(r->c, bd + 1);
		}
		add_lot(r, &e);
	}
}

/* How many of the customer's events are dated on or before the as-of day. */
static size_t
events_asof(const struct pt_ledger *l, const struct pt_cust *c)
{
	size_t n;

	for (n = 0; n < c->nev && c->ev[n].day <= l->asof; n++)
		;
	return n;
}

void
pt_ledger_run(struct pt_ledger *l, const struct pt_cust *c,
    struct pt_totals *t)
{
	const struct programme *pg = l->pg;
	struct run r;
	struct bonus b;
	struct pt_entry e;
	int64_t enrol = INT64_MAX, joined, n;
	int first_done = 0;
	size_t i;

	memset(t, 0, sizeof(*t));
	t->tier = -1;
	t->to_next = -1;
	memset(&r, 0, sizeof(r));
	r.l = l;
	r.c = c;
	r.t = t;
	l->nlot = 0;

	/* In the programme from joining or the first purchase, whichever
	 * came first, and never before the start. */
	joined = c->joined >= 0 ? c->joined : c->member ? pg->start : -1;
	if (joined >= 0)
		enrol = joined;
	for (i = 0; i < c->nev; i++)
		if (c->ev[i].kind == PE_ORDER) {
			if (c->ev[i].day < enrol)
				enrol = c->ev[i].day;
			break;
		}
	if (enrol != INT64_MAX && enrol < pg->start)
		enrol = pg->start;
	t->enrolled = enrol <= l->asof;
	b.signup = INT64_MAX;
	b.birthday = INT64_MAX;
	if (t->enrolled) {
		if (pg->signup > 0 && joined >= 0)
			b.signup = joined > pg->start ? joined : pg->start;
		if (pg->birthday > 0)
			b.birthday = birthday_from(c, enrol);
	}

	for (i = 0; i < c->nev; i++) {
		const struct pt_event *ev = &c->ev[i];

		if (ev->day > l->asof)
			break;
		if (!t->enrolled || ev->day < pg->start ||
		    (ev->kind == PE_REDEEM && l->no_redeem))
			continue;
		advance(&r, &b, ev->day);
		switch (ev->kind) {
		case PE_ORDER:
			entry_init(&e, PK_EARN, ev->day, 0);
			e.tier = tier_at(&r, ev->day, i, &n, NULL);
			e.mult = e.tier >= 0 ? pg->tier[e.tier].mult : 100;
			e.basis = ev->amount;
			e.ref = ev->ref;
			e.usable = ev->day + pg->pending;
			e.points = ev->amount / pg->earn_per *
			    pg->earn_points * e.mult / 100;
			/* The bonus goes in first, so that a return takes
			 * back the order's own points (newest first). */
			if (pg->first > 0 && !first_done) {
				struct pt_entry f;

				entry_init(&f, PK_FIRST, ev->day, pg->first);
				f.ref = ev->ref;
				f.usable = ev->day + pg->pending;
				add_lot(&r, &f);
			}
			first_done = 1;
			add_lot(&r, &e);
			break;
		case PE_CREDIT:
			entry_init(&e, PK_RETURN, ev->day, 0);
			e.tier = tier_at(&r, ev->day, i, &n, NULL);
			e.mult = e.tier >= 0 ? pg->tier[e.tier].mult : 100;
			e.basis = ev->amount;
			e.ref = ev->ref;
			n = -ev->amount / pg->earn_per * pg->earn_points *
			    e.mult / 100;
			e.asked = n;
			n = take_pending(&r, ev->day, e.asked);
			n += take_usable(&r, ev->day, e.asked - n);
			e.points = -n;
			t->returned += n;
			if (e.asked > 0)
				emit(&r, &e);
			break;
		case PE_REDEEM:
			entry_init(&e, PK_REDEEM, ev->day, 0);
			e.ref = ev->ref;
			e.asked = ev->amount;
			n = take_usable(&r, ev->day, ev->amount);
			e.points = -n;
			t->redeemed += n;
			emit(&r, &e);
			break;
		}
	}
	if (t->enrolled)
		advance(&r, &b, l->asof);

	/* Where the customer stands on the as-of day. */
	t->tier = tier_at(&r, l->asof, events_asof(l, c), &t->spend,
	    &t->to_next);
	if (!t->enrolled)
		return;
	t->pending = pending_on(&r, l->asof);
	t->balance = r.total - t->pending;
	l->head = r.head;
	pt_lapsing(l, 30, &t->lapse30, &n);
	pt_lapsing(l, 90, &t->lapse90, &n);
}

void
pt_lapsing(const struct pt_ledger *l, int64_t days, int64_t *within,
    int64_t *on)
{
	int64_t x;
	size_t i;

	*within = *on = 0;
	if (l->pg->expire <= 0)
		return;
	for (i = l->head; i < l->nlot; i++) {
		x = l->lot[i].day + l->pg->expire;
		if (x <= l->asof + days)
			*within += l->lot[i].left;
		if (x == l->asof + days)
			*on += l->lot[i].left;
	}
}

int
pt_tier_on(struct pt_ledger *l, const struct pt_cust *c, int64_t day)
{
	struct run r;
	int64_t spend;

	memset(&r, 0, sizeof(r));
	r.l = l;
	r.c = c;
	return tier_at(&r, day, events_asof(l, c), &spend, NULL);
}

int64_t
pt_tier_lost(struct pt_ledger *l, const struct pt_cust *c, int64_t days)
{
	struct run r;
	int64_t spend, j;
	size_t n = events_asof(l, c);
	int now;

	memset(&r, 0, sizeof(r));
	r.l = l;
	r.c = c;
	/* Day by day: a credit note leaving the window raises the spend
	 * again, so the last day alone could miss a dip. */
	if ((now = tier_at(&r, l->asof, n, &spend, NULL)) < 0)
		return 0;
	for (j = 1; j <= days; j++)
		if (tier_at(&r, l->asof + j, n, &spend, NULL) < now)
			return j;
	return 0;
}
