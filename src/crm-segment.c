/*
 * crm-segment: lifecycle stages (potential, new, active, lost) of every
 * customer and member, and audiences picked by an expression such as
 * "orders >= 2 and last_order < -90d", printed as customer lists or
 * saved as tags.
 */
#include <err.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "audience.h"
#include "crm.h"
#include "rfm.h"
#include "segexpr.h"
#include "table.h"
#include "points/programme.h"

static const char synopsis[] =
"usage: crm-segment [-hqTV] [--as-of date] [--columns list] [--count]\n"
"                   [--db path] [--encoding big5] [--excel]\n"
"                   [--lost-after days] [--programme file] [--save tag]\n"
"                   [--segments file] [--xlsx file] expression ...\n"
"       crm-segment [-hqTV] [--as-of date] [--columns list] [--count]\n"
"                   [--db path] [--encoding big5] [--excel]\n"
"                   [--lost-after days] [--segments file] [--summary]\n"
"                   [--table | --csv] [--xlsx file] napl\n"
"       crm-segment [-q] [--db path] --unsave tag\n";

static const char help[] =
"Prints the customers (buyers and members) that match an expression, or\n"
"with napl the lifecycle stage of every one: customer_id, stage,\n"
"days_since, lost_after.  A customer list on stdin narrows the result.\n"
"\n"
"Options:\n"
"      --as-of DATE      as if it were this day [default: today]\n"
"      --columns LIST    more columns, by comma: name email phone\n"
"                        phone_intl account accounts chat_account\n"
"                        first_channel channels stage days_since orders\n"
"                        purchase_days spent aov first_order last_order\n"
"                        r f m rfm rfm_segment gender birthday age tags,\n"
"                        or a preset: mail sms plain (see crm(7))\n"
"      --count           print only how many customers match\n"
"      --db PATH         the store [default: $CRM_DB, else ./crm.db]\n"
"      --encoding big5   CSV in Big5 (CP950) for older tools\n"
"      --excel           CSV for Excel: byte order mark, CRLF, formulas\n"
"                        made inert, phones and digits kept as text\n"
"      --lost-after DAYS lost after this many days without a purchase\n"
"                        [default: 3 x the shop's repurchase cycle]\n"
"      --programme FILE  the points programme of points, tier and\n"
"                        points_expiring(), as crm-points takes it\n"
"      --save TAG        make tag TAG exactly the customers printed\n"
"      --segments FILE   the RFM segment table, as crm-rfm --segments\n"
"      --summary         napl: customers per stage (a table on a\n"
"                        terminal)\n"
"      --table, --csv    --summary as a table, or as CSV [default: a\n"
"                        table on a terminal, else CSV]\n"
"      --unsave TAG      remove tag TAG from everyone\n"
"      --xlsx FILE       write a workbook: phones as text, amounts and\n"
"                        counts as numbers, days as dates\n"
"  -q, --quiet           no note of what --save changed\n"
"  -T, --out-tab         write TSV instead of CSV\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n"
"\n"
"Expressions (see crm-segment(1)):\n"
"  orders >= 2 and spent > 3000        last_order < -90d\n"
"  bought(sku = 'SKU-0042', since -30d) >= 1\n"
"  stage = 'lost'    lost    tag = 'vip'    channel = 'momo'\n"
"  rfm_segment in ('At Risk', \"Can't Lose Them\")\n"
"  opened('double11')    not clicked(any, since -30d)\n"
"  birthday_month = 11    age between 25 and 34\n";

/*
 * --save: tag TAG becomes exactly the audience (customers who no longer
 * match lose it, so a weekly cron job keeps the tag current); --unsave
 * removes it from everyone.
 */
static int
save_tag(sqlite3 *db, const char *tag, int keep, int quiet)
{
	int64_t added, removed;

	if (tag_save(db, tag, keep, &added, &removed) != 0)
		return -1;
	if (!quiet)
		warnx("tag '%s': %lld added, %lld removed", tag,
		    (long long)added, (long long)removed);
	return 0;
}

