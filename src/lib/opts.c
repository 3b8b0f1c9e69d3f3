/*
 * opts.c: values of the options every command shares.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm.h"
#include "table.h"

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

void
crm_common_init(struct crm_common *c)
{
	memset(c, 0, sizeof(*c));
	c->out_mode = -1;
}

int
crm_common_opt(struct crm_common *c, int ch, const char *arg,
    const char *synopsis, const char *help)
{
	long long v;

	switch (ch) {
	case CRM_OPT_DB:
		c->db = arg;
		return 1;
	case CRM_OPT_ASOF:
		c->as_of = arg;
		return 1;
	case CRM_OPT_LOST_AFTER:
		if (crm_parse_int(arg, 1, CRM_LOST_AFTER_MAX, &v) != 0)
			crm_usage_error(synopsis, "--lost-after: '%s' is not "
			    "a number of days from 1 to %d", arg,
			    CRM_LOST_AFTER_MAX);
		c->lost_after = v;
		return 1;
	case CRM_OPT_TZ:
		if (tz_set(arg) != 0)
			crm_usage_error(synopsis, "--tz: unknown time zone "
			    "'%s'", arg);
		c->tz = arg;
		return 1;
	case CRM_OPT_TABLE:
		c->out_mode = TM_TABLE;
		return 1;
	case CRM_OPT_CSV:
		c->out_mode = TM_CSV;
		return 1;
	case 'T':
		c->out_mode = TM_TSV;
		return 1;
	case CRM_OPT_XLSX:
		if (*arg == '\0' || strcmp(arg, "-") == 0)
			crm_usage_error(synopsis, "--xlsx: a workbook needs "
			    "a file name (it cannot be written to a pipe)");
		c->xlsx = arg;
		c->out_mode = TM_XLSX;
		return 1;
	case CRM_OPT_EXCEL:
		c->out_mode = TM_EXCEL;
		return 1;
	case CRM_OPT_OUT_ENCODING:
		if (strcasecmp(arg, "big5") == 0 ||
		    strcasecmp(arg, "cp950") == 0)
			c->out_cp950 = 1;
		else if (strcasecmp(arg, "utf-8") == 0 ||
		    strcasecmp(arg, "utf8") == 0)
			c->out_cp950 = 0;
		else
			crm_usage_error(synopsis, "--encoding: '%s' is not "
			    "utf-8 or big5", arg);
		return 1;
	case 'h':
		crm_help(synopsis, help);
	case 'V':
		crm_version();
		return 1;
	}
	return 0;
}

/* Whether the output is for a spreadsheet: --xlsx, --excel or Big5. */
int
crm_common_sheet(const struct crm_common *c)
{
	return c->out_mode == TM_XLSX || c->out_mode == TM_EXCEL ||
	    c->out_cp950;
}

int64_t
crm_common_asof(const struct crm_common *c, const char *synopsis)
{
	return crm_day_arg(synopsis, "--as-of", c->as_of != NULL ? c->as_of :
	    "today");
}
