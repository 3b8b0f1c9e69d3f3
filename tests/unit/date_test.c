/*
 * date_test.c: date_parse in every accepted form, the offsets converted
 * to the shop's zone, what must be refused, day_parse and the civil-day
 * conversions.  Expected seconds come from `date -u -d '...' +%s` and
 * Python's datetime, not from this code.
 */
#include <stdint.h>
#include <stdlib.h>

#include "crm.h"
#include "unit.h"

#define BAD	INT64_MIN	/* what parse() returns for a refusal */

static const char *why;

/* date_parse(s, order), or BAD with why set. */
static int64_t
parse(const char *s, enum date_order order)
{
	int64_t t = 12345;

	why = NULL;
	if (date_parse(s, order, &t, &why) != 0)
		return BAD;
	return t;
}

/* The refusal message for s, or "accepted". */
static const char *
refusal(const char *s)
{
	int64_t t;

	why = NULL;
	if (date_parse(s, DATE_MDY, &t, &why) == 0)
		return "accepted";
	return why != NULL ? why : "(no reason)";
}

static int64_t
day(const char *s)
{
	int64_t d;
	const char *w;

	if (day_parse(s, &d, &w) != 0)
		return BAD;
	return d;
}

static void
test_forms(void)
{
	/* 2024-03-05 00:00:00 is 1709596800. */
	CHECK_INT(parse("2024-03-05", DATE_MDY), 1709596800);
	CHECK_INT(parse("2024/03/05", DATE_MDY), 1709596800);
	CHECK_INT(parse("2024/3/5", DATE_MDY), 1709596800);
	CHECK_INT(parse("2024-3-5", DATE_MDY), 1709596800);
	CHECK_INT(parse("2024.03.05", DATE_MDY), 1709596800);
	CHECK_INT(parse("20240305", DATE_MDY), 1709596800);
	/* Regression: spaces after a date with no time were taken for the
	 * start of a time, so "2024-03-05 " was refused. */
	CHECK_INT(parse("  2024-03-05  ", DATE_MDY), 1709596800);
	CHECK_INT(parse("3/5/2024 ", DATE_MDY), 1709596800);
	CHECK_INT(parse("20240305 ", DATE_MDY), 1709596800);
	CHECK_INT(parse("2024-03-05T", DATE_MDY), BAD);
	CHECK_INT(parse("3/5/2024", DATE_MDY), 1709596800);
	CHECK_INT(parse("03/05/2024", DATE_MDY), 1709596800);
	CHECK_INT(parse("5/3/2024", DATE_DMY), 1709596800);
	CHECK_INT(parse("05-03-2024", DATE_DMY), 1709596800);
	/* The same text read the other way is 2024-05-03: 1714694400. */
	CHECK_INT(parse("5/3/2024", DATE_MDY), 1714694400);
	CHECK_INT(parse("3/5/2024", DATE_DMY), 1714694400);
	/* 2024-12-25 is 1735084800; 25 cannot be a month. */
	CHECK_INT(parse("12/25/2024", DATE_MDY), 1735084800);
	CHECK_INT(parse("25/12/2024", DATE_DMY), 1735084800);
	CHECK_INT(parse("12/25/2024", DATE_DMY), BAD);
	CHECK_INT(parse("25/12/2024", DATE_MDY), BAD);

	/* Times: 14:30 is 1709649000, 14:30:45 is 1709649045. */
	CHECK_INT(parse("2024-03-05 14:30", DATE_MDY), 1709649000);
	CHECK_INT(parse("2024-03-05 14:30:45", DATE_MDY), 1709649045);
	CHECK_INT(parse("2024/3/5 14:30:45", DATE_MDY), 1709649045);
	CHECK_INT(parse("2024-03-05T14:30:45", DATE_MDY), 1709649045);
	CHECK_INT(parse("2024-03-05T14:30", DATE_MDY), 1709649000);
	CHECK_INT(parse("20240305 14:30:45", DATE_MDY), 1709649045);
	CHECK_INT(parse("3/5/2024 14:30", DATE_MDY), 1709649000);
	CHECK_INT(parse("2024-03-05 14:30:45.678", DATE_MDY), 1709649045);
	/* A one-digit hour: 09:05:07 is 1709629507. */
	CHECK_INT(parse("2024-03-05 9:05:07", DATE_MDY), 1709629507);
	CHECK_INT(parse("2024-03-05 23:59:59", DATE_MDY), 1709683199);
	/* A leap second is folded into the second before it. */
	CHECK_INT(parse("2024-03-05 23:59:60", DATE_MDY), 1709683199);
	CHECK_INT(parse("2024-01-02 03:04:05", DATE_MDY), 1704164645);
}