static int
print_count(sqlite3 *db, const struct audience_out *r)
{
	int64_t n;

	if ((n = audience_count(db, r->napl)) < 0)
		return -1;
	printf("%lld\n", (long long)n);
	return 0;
}

/* napl --summary: customers per stage, in N-A-P-L order of the day. */
static int
print_summary(const int64_t n[CRM_NSTAGES], const struct audience_out *r,
    int mode)
{
	int64_t total = 0;
	struct tout o;
	struct table t;
	int i;

	for (i = 0; i < CRM_NSTAGES; i++)
		total += n[i];
	tout_init(&o, stdout, mode);
	tout_title(&o, "Customers per lifecycle stage");
	tout_note(&o, "Lost after %lld days without a purchase.",
	    (long long)r->lost);
	table_init(&t, &o);
	table_col(&t, "stage", NULL, TC_LEFT);
	table_col(&t, "customers", NULL, 0);
	table_col(&t, "share", NULL, 0);
	table_col(&t, "lost_after", NULL, TC_CSVONLY);
	table_col(&t, "bar", "", TC_BAR);
	for (i = 0; i < CRM_NSTAGES; i++) {
		table_str(&t, crm_stage_name[i]);
		table_int(&t, n[i]);
		table_share(&t, n[i], total);
		table_int(&t, r->lost);
		table_cell(&t, "", "", (double)n[i]);
		table_endrow(&t);
	}
	table_end(&t);
	return 0;
}

/* print_summary for a spreadsheet: the same cells, typed. */
static int
write_summary(const int64_t n[CRM_NSTAGES], const struct audience_out *r,
    struct tout *o)
{
	static const char *const hdr[] = { "stage", "customers", "share",
	    "lost_after" };
	int64_t total = 0;
	struct buf share = { 0 };
	struct table t;
	int i;

	for (i = 0; i < CRM_NSTAGES; i++)
		total += n[i];
	table_init(&t, o);
	for (i = 0; i < 4; i++)
		table_col(&t, hdr[i], NULL, i == 0 ? TC_LEFT : 0);
	for (i = 0; i < CRM_NSTAGES; i++) {
		table_str(&t, crm_stage_name[i]);
		table_int(&t, n[i]);
		buf_reset(&share);
		buf_add_share(&share, n[i], total);
		table_cell(&t, share.s, share.s, 0);
		table_int(&t, r->lost);
		table_endrow(&t);
	}
	table_end(&t);
	buf_free(&share);
	return 0;
}

/* Rows for a spreadsheet: a workbook, CSV for Excel or in Big5. */
static int
write_sheet(sqlite3 *db, const struct audience_out *r,
    const struct crm_common *c, const int64_t *summary)
{
	struct tout out;
	int rc;

	if (tout_start(&out, stdout, c) != 0)
		return -1;
	tout_title(&out, "%s", summary ? "stages" : r->napl ? "napl" :
	    "customers");
	rc = summary ? write_summary(summary, r, &out) : audience_write(db, r,
	    &out);
	if (rc != 0)
		tout_abandon(&out);
	else if (tout_close(&out) != 0)
		rc = -1;
	return rc;
}

struct segopts {
	struct crm_common c;		/* --db, --as-of, --lost-after, -T */
	const char *cols;		/* --columns */
	const char *save, *unsave;	/* --save, --unsave */
	const char *seg_file;		/* --segments */
	const char *programme;		/* --programme */
	int	 quiet, count, summary;
	int	 napl;			/* the one word napl */
};

