/*
 * points_test.c: the programme file reader, the holdout draw (against
 * sha256sum), tier windows, a ledger driven with hand-made events
 * whose every entry is worked out below, and the tiers of the days
 * around a ledger's (the playbook's tier triggers).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "points/programme.h"
#include "unit.h"

static int
parse(const char *text, struct programme *pg, struct buf *err)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int rc;

	if (fp == NULL)
		return -2;
	rc = programme_read(fp, "t.pg", pg, err);
	fclose(fp);
	return rc;
}

static int64_t
day(int y, int m, int d)
{
	return days_from_civil(y, m, d);
}

/* Programme t from 2024-01-01: a point per 100.00, one tier, silver,
 * from 1000.00 spent in 12 months, earning mult/100 times the points. */
static void
silver(struct programme *pg, int mult)
{
	memset(pg, 0, sizeof(*pg));
	pg->name = "t";
	pg->start = day(2024, 1, 1);
	pg->earn_points = 1;
	pg->earn_per = 10000;
	pg->ntiers = 1;
	pg->tier[0].name = "silver";
	pg->tier[0].spend = 100000;
	pg->tier[0].months = 12;
	pg->tier[0].mult = mult;
}

static void
test_read(void)
{
	struct programme pg;
	struct buf err = { 0 };

	CHECK_INT(parse("programme members\nstart 2025-01-01  # x\n"
	    "earn 1 per 100\npending 14\nsignup 100\nbirthday 200\n"
	    "first-purchase 50\nexpire 365\ntier silver 5000 12m\n"
	    "tier gold 20000 6m multiplier 1.5\nvalue 0.1\nholdout 12.5%\n"
	    "seed 9\n", &pg, &err), 0);
	CHECK_STR(pg.name, "members");
	CHECK_INT(pg.start, day(2025, 1, 1));
	CHECK_INT(pg.earn_points, 1);
	CHECK_INT(pg.earn_per, 10000);
	CHECK_INT(pg.pending, 14);
	CHECK_INT(pg.signup + pg.birthday + pg.first, 350);
	CHECK_INT(pg.expire, 365);
	CHECK_INT(pg.ntiers, 2);
	CHECK_STR(pg.tier[1].name, "gold");
	CHECK_INT(pg.tier[1].spend, 2000000);
	CHECK_INT(pg.tier[1].months, 6);
	CHECK_INT(pg.tier[1].mult, 150);
	CHECK_INT(pg.tier[0].mult, 100);
	CHECK_INT(pg.value, 100000);
	CHECK_INT(pg.holdout, 1250);
	CHECK_INT(pg.seed, 9);
	programme_free(&pg);

	/* Every error, each with its line. */
	CHECK_INT(parse("programme a b\nearn 1 per\ntier x 10 12\n"
	    "pending 30\nexpire 20\nseed 1\n", &pg, &err), -1);
	CHECK_STR(err.s,
	    "t.pg:1: 'programme' wants one value\n"
	    "t.pg:2: 'earn' wants POINTS per AMOUNT\n"
	    "t.pg:3: bad tier window '12' (months, as 12m)\n"
	    "t.pg:1: no 'start YYYY-MM-DD' line\n"
	    "t.pg:5: points would lapse (expire 20) before they are usable "
	    "(pending 30)\n"
	    "t.pg:6: 'seed' without 'holdout' draws nothing\n");
	programme_free(&pg);
	buf_free(&err);
}

static void
test_draw_window(void)
{
	struct programme pg;

	memset(&pg, 0, sizeof(pg));
	pg.name = "club";
	pg.seed = 5;
	pg.holdout = 1500;
	/* printf '5\0club\0holdout\0%s\0' ID | sha256sum: the first four
	 * bytes mod 10000 are 1479, 5154, 9420, 3666, 859 for 1..5. */
	CHECK_INT(programme_holdout(&pg, 1), 1);
	CHECK_INT(programme_holdout(&pg, 2), 0);
	CHECK_INT(programme_holdout(&pg, 4), 0);
	CHECK_INT(programme_holdout(&pg, 5), 1);
	pg.holdout = 3667;
	CHECK_INT(programme_holdout(&pg, 4), 1);
	CHECK_INT(programme_holdout(&pg, 3), 0);
	/* Twelve months back from the day after the same date. */
	CHECK_INT(programme_window(day(2025, 3, 15), 12), day(2024, 3, 16));
	CHECK_INT(programme_window(day(2024, 2, 29), 12), day(2023, 3, 1));
	CHECK_INT(programme_window(day(2025, 3, 31), 1), day(2025, 3, 1));
}