static void
test_leap(void)
{
	/* 2024-02-29 is 1709164800, 2000-02-29 is 951782400. */
	CHECK_INT(parse("2024-02-29", DATE_MDY), 1709164800);
	CHECK_INT(parse("20240229", DATE_MDY), 1709164800);
	CHECK_INT(parse("2/29/2024", DATE_MDY), 1709164800);
	CHECK_INT(parse("2000-02-29", DATE_MDY), 951782400);
	CHECK_STR(refusal("2023-02-29"), "day out of range");
	CHECK_STR(refusal("1900-02-29"), "day out of range");
	CHECK_STR(refusal("2100-02-29"), "day out of range");
	CHECK_STR(refusal("2024-02-30"), "day out of range");
	CHECK_STR(refusal("2024-04-31"), "day out of range");
	CHECK_STR(refusal("2024-01-32"), "day out of range");
	CHECK_STR(refusal("2024-01-00"), "day out of range");
	/* 2023-03-01 is 1677628800: the day after 2023-02-28. */
	CHECK_INT(parse("2023-03-01", DATE_MDY), 1677628800);
	CHECK_INT(parse("2023-02-28", DATE_MDY), 1677628800 - DAY_SECS);
}

static void
test_offsets(void)
{
	CHECK_INT(tz_set("Asia/Taipei"), 0);
	/* Each is 2024-03-05 06:30 UTC, 14:30 in Taipei (1709649000). */
	CHECK_INT(parse("2024-03-05T14:30:00+08:00", DATE_MDY), 1709649000);
	CHECK_INT(parse("2024-03-05T14:30:00+0800", DATE_MDY), 1709649000);
	CHECK_INT(parse("2024-03-05T14:30+08", DATE_MDY), 1709649000);
	CHECK_INT(parse("2024-03-05T06:30:00Z", DATE_MDY), 1709649000);
	CHECK_INT(parse("2024-03-05 06:30:00 Z", DATE_MDY), 1709649000);
	CHECK_INT(parse("2024-03-05T01:30:00-0500", DATE_MDY), 1709649000);
	CHECK_INT(parse("2024-03-05T01:30:00-05:00", DATE_MDY), 1709649000);
	CHECK_INT(parse("2024-03-05T12:00:00+05:30", DATE_MDY), 1709649000);
	/* Across midnight: TZ=Asia/Taipei date -d '2024-03-05T20:00:00Z'
	 * says 2024-03-06 04:00 (1709697600); -0500 at 14:30 says 03:30
	 * on the 6th (1709695800). */
	CHECK_INT(parse("2024-03-05T20:00:00Z", DATE_MDY), 1709697600);
	CHECK_INT(parse("2024-03-05T14:30:00-0500", DATE_MDY), 1709695800);
	CHECK_INT(day("2024-03-05T20:00:00Z"), 19788);
	/* Offsets no zone has, and offsets that are not offsets. */
	CHECK_INT(parse("2024-03-05T14:30:00+15:00", DATE_MDY), BAD);
	CHECK_INT(parse("2024-03-05T14:30:00+08:60", DATE_MDY), BAD);
	CHECK_INT(parse("2024-03-05T14:30:00+8:0", DATE_MDY), BAD);
	CHECK_INT(parse("2024-03-05T14:30:00+", DATE_MDY), BAD);
	CHECK_INT(parse("2024-03-05T14:30:00 PST", DATE_MDY), BAD);
	CHECK_INT(parse("2024-03-05T14:30:00Z junk", DATE_MDY), BAD);
	/* An unknown zone is refused rather than taken as UTC. */
	CHECK_INT(tz_set("Nowhere/Atlantis"), -1);
	CHECK_INT(tz_set("../etc/passwd"), -1);
	CHECK_INT(tz_set(""), -1);
	CHECK_INT(tz_set("UTC"), 0);
	CHECK_INT(parse("2024-03-05T14:30:00+08:00", DATE_MDY),
	    1709649000 - 8 * 3600);
	CHECK_INT(tz_set("Asia/Taipei"), 0);
}

