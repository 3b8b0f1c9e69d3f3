/*
 * fuzz_date.c: arbitrary text through date_parse and day_parse.  Checks
 * that a parsed time formats and parses back to itself, that day_parse
 * agrees with it, that canonical "YYYY-MM-DD HH:MM:SS" strings are
 * accepted exactly when timegm(3) thinks they name a real time and give
 * the same seconds, and that the civil-day conversions invert each other.
 */
#include <time.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#define FUZZ_NAME LLVMFuzzerTestOneInput
#endif

int	FUZZ_NAME(const uint8_t *, size_t);

/* The first and last seconds date_parse may return: 1900 to 2999, give
 * or take a day of zone offsets. */
#define FDATE_MIN	((int64_t)-25567 * DAY_SECS - 2 * DAY_SECS)
#define FDATE_MAX	((int64_t)376202 * DAY_SECS + 2 * DAY_SECS)

/*
 * If s is exactly "YYYY-MM-DD HH:MM:SS", returns 1 with *valid set to
 * whether it names a real time (by timegm and gmtime, not our code) and
 * *t to its seconds; else 0.
 */
static int
fdate_canonical(const char *s, int *valid, int64_t *t)
{
	static const char pat[] = "dddd-dd-dd dd:dd:dd";
	struct tm tm, back;
	time_t tt;
	size_t i;

	if (strlen(s) != sizeof(pat) - 1)
		return 0;
	for (i = 0; i < sizeof(pat) - 1; i++)
		if (pat[i] == 'd' ? s[i] < '0' || s[i] > '9' : s[i] != pat[i])
			return 0;
	if (strcmp(s + 17, "60") == 0)
		return 0;		/* a leap second, which we fold */
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = atoi(s) - 1900;
	tm.tm_mon = atoi(s + 5) - 1;
	tm.tm_mday = atoi(s + 8);
	tm.tm_hour = atoi(s + 11);
	tm.tm_min = atoi(s + 14);
	tm.tm_sec = atoi(s + 17);
	back = tm;
	tt = timegm(&back);
	*valid = tm.tm_year >= 0 && tm.tm_year <= 1099 &&
	    back.tm_year == tm.tm_year && back.tm_mon == tm.tm_mon &&
	    back.tm_mday == tm.tm_mday && back.tm_hour == tm.tm_hour &&
	    back.tm_min == tm.tm_min && back.tm_sec == tm.tm_sec;
	*t = (int64_t)tt;
	return 1;
}

int
FUZZ_NAME(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), buf[20], dbuf[11];
	const char *why;
	int64_t t, t2, day, z;
	int order, rc, y, m, d, valid;

	fuzz_zone();
	for (order = DATE_MDY; order <= DATE_DMY; order++) {
		why = NULL;
		rc = date_parse(s, order, &t, &why);
		FUZZ_ASSERT(rc == 0 || rc == -1);
		if (rc != 0) {
			FUZZ_ASSERT(why != NULL && *why != '\0');
			continue;
		}
		FUZZ_ASSERT(t >= FDATE_MIN && t <= FDATE_MAX);
		time_format(t, buf);
		y = atoi(buf);
		if (y >= 1900 && y <= 2999) {
			FUZZ_ASSERT(date_parse(buf, order, &t2, &why) == 0);
			FUZZ_ASSERT(t2 == t);
		}
		if (order == DATE_MDY && strcmp(s, "today") != 0) {
			FUZZ_ASSERT(day_parse(s, &day, &why) == 0);
			/* The day a time falls on, rounding down. */
			z = t / DAY_SECS - (t % DAY_SECS < 0);
			FUZZ_ASSERT(day == z);
			day_format(day, dbuf);
			FUZZ_ASSERT(strncmp(dbuf, buf, 10) == 0);
		}
	}
	if (fdate_canonical(s, &valid, &t2)) {
		rc = date_parse(s, DATE_MDY, &t, &why);
		FUZZ_ASSERT((rc == 0) == valid);
		if (rc == 0)
			FUZZ_ASSERT(t == t2);
	}

	/* civil_from_days and days_from_civil invert each other. */
	if (size >= 4) {
		z = (int32_t)((uint32_t)data[0] << 24 | (uint32_t)data[1] << 16 |
		    (uint32_t)data[2] << 8 | data[3]) / 4;
		civil_from_days(z, &y, &m, &d);
		FUZZ_ASSERT(m >= 1 && m <= 12 && d >= 1 && d <= 31);
		FUZZ_ASSERT(days_from_civil(y, m, d) == z);
	}
	free(s);
	return 0;
}