struct seen {
	char	 text[1024];
};

static void
note(void *arg, const struct pt_entry *e)
{
	struct seen *s = arg;
	char d[11];
	size_t n = strlen(s->text);

	snprintf(s->text + n, sizeof(s->text) - n, "%s %s %lld %lld/%lld\n",
	    day_format(e->day, d), pt_kind_name[e->kind], (long long)e->points,
	    (long long)e->balance, (long long)e->pending);
}

/*
 * start 2024-01-01, 1 per 100, pending 10, expire 100, birthday 10,
 * silver from 1000 in 12 months at x1.5.  An order before the start
 * (800) counts only for the tier.
 *   01-05 300: 800 before, no tier: 3, usable 01-15.
 *   01-08 credit -200: 1100 before: silver, 2 x 1.5 = 3 taken from the
 *         pending 3.
 *   02-01 1000: 900 before: 10.  02-29 birthday (leap year): 10.
 *   03-01 555: 1900: silver, floor(5 x 1.5) = 7.
 *   03-20 redeem 12: the 10 of 02-01, then 2 of the birthday.
 *   04-01 redeem 100: 8 + 7 usable: 15, clipped.
 *   05-01 200: 2455 in the window: silver, 3; lapses 08-09, unused.
 *   2025-02-28 birthday: 10.
 * As of 2025-03-01: earned 43, returned 3, redeemed 27, expired 3,
 * balance 10; spend since 2024-03-02: 200, 800 to silver.
 */
static void
test_ledger(void)
{
	static const struct pt_event ev[] = {
		{ PE_ORDER, 0, 80000, "E1" },
		{ PE_ORDER, 0, 30000, "E2" },
		{ PE_CREDIT, 0, -20000, "E3" },
		{ PE_ORDER, 0, 100000, "E4" },
		{ PE_ORDER, 0, 55500, "E5" },
		{ PE_REDEEM, 0, 12, "R1" },
		{ PE_REDEEM, 0, 100, "R2" },
		{ PE_ORDER, 0, 20000, "E8" },
	};
	const int64_t days[] = { day(2023, 6, 1), day(2024, 1, 5),
	    day(2024, 1, 8), day(2024, 2, 1), day(2024, 3, 1),
	    day(2024, 3, 20), day(2024, 4, 1), day(2024, 5, 1) };
	struct pt_event e[8];
	struct programme pg;
	struct pt_ledger l;
	struct pt_cust c;
	struct pt_totals t;
	struct seen s;
	size_t i;

	silver(&pg, 150);
	pg.pending = 10;
	pg.expire = 100;
	pg.birthday = 10;
	for (i = 0; i < 8; i++) {
		e[i] = ev[i];
		e[i].day = days[i];
	}
	memset(&c, 0, sizeof(c));
	c.id = 1;
	c.joined = -1;
	c.bmonth = 2;
	c.bday = 29;
	c.ev = e;
	c.nev = 8;
	memset(&s, 0, sizeof(s));
	pt_ledger_init(&l, &pg, day(2025, 3, 1));
	l.entry = note;
	l.arg = &s;
	pt_ledger_run(&l, &c, &t);
	CHECK_STR(s.text,
	    "2024-01-05 earn 3 0/3\n"
	    "2024-01-08 return -3 0/0\n"
	    "2024-02-01 earn 10 0/10\n"
	    "2024-02-29 birthday 10 20/0\n"
	    "2024-03-01 earn 7 20/7\n"
	    "2024-03-20 redeem -12 15/0\n"
	    "2024-04-01 redeem -15 0/0\n"
	    "2024-05-01 earn 3 0/3\n"
	    "2024-08-09 expire -3 0/0\n"
	    "2025-02-28 birthday 10 10/0\n");
	CHECK_INT(t.enrolled, 1);
	CHECK_INT(t.earned, 43);
	CHECK_INT(t.bonus, 20);
	CHECK_INT(t.returned, 3);
	CHECK_INT(t.redeemed, 27);
	CHECK_INT(t.expired, 3);
	CHECK_INT(t.balance, 10);
	CHECK_INT(t.pending, 0);
	CHECK_INT(t.tier, -1);
	CHECK_INT(t.spend, 20000);
	CHECK_INT(t.to_next, 80000);

	/* As of 2024-03-05: 10 + 10 usable, the 7 of 03-01 pending. */
	memset(&s, 0, sizeof(s));
	l.asof = day(2024, 3, 5);
	pt_ledger_run(&l, &c, &t);
	CHECK_INT(t.balance, 20);
	CHECK_INT(t.pending, 7);
	CHECK_INT(t.tier, 0);
	CHECK_INT(t.spend, 245500);
	CHECK_INT(t.to_next, -1);
	/* The ledger reads nothing before the start but the tier spend. */
	l.asof = day(2023, 12, 31);
	pt_ledger_run(&l, &c, &t);
	CHECK_INT(t.enrolled, 0);
	CHECK_INT(t.earned, 0);
	pt_ledger_free(&l);
}