static void
test_invalid(void)
{
	CHECK_STR(refusal("2024-13-01"), "month out of range");
	CHECK_STR(refusal("2024-00-10"), "month out of range");
	CHECK_STR(refusal("13/01/2024"), "month out of range");
	CHECK_STR(refusal("20241301"), "month out of range");
	CHECK_STR(refusal("2024-03-05 24:00"), "time out of range");
	CHECK_STR(refusal("2024-03-05 23:60"), "time out of range");
	CHECK_STR(refusal("2024-03-05 23:59:61"), "time out of range");
	CHECK_STR(refusal("1899-12-31"), "year out of range");
	CHECK_STR(refusal("3000-01-01"), "year out of range");
	CHECK_STR(refusal(""), "empty date");
	CHECK_STR(refusal("   "), "empty date");
	CHECK(strncmp(refusal("garbage"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("2024"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("2024-03"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("2024-03-05x"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("2024-03/05"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("2024-003-05"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("2024-03-05 14"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("2024-03-05 14:3"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("2024-03-05 14:30:"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("2024-03-05 14:30:00."), "not a date",
	    10) == 0);
	CHECK(strncmp(refusal("202403051"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("2024030"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("3/5/24"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("Mar 5 2024"), "not a date", 10) == 0);
	CHECK(strncmp(refusal("-2024-03-05"), "not a date", 10) == 0);
}

static void
test_days(void)
{
	char buf[20], dbuf[11];
	int64_t z, prev;
	int y, m, d, py, pm, pd, ok, feb;

	/* Fixed points from Python: (date(y, m, d) - date(1970, 1, 1)). */
	CHECK_INT(days_from_civil(1970, 1, 1), 0);
	CHECK_INT(days_from_civil(1969, 12, 31), -1);
	CHECK_INT(days_from_civil(2024, 3, 5), 19787);
	CHECK_INT(days_from_civil(2024, 2, 29), 19782);
	CHECK_INT(days_from_civil(1900, 3, 1), -25508);
	CHECK_INT(days_from_civil(1600, 2, 29), -135081);
	CHECK_INT(days_from_civil(1, 1, 1), -719162);
	CHECK_INT(days_from_civil(9999, 12, 31), 2932896);
	civil_from_days(-719162, &y, &m, &d);
	CHECK(y == 1 && m == 1 && d == 1);
	civil_from_days(2932896, &y, &m, &d);
	CHECK(y == 9999 && m == 12 && d == 31);

	/*
	 * From year -4000 to 12000, one day at a time: each day is the one
	 * after the last (same month and d + 1, or the 1st of the next
	 * month), days_from_civil inverts civil_from_days, and February has
	 * 29 days exactly in the Gregorian leap years.
	 */
	prev = days_from_civil(-4000, 1, 1) - 1;
	civil_from_days(prev, &py, &pm, &pd);
	CHECK(py == -4001 && pm == 12 && pd == 31);
	ok = 1;
	for (z = prev + 1; z <= days_from_civil(12000, 12, 31); z++) {
		civil_from_days(z, &y, &m, &d);
		if (days_from_civil(y, m, d) != z)
			ok = 0;
		if (d == pd + 1 && m == pm && y == py)
			;
		else if (d == 1 && ((m == pm + 1 && y == py) ||
		    (m == 1 && pm == 12 && y == py + 1))) {
			if (m == 3) {
				feb = (py % 4 == 0 && py % 100 != 0) ||
				    py % 400 == 0 ? 29 : 28;
				if (pd != feb)
					ok = 0;
			} else if (m == 5 || m == 7 || m == 10 || m == 12) {
				if (pd != 30)
					ok = 0;
			} else if (pd != 31)
				ok = 0;
		} else
			ok = 0;
		if (!ok) {
			printf("not ok: day %lld is %d-%d-%d after %d-%d-%d\n",
			    (long long)z, y, m, d, py, pm, pd);
			break;
		}
		py = y;
		pm = m;
		pd = d;
	}
	CHECK(ok);

	CHECK_STR(time_format(1709649045, buf), "2024-03-05 14:30:45");
	CHECK_STR(time_format(0, buf), "1970-01-01 00:00:00");
	CHECK_STR(time_format(-43200, buf), "1969-12-31 12:00:00");
	CHECK_STR(time_format(-1, buf), "1969-12-31 23:59:59");
	CHECK_STR(time_format(-2208988800LL, buf), "1900-01-01 00:00:00");
	CHECK_STR(time_format(32503679999LL, buf), "2999-12-31 23:59:59");
	CHECK_STR(day_format(19787, dbuf), "2024-03-05");
	CHECK_STR(day_format(-1, dbuf), "1969-12-31");
	CHECK_STR(day_format(-25567, dbuf), "1900-01-01");
}

static void
test_day_parse(void)
{
	int64_t today, d;
	const char *w;

	CHECK_INT(day("2024-03-05"), 19787);
	CHECK_INT(day("2024-03-05 23:59:59"), 19787);
	CHECK_INT(day("3/5/2024"), 19787);
	CHECK_INT(day("1970-01-01"), 0);
	CHECK_INT(day("1969-12-31"), -1);
	/* Regression: a time of day before 1970 was rounded toward 0, so
	 * this gave day 0 (1970-01-01). */
	CHECK_INT(day("1969-12-31 12:00"), -1);
	CHECK_INT(day("1900-01-01 00:00:01"), -25567);
	CHECK_INT(day("2024-02-30"), BAD);
	CHECK_INT(day("tomorrow"), BAD);
	CHECK_INT(day_parse("today", &today, &w), 0);
	d = tz_now_local() / DAY_SECS;
	CHECK(today == d || today == d - 1);
}

int
main(void)
{
	CHECK_INT(tz_set("Asia/Taipei"), 0);
	test_forms();
	test_leap();
	test_offsets();
	test_invalid();
	test_days();
	test_day_parse();
	return unit_done();
}