/* Reads the options into o; *argcp and *argvp are left the operands. */
static void
parse_args(int *argcp, char ***argvp, struct segopts *o)
{
	static const struct option longopts[] = {
		CRM_LONGOPT_ASOF,
		{ "columns",	required_argument,	NULL, 'C' },
		{ "count",	no_argument,		NULL, 'N' },
		CRM_LONGOPT_DB,
		CRM_LONGOPT_OUT_ENCODING,
		CRM_LONGOPT_EXCEL,
		CRM_LONGOPT_HELP,
		CRM_LONGOPT_LOST_AFTER,
		CRM_LONGOPT_TABLE,
		CRM_LONGOPT_CSV,
		CRM_LONGOPT_TSV,
		{ "programme",	required_argument,	NULL, 'P' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "save",	required_argument,	NULL, 'S' },
		{ "segments",	required_argument,	NULL, 'G' },
		{ "summary",	no_argument,		NULL, 'U' },
		{ "unsave",	required_argument,	NULL, 'X' },
		CRM_LONGOPT_VERSION,
		CRM_LONGOPT_XLSX,
		{ NULL,		0,			NULL, 0 }
	};
	int argc = *argcp, ch;
	char **argv = *argvp;

	memset(o, 0, sizeof(*o));
	crm_common_init(&o->c);
	while ((ch = getopt_long(argc, argv, "hqTV", longopts, NULL)) != -1) {
		if (crm_common_opt(&o->c, ch, optarg, synopsis, help))
			continue;
		switch (ch) {
		case 'C':
			o->cols = optarg;
			break;
		case 'G':
			o->seg_file = optarg;
			break;
		case 'N':
			o->count = 1;
			break;
		case 'P':
			o->programme = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'S':
			o->save = optarg;
			break;
		case 'U':
			o->summary = 1;
			break;
		case 'X':
			o->unsave = optarg;
			break;
		default:
			crm_usage_error(synopsis, NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (o->unsave != NULL) {
		if (argc > 0 || o->save != NULL || o->count || o->summary ||
		    o->cols != NULL)
			crm_usage_error(synopsis, "--unsave takes no "
			    "expression and no other option but --db and -q");
	} else if (argc == 0)
		crm_usage_error(synopsis, "an expression or napl is needed");
	if (argc == 1 && strcasecmp(argv[0], "napl") == 0)
		o->napl = 1;
	if (o->summary && !o->napl)
		crm_usage_error(synopsis, "--summary goes with napl");
	if (o->save != NULL && o->napl)
		crm_usage_error(synopsis, "--save takes an expression, not "
		    "napl (write: --save TAG stage = 'lost')");
	if (o->count + o->summary > 1 || (o->count && o->cols != NULL))
		crm_usage_error(synopsis, "--count, --summary and --columns "
		    "exclude one another");
	if (o->count && (o->c.out_mode == TM_XLSX ||
	    o->c.out_mode == TM_EXCEL))
		crm_usage_error(synopsis, "--count prints a number: --xlsx "
		    "and --excel are for rows");
	if ((o->save != NULL && *o->save == '\0') ||
	    (o->unsave != NULL && *o->unsave == '\0'))
		crm_usage_error(synopsis, "a tag needs a name");
	*argcp = argc;
	*argvp = argv;
}

int
main(int argc, char *argv[])
{
	struct segopts o;
	struct audience_out r;
	struct buf expr = { 0 }, err = { 0 };
	struct segexpr *e = NULL;
	struct rfm_rules *rules = NULL;
	struct programme pg;
	sqlite3 *db = NULL;
	int64_t n[CRM_NSTAGES];
	int i, list, have_pg = 0, counted = 0, rc = EXIT_DATA;

	crm_init(argv[0]);
	parse_args(&argc, &argv, &o);
	memset(&r, 0, sizeof(r));
	r.delim = o.c.out_mode == TM_TSV ? '\t' : ',';
	r.napl = o.napl;

	/* The expression: the words given, joined by blanks. */
	if (!r.napl && o.unsave == NULL) {
		for (i = 0; i < argc; i++) {
			if (i > 0)
				buf_addc(&expr, ' ');
			buf_adds(&expr, argv[i]);
		}
		if ((e = segexpr_compile(expr.s, &err)) == NULL) {
			warnx("%s", err.s);
			goto done;
		}
		if (segexpr_uses_rfm(e))
			r.need_rfm = 1;
	}
	if (o.programme != NULL) {
		if (programme_load(o.programme, &pg) != 0)
			goto done;
		have_pg = 1;
		if (e != NULL)
			segexpr_set_programme(e, &pg);
	}
	if (o.seg_file != NULL) {
		if ((rules = rfm_rules_load(o.seg_file)) == NULL)
			goto done;
		if (e != NULL)
			segexpr_set_rules(e, rules);
	}
	if (o.cols != NULL && audience_columns(&r, o.cols) != 0) {
		rc = EXIT_USAGE;	/* a bad option value: crm(7) */
		goto done;
	}

	/* Saving writes, but never creates a store. */
	if ((o.save != NULL || o.unsave != NULL) &&
	    access(crm_db_path(o.c.db), F_OK) != 0) {
		warnx("%s: no store here (import orders with crm-import, or "
		    "name the store with --db or CRM_DB)", crm_db_path(o.c.db));
		goto done;
	}
	if ((db = store_open(crm_db_path(o.c.db), o.save != NULL ||
	    o.unsave != NULL ? STORE_RW : STORE_RO)) == NULL)
		goto done;
	if (o.unsave != NULL) {
		if (save_tag(db, o.unsave, 0, o.quiet) == 0)
			rc = 0;
		goto done;
	}
	store_zone(db);
	/* A misspelt segment name or tag matches nobody: say so. */
	if (e != NULL && (i = segexpr_check_names(db, e, &err)) != 0) {
		if (i == -1) {
			warnx("%s", err.s);
			rc = EXIT_USAGE;
		}
		goto done;
	}
	r.asof = crm_common_asof(&o.c, synopsis);
	if (asof_check(db, r.asof, o.c.lost_after, "--as-of") < 0 ||
	    stats_asof(db, r.asof) != 0)
		goto done;
	/* The repurchase cycle costs a sort: only when stages are used. */
	r.lost = 365;
	if ((r.napl || segexpr_uses_stage(e) || r.need_stage) &&
	    (r.lost = lost_threshold(db, o.c.lost_after, NULL, NULL)) < 0)
		goto done;
	if ((list = custlist_load(db, 0)) < 0)
		goto done;
	/* napl --summary of the whole store: counted, no row per customer. */
	if (o.summary && !list && o.save == NULL) {
		if (lifecycle_counts(db, r.asof, r.lost, n) != 0)
			goto done;
		counted = 1;
	/* A plain napl list reads the stages as they are made. */
	} else if (r.napl && !list && o.save == NULL && r.ncol == 0 &&
	    !o.count && !o.summary && !crm_common_sheet(&o.c)) {
		r.stream = 1;
	/* For napl the stage table is the audience: no copy. */
	} else if ((r.napl ? lifecycle_table(db, r.asof, r.lost,
	    AUDIENCE_STAGES) : segexpr_select(db, e, r.asof, r.lost,
	    AUDIENCE_TABLE)) != 0)
		goto done;
	if (!r.napl && audience_stage_table(db, &r) != 0)
		goto done;
	if (list && audience_narrow(db, r.napl) != 0)
		goto done;
	if (o.summary && !counted && audience_stages(db, n) != 0)
		goto done;
	if (r.need_rfm && (e == NULL || !segexpr_uses_rfm(e)) &&
	    rfm_sql_function(db, 5, rules, NULL) != 0)
		goto done;
	if (o.save != NULL && save_tag(db, o.save, 1, o.quiet) != 0)
		goto done;
	if ((o.count ? print_count(db, &r) : crm_common_sheet(&o.c) ?
	    write_sheet(db, &r, &o.c, o.summary ? n : NULL) : o.summary ?
	    print_summary(n, &r, o.c.out_mode) :
	    audience_print(db, &r, stdout)) != 0)
		goto done;
	rc = crm_finish_stdout();
done:
	segexpr_free(e);
	if (have_pg)
		programme_free(&pg);
	rfm_rules_free(rules);
	store_close(db);
	buf_free(&expr);
	buf_free(&err);
	return rc;
}