/*
 * Silver at 1000 in 12 months.  A: 1500 on 2024-03-20, a credit of
 * -1400 on 03-22, B: 1000 on 2024-09-01: 1100 as of 2025-03-10.  The
 * window of 2025-03-20 starts on 2024-03-21: A is out, -400, no tier;
 * that of 2025-03-22 starts on 2024-03-23: the credit is out too, 1000,
 * silver again.  So the tier is lost in 10 days, though the last day of
 * a 14-day look has it back.
 */
static void
test_tier_days(void)
{
	struct pt_event e[] = {
		{ PE_ORDER, 0, 150000, "A" },
		{ PE_CREDIT, 0, -140000, "C" },
		{ PE_ORDER, 0, 100000, "B" },
	};
	struct programme pg;
	struct pt_ledger l;
	struct pt_cust c;
	struct pt_totals t;

	e[0].day = day(2024, 3, 20);
	e[1].day = day(2024, 3, 22);
	e[2].day = day(2024, 9, 1);
	silver(&pg, 100);
	memset(&c, 0, sizeof(c));
	c.id = 1;
	c.joined = -1;
	c.ev = e;
	c.nev = 3;
	pt_ledger_init(&l, &pg, day(2025, 3, 10));
	pt_ledger_run(&l, &c, &t);
	CHECK_INT(t.tier, 0);
	CHECK_INT(t.spend, 110000);
	CHECK_INT(pt_tier_on(&l, &c, day(2024, 3, 19)), -1);
	CHECK_INT(pt_tier_on(&l, &c, day(2024, 3, 20)), 0);
	CHECK_INT(pt_tier_on(&l, &c, day(2025, 3, 19)), 0);
	CHECK_INT(pt_tier_on(&l, &c, day(2025, 3, 20)), -1);
	CHECK_INT(pt_tier_on(&l, &c, day(2025, 3, 22)), 0);
	CHECK_INT(pt_tier_on(&l, &c, day(2025, 3, 24)), 0);
	CHECK_INT(pt_tier_lost(&l, &c, 14), 10);
	CHECK_INT(pt_tier_lost(&l, &c, 10), 10);
	CHECK_INT(pt_tier_lost(&l, &c, 9), 0);
	/* As of 2024-03-21 the ledger knows nothing of the credit: the
	 * tier goes when A leaves, on 2025-03-20. */
	l.asof = day(2024, 3, 21);
	pt_ledger_run(&l, &c, &t);
	CHECK_INT(pt_tier_lost(&l, &c, 364), 364);
	CHECK_INT(pt_tier_lost(&l, &c, 363), 0);
	pt_ledger_free(&l);
}

int
main(void)
{
	test_read();
	test_draw_window();
	test_ledger();
	test_tier_days();
	return unit_done();
}
