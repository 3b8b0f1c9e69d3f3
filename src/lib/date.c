/*
 * date.c: strict date parsing, the shop's time zone, day arithmetic.
 *
 * Times are "local seconds" (see crm.h).  The civil-date conversions are
 * Howard Hinnant's days_from_civil and civil_from_days, exact for every
 * proleptic Gregorian date.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crm.h"

int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/*
 * Selects the shop's zone for converting times that carry an offset and
 * for "today".  glibc quietly falls back to UTC for an unknown name, so
 * the zone file is looked up first.
 */
int
tz_set(const char *zone)
{
	char path[512];
	const char *dir;

	if (zone == NULL || *zone == '\0' || strstr(zone, "..") != NULL)
		return -1;
	if (strcmp(zone, "UTC") != 0) {
		dir = getenv("TZDIR");
		snprintf(path, sizeof(path), "%s/%s",
		    dir != NULL ? dir : "/usr/share/zoneinfo", zone);
		if (access(path, R_OK) != 0)
			return -1;
	}
	setenv("TZ", zone, 1);
	tzset();
	return 0;
}

int64_t
tz_local_from_utc(int64_t utc)
{
	struct tm tm;
	time_t t = (time_t)utc;

	if (localtime_r(&t, &tm) == NULL)
		return utc;
	return utc + tm.tm_gmtoff;
}

int64_t
tz_now_local(void)
{
	return tz_local_from_utc((int64_t)time(NULL));
}

/* Reads 1 to max digits; returns the count read, 0 if none. */
static int
digits(const char **p, int max, int *v)
{
	int n = 0;

	*v = 0;
	while (n < max && isdigit((unsigned char)**p)) {
		*v = *v * 10 + (**p - '0');
		(*p)++;
		n++;
	}
	return n;
}

static int
parse_offset(const char **p, int *off)
{
	int sign, h, m = 0, n;

	if (**p == 'Z' || **p == 'z') {
		(*p)++;
		*off = 0;
		return 0;
	}
	if (**p != '+' && **p != '-')
		return -1;
	sign = **p == '-' ? -1 : 1;
	(*p)++;
	n = digits(p, 4, &h);
	if (n == 4) {
		m = h % 100;
		h /= 100;
	} else if (n == 2 || n == 1) {
		if (**p == ':') {
			(*p)++;
			if (digits(p, 2, &m) != 2)
				return -1;
		}
	} else
		return -1;
	if (h > 14 || m > 59)
		return -1;
	*off = sign * (h * 3600 + m * 60);
	return 0;
}

int
date_parse(const char *s, enum date_order order, int64_t *t, const char **why)
{
	const char *p = s;
	int y, m, d, a, b, n1, n2, n3, hh = 0, mm = 0, ss = 0, off, v;
	int64_t secs;
	char sep;

	while (*p == ' ')
		p++;
	if (*p == '\0') {
		*why = "empty date";
		return -1;
	}
	n1 = digits(&p, 8, &a);
	if (n1 == 8 && (*p == '\0' || *p == ' ' || *p == 'T')) {
		y = a / 10000;			/* YYYYMMDD */
		m = a / 100 % 100;
		d = a % 100;
	} else if (n1 == 4 && (*p == '-' || *p == '/' || *p == '.')) {
		sep = *p++;
		n2 = digits(&p, 2, &m);
		if (n2 == 0 || *p++ != sep)
			goto bad;
		n3 = digits(&p, 2, &d);
		if (n3 == 0)
			goto bad;
		y = a;
	} else if ((n1 == 1 || n1 == 2) && (*p == '/' || *p == '-')) {
		sep = *p++;
		if (digits(&p, 2, &b) == 0 || *p++ != sep)
			goto bad;
		if (digits(&p, 4, &y) != 4)
			goto bad;
		if (order == DATE_DMY) {
			d = a;
			m = b;
		} else {
			m = a;
			d = b;
		}
	} else
		goto bad;
	if (y < 1900 || y > 2999) {
		*why = "year out of range";
		return -1;
	}
	if (m < 1 || m > 12) {
		*why = "month out of range";
		return -1;
	}
	if (d < 1 || d > days_in_month(y, m)) {
		*why = "day out of range";
		return -1;
	}
	if ((*p == ' ' && p[strspn(p, " ")] != '\0') || *p == 'T') {
		while (*p == ' ' || *p == 'T')
			p++;
		if (digits(&p, 2, &hh) == 0 || *p++ != ':' ||
		    digits(&p, 2, &mm) != 2)
			goto bad;
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &ss) != 2)
				goto bad;
			if (*p == '.') {
				p++;
				if (digits(&p, 9, &v) == 0)
					goto bad;
			}
		}
		if (hh > 23 || mm > 59 || ss > 60) {
			*why = "time out of range";
			return -1;
		}
		if (ss == 60)
			ss = 59;
	}
	secs = days_from_civil(y, m, d) * DAY_SECS + hh * 3600 + mm * 60 + ss;
	while (*p == ' ')
		p++;
	if (*p != '\0') {
		if (parse_offset(&p, &off) != 0)
			goto bad;
		while (*p == ' ')
			p++;
		if (*p != '\0')
			goto bad;
		secs = tz_local_from_utc(secs - off);
	}
	*t = secs;
	return 0;
bad:
	*why = "not a date (expected e.g. 2024-03-05 or 2024/3/5 14:30)";
	return -1;
}

int
day_parse(const char *s, int64_t *day, const char **why)
{
	int64_t t;

	if (strcmp(s, "today") == 0) {
		*day = tz_now_local() / DAY_SECS;
		return 0;
	}
	if (date_parse(s, DATE_MDY, &t, why) != 0)
		return -1;
	*day = day_of(t);
	return 0;
}

/* The day of a time: rounds down, where C's division truncates toward 0
 * for times before 1970.  SQL says crm_day(t) (see store.c). */
int64_t
day_of(int64_t t)
{
	return t / DAY_SECS - (t % DAY_SECS < 0);
}

char *
time_format(int64_t t, char buf[20])
{
	int64_t day = t / DAY_SECS, r = t % DAY_SECS;
	int y, m, d;

	if (r < 0) {
		r += DAY_SECS;
		day--;
	}
	civil_from_days(day, &y, &m, &d);
	snprintf(buf, 20, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d,
	    (int)(r / 3600), (int)(r / 60 % 60), (int)(r % 60));
	return buf;
}

char *
day_format(int64_t day, char buf[11])
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(buf, 11, "%04d-%02d-%02d", y, m, d);
	return buf;
}

int
day_strict(const char *s, int64_t *day)
{
	int y, m, d, y2, m2, d2;
	size_t i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
			return -1;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*day = days_from_civil(y, m, d);
	civil_from_days(*day, &y2, &m2, &d2);
	return y2 == y && m2 == m && d2 == d ? 0 : -1;
}
