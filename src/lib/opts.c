/*
 * opts.c: values of the options every command shares.
 */
#include <errno.h>
#include <stdlib.h>

#include "crm.h"

/* The store: --db, else $CRM_DB, else ./crm.db. */
const char *
crm_db_path(const char *opt)
{
	const char *env;

	if (opt != NULL && *opt != '\0')
		return opt;
	env = getenv("CRM_DB");
	if (env != NULL && *env != '\0')
		return env;
	return "crm.db";
}

/*
 * The day a date option names, as day_parse reads it ("today" is today
 * in the zone set last: call store_zone first); anything else is a usage
 * error, the same in every program.
 */
int64_t
crm_day_arg(const char *synopsis, const char *opt, const char *arg)
{
	int64_t d;
	const char *why;

	if (day_parse(arg, &d, &why) != 0)
		crm_usage_error(synopsis, "%s: %s: '%s'", opt, why, arg);
	return d;
}

/*
 * Parses a whole decimal number in [lo, hi], like strtonum(3).
 * Returns 0, or -1 when s is not such a number.
 */
int
crm_parse_int(const char *s, long long lo, long long hi, long long *out)
{
	char *end;
	long long v;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}
