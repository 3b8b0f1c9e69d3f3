/*
 * crm-playbook: playbooks per lifecycle stage as a cron job and a
 * measurement.  `check` validates a playbook file, `run` writes the
 * contacts due on a day (with per-contact coupon codes and a stable
 * holdout) and records them in the store, `results` compares each step's
 * treatment group with its holdout.
 */
#include <err.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audience.h"
#include "crm.h"
#include "playbook/advice.h"
#include "playbook/run.h"
#include "segexpr.h"
#include "table.h"

static const char synopsis[] =
"usage: crm-playbook check file\n"
"       crm-playbook run [-nqT] [--columns list] [--date date]\n"
"                        [--db path] [--encoding big5] [--excel]\n"
"                        [--lost-after days] [--xlsx file] file\n"
"       crm-playbook results [-T] [--as-of date] [--csv] [--days n]\n"
"                        [--db path] [--encoding big5] [--excel]\n"
"                        [--min-claim-rate pct] [--min-use-rate pct]\n"
"                        [--table] [--xlsx file] [file]\n";

static const char help[] =
"check validates a playbook file.  run writes the contacts due on a day\n"
"as CSV and records them in the store (a customer list on stdin narrows\n"
"the audiences).  results compares each step's treatment group with its\n"
"holdout, per step, variant, coupon and audience, with 95% intervals,\n"
"counting only contacts whose window has closed, and ends with a review.\n"
"\n"
"Options:\n"
"      --as-of DATE      results: count what happened by DATE\n"
"                        [default: today]\n"
"      --columns LIST    run: more columns after group, by comma, or a\n"
"                        preset (mail, sms, plain): see crm(7)\n"
"      --csv             results: CSV even on a terminal\n"
"      --date DATE       run: the day to run for [default: today]\n"
"      --days N          results: bought within N days of the contact\n"
"                        [default: the playbook's measure, else 30]\n"
"      --db PATH         the store [default: $CRM_DB, else ./crm.db]\n"
"      --encoding big5   CSV in Big5 (CP950) for older tools\n"
"      --excel           CSV for Excel: byte order mark, CRLF, formulas\n"
"                        made inert, phones and codes kept as text\n"
"      --lost-after DAYS run: the lost threshold [default: 3 x the\n"
"                        repurchase cycle]\n"
"      --min-claim-rate P  results: advise below P% claimed [default: 20]\n"
"      --min-use-rate P  results: advise below P% of claims used\n"
"                        [default: 50]\n"
"      --table           results: an aligned table even when piped\n"
"      --xlsx FILE       write a workbook: amounts and counts as numbers,\n"
"                        phones and codes as text, days as dates\n"
"  -n, --dry-run         run: write the list, record nothing\n"
"  -q, --quiet           no summary on stderr\n"
"  -T, --out-tab         write TSV instead of CSV\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n"
"\n"
"The playbook file format is in crm-playbook(1).\n";

static const struct option longopts[] = {
	CRM_LONGOPT_ASOF,
	{ "columns",		required_argument,	NULL,	'L' },
	CRM_LONGOPT_CSV,
	{ "date",		required_argument,	NULL,	'a' },
	{ "days",		required_argument,	NULL,	'N' },
	CRM_LONGOPT_DB,
	CRM_LONGOPT_OUT_ENCODING,
	CRM_LONGOPT_EXCEL,
	{ "dry-run",		no_argument,		NULL,	'n' },
	CRM_LONGOPT_HELP,
	CRM_LONGOPT_LOST_AFTER,
	{ "min-claim-rate",	required_argument,	NULL,	'C' },
	{ "min-use-rate",	required_argument,	NULL,	'U' },
	CRM_LONGOPT_TABLE,
	CRM_LONGOPT_TSV,
	{ "quiet",		no_argument,		NULL,	'q' },
	CRM_LONGOPT_VERSION,
	CRM_LONGOPT_XLSX,
	{ NULL,			0,			NULL,	0 }
};

struct opts {
	struct crm_common c;		/* --db, --as-of, --lost-after, -T */
	const char *date;		/* --date */
	const char *columns;		/* --columns */
	long long days;			/* --days, or 0 */
	long long min_claim;		/* --min-claim-rate, percent */
	long long min_use;		/* --min-use-rate, percent */
	int	 dry_run;
	int	 quiet;
	int	 delim;			/* ',' or '\t' */
};

/* ==== Helpers ==== */

/* ==== check ==== */

static int
cmd_check(int argc, char **argv)
{
	struct playbook pb;
	int rc;

	if (argc != 1)
		crm_usage_error(synopsis, "check wants one playbook file");
	if (playbook_load(argv[0], &pb) != 0)
		return EXIT_DATA;
	rc = playbook_compile_segments(&pb, NULL) == 0 ? 0 : EXIT_DATA;
	playbook_free(&pb);
	return rc;
}

/* ==== run ==== */

/* What contact_row() needs: the options and --columns. */
struct runout {
	const struct opts *o;
	struct audience_lookup *cols;	/* --columns, or NULL */
	struct buf line;
	struct table *t;		/* a spreadsheet's rows, or NULL */
	int	 failed;
	int	 tty;			/* stdout is a terminal */
};

/*
 * contact_row for a spreadsheet: f's cells typed, amounts as numbers,
 * the id and codes as text.
 */
static void
contact_cells(struct runout *x, const struct pb_contact *k,
    const char *const *f)
{
	int i;

	for (i = 0; i < 12; i++) {
		if (k->coupon && (i == 8 || (i == 9 && !k->has_pct)))
			table_money(x->t, i == 8 ? k->threshold :
			    k->discount);
		else
			table_str(x->t, f[i]);
	}
	if (x->cols != NULL && audience_lookup_cells(x->cols,
	    strtoll(k->customer_id, NULL, 10), x->t) != 0)
		x->failed = 1;
	table_endrow(x->t);
}

/* Writes one contact of the run. */
static void
contact_row(void *arg, const struct pb_contact *k)
{
	struct runout *x = arg;
	char money[32], money2[32], day[11], pct[8];
	const char *f[12];
	int i;

	f[0] = k->customer_id;
	f[1] = k->name;
	f[2] = k->email;
	f[3] = k->phone;
	f[4] = k->channel;
	f[5] = k->step;
	f[6] = k->holdout ? "" : k->template;
	f[7] = k->coupon ? k->code : "";
	f[8] = k->coupon ? money_format(k->threshold, money) : "";
	if (k->coupon && k->has_pct) {
		snprintf(pct, sizeof(pct), "%d%%", k->discount_pct);
		f[9] = pct;
	} else
		f[9] = k->coupon ? money_format(k->discount, money2) : "";
	f[10] = k->coupon ? day_format(k->expires_day, day) : "";
	f[11] = k->grp;
	if (x->t != NULL) {
		contact_cells(x, k, f);
		return;
	}
	buf_reset(&x->line);
	for (i = 0; i < 12; i++) {
		if (i > 0)
			buf_addc(&x->line, (char)x->o->delim);
		buf_add_field(&x->line, x->o->delim, f[i]);
	}
	if (x->cols != NULL && audience_lookup_row(x->cols,
	    strtoll(k->customer_id, NULL, 10), &x->line) != 0)
		x->failed = 1;
	buf_addc(&x->line, '\n');
	text_write(x->line.s, x->line.len, stdout, x->tty);
}

/* The run's summary on stderr: counts, by channel, and why not. */
static void
run_summary(const struct playbook *pb, int64_t d, const struct pb_counts *c,
    int dry_run, const struct audience_out *ao)
{
	size_t i;

	char dbuf[11];

	warnx("%s: %s: %lld due, %lld contacted, %lld held out, %lld capped, "
	    "%lld unreachable; contacted by e-mail %lld, by SMS %lld, by "
	    "chat %lld%s", pb->file, day_format(d, dbuf), (long long)c->due,
	    (long long)c->treatment, (long long)c->holdout,
	    (long long)c->capped, (long long)c->unreachable,
	    (long long)c->email, (long long)c->sms, (long long)c->chat,
	    dry_run ? " (dry run: nothing recorded)" : "");
	if (c->unreachable > 0)
		warnx("%s: %lld unreachable: %lld with no e-mail that may be "
		    "written to, no unmasked phone and no platform account; "
		    "%lld with none on the channel their step uses (via)",
		    pb->file, (long long)c->unreachable, (long long)c->no_way,
		    (long long)(c->unreachable - c->no_way));
	for (i = 0; i < ao->ncol; i++)
		if (strcmp(audience_column_name(ao, i), "chat_account") == 0)
			return;
	if (c->chat > 0)
		warnx("%s: %lld contact%s by chat: --columns chat_account "
		    "gives the platform account to write to", pb->file,
		    (long long)c->chat, c->chat == 1 ? "" : "s");
}

static int
cmd_run(int argc, char **argv, const struct opts *o)
{
	static const char *const hdr[] = {
		"customer_id", "name", "email", "phone", "channel", "step",
		"template", "coupon", "threshold", "discount", "expires",
		"group",
	};
	struct audience_out ao;
	struct runout x;
	struct tout out;
	struct table t;
	size_t i;
	struct playbook pb;
	struct pb_counts c;
	sqlite3 *db = NULL;
	struct segexpr **seg = NULL;
	char dbuf[11];
	int64_t d, recorded;
	int rc = EXIT_DATA, open = 0, sheet = 0;

	if (argc != 1)
		crm_usage_error(synopsis, "run wants one playbook file");
	if (strcmp(argv[0], "-") == 0)
		crm_usage_error(synopsis, "run reads the playbook from a file "
		    "(stdin is for a customer list)");
	d = crm_day_arg(synopsis, "--date", o->date ? o->date : "today");
	memset(&ao, 0, sizeof(ao));
	ao.delim = o->delim;
	if (o->columns != NULL && audience_columns(&ao, o->columns) != 0)
		return EXIT_USAGE;
	if (playbook_load(argv[0], &pb) != 0)
		return EXIT_DATA;
	seg = calloc(pb.nsteps, sizeof(*seg));
	if (seg == NULL)
		err(EXIT_DATA, NULL);
	if (playbook_compile_segments(&pb, seg) != 0)
		goto done;
	/* Open read-only first: a run never creates a store. */
	if ((db = store_open(crm_db_path(o->c.db), STORE_RO)) == NULL)
		goto done;
	if (!o->dry_run) {
		store_close(db);
		if ((db = store_open(crm_db_path(o->c.db), STORE_RW)) == NULL)
			goto done;
	}
	if (store_zone(db) != 0)
		goto done;
	/* "today" is the shop's today: read the day again in its zone. */
	d = crm_day_arg(synopsis, "--date", o->date ? o->date : "today");
	ao.asof = d;
	asof_check(db, d, o->c.lost_after, "--date");
	/* One transaction: the list is worked out and recorded at once,
	 * so two runs at the same time take turns. */
	if (!o->dry_run) {
		if (store_begin(db) != 0)
			goto done;
		open = 1;
	}
	if (pbrun_begin(db, &pb) != 0)
		goto done;

	/* A day once recorded is final: a rerun prints what was recorded. */
	if ((recorded = pbrun_recorded(db, &pb, d)) < 0)
		goto done;
	if (recorded > 0) {
		if (pbrun_replay(db, &pb, d) != 0)
			goto done;
		if (!o->quiet)
			warnx("%s: %s already recorded %lld contacts for %s; "
			    "writing them again", pb.file, pb.name,
			    (long long)recorded, day_format(d, dbuf));
	} else {
		if (pbrun_compute(db, &pb, d, o->c.lost_after, seg, &c) != 0)
			goto done;
		if (!o->dry_run && pbrun_record(db, &pb, d) != 0)
			goto done;
		if (!o->quiet)
			run_summary(&pb, d, &c, o->dry_run, &ao);
	}
	memset(&x, 0, sizeof(x));
	x.o = o;
	x.tty = isatty(STDOUT_FILENO);
	if (o->columns != NULL && (x.cols = audience_lookup_open(db, &ao,
	    o->c.lost_after, NULL)) == NULL)
		goto done;
	if (crm_common_sheet(&o->c)) {
		if (tout_start(&out, stdout, &o->c) != 0) {
			audience_lookup_close(x.cols);
			goto done;
		}
		sheet = 1;
		tout_title(&out, "%s", pb.name);
		table_init(&t, &out);
		x.t = &t;
		for (i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++)
			table_col(&t, hdr[i], NULL, 0);
		if (x.cols != NULL && audience_table_cols(&ao, &t) != 0)
			x.failed = 1;
	} else {
		for (i = 0; i < sizeof(hdr) / sizeof(hdr[0]); i++) {
			if (i > 0)
				buf_addc(&x.line, (char)o->delim);
			buf_adds(&x.line, hdr[i]);
		}
		if (x.cols != NULL)
			audience_header(&ao, &x.line);
		buf_addc(&x.line, '\n');
		fwrite(x.line.s, 1, x.line.len, stdout);
	}
	rc = x.failed ? -1 : pbrun_contacts(db, contact_row, &x);
	audience_lookup_close(x.cols);
	buf_free(&x.line);
	if (sheet) {
		/* The workbook is written before the run is recorded. */
		table_end(&t);
		sheet = 0;
		if (rc != 0 || x.failed)
			tout_abandon(&out);
		else if (tout_close(&out) != 0)
			rc = -1;
	}
	if (rc != 0 || x.failed) {
		rc = EXIT_DATA;
		goto done;
	}
	if (open) {
		/* Check the output before recording it as sent. */
		if ((rc = crm_finish_stdout()) != 0)
			goto done;
		if (store_commit(db) != 0) {
			rc = EXIT_DATA;
			goto done;
		}
		open = 0;
	}
	rc = crm_finish_stdout();
done:
	if (open)
		store_rollback(db);
	if (db != NULL)
		store_close(db);
	playbook_free_segments(&pb, seg);
	free(seg);
	playbook_free(&pb);
	return rc;
}

/* ==== results ==== */

/* A row of results and the review it feeds. */
struct rowctx {
	struct pb_review rv;
	struct table t;
};

/* A rate cell: four decimals as CSV, a percent in the table. */
static void
cell_rate(struct table *t, int have, int64_t k, int64_t n)
{
	char csv[16], tty[16];

	if (!have || n <= 0) {
		table_null(t);
		return;
	}
	table_cell(t, pb_fmt_rate((double)k / (double)n, csv, sizeof(csv)),
	    fmt_pct(k, n, tty), 0);
}

/* A difference with its interval: three CSV columns, one table cell. */
static void
cell_diff(struct table *t, int have, double d, double lo, double hi)
{
	char a[16], b[16], c[16], tty[64];

	if (!have) {
		table_null(t);
		table_null(t);
		table_null(t);
		return;
	}
	table_cell(t, pb_fmt_rate(d, a, sizeof(a)), pb_fmt_diff(d, lo, hi, tty,
	    sizeof(tty)), 0);
	table_cell(t, pb_fmt_rate(lo, b, sizeof(b)), "", 0);
	table_cell(t, pb_fmt_rate(hi, c, sizeof(c)), "", 0);
}

static void
cell_money(struct table *t, int have, int64_t v)
{
	char m[32];

	if (!have)
		table_null(t);
	else
		table_cell(t, money_format(v, m), fmt_money(v, (char[40]){ 0 }),
		    0);
}

static void
result_row(void *arg, const char *playbook, enum pb_by by, const char *name,
    const struct pb_group *g)
{
	struct rowctx *x = arg;
	struct table *t = &x->t;
	struct pb_eval e;
	struct buf advice = { 0 };
	char a[32], b[32], c[32], tty[96];
	int coupons = g->coupons > 0 || g->hcoupons > 0;

	pb_evaluate(g, by, &x->rv.lim, pb_row_seed(playbook, by, name), &e);
	pb_advise(&x->rv, playbook, by, name, g, &e, &advice);
	table_str(t, playbook);
	table_str(t, pb_by_name[by]);
	table_str(t, name);
	table_int(t, g->measuring);
	table_int(t, g->contacted);
	table_int(t, g->held_out);
	if (g->coupons > 0)
		table_int(t, g->claimed);
	else
		table_null(t);
	cell_rate(t, x->rv.lim.claims_known, g->claimed, g->coupons);
	if (g->coupons > 0)
		table_int(t, g->used);
	else
		table_null(t);
	cell_rate(t, 1, g->used, g->claimed);
	table_int(t, g->bought);
	cell_rate(t, 1, g->bought, g->contacted);
	table_int(t, g->hbought);
	cell_rate(t, 1, g->hbought, g->held_out);
	cell_diff(t, e.has_d, e.d, e.lo, e.hi);
	cell_money(t, 1, g->revenue);
	cell_money(t, 1, g->hrevenue);
	if (e.has_rci) {
		snprintf(tty, sizeof(tty), "%s [%s, %s]",
		    pb_fmt_mean_money(e.rd, a), pb_fmt_mean_money(e.rlo, b),
		    pb_fmt_mean_money(e.rhi, c));
		table_cell(t, a, tty, 0);
		table_cell(t, b, "", 0);
		table_cell(t, c, "", 0);
	} else {
		if (e.has_rev)
			table_str(t, pb_fmt_mean_money(e.rd, a));
		else
			table_null(t);
		table_null(t);
		table_null(t);
	}
	cell_money(t, coupons && by != PB_BY_VERSUS, g->crevenue);
	cell_money(t, coupons && by != PB_BY_VERSUS, g->cost);
	cell_diff(t, e.has_claim, e.cd, e.clo, e.chi);
	cell_diff(t, e.has_use, e.ud, e.ulo, e.uhi);
	if (by == PB_BY_VERSUS && pb_winner(name, &e, tty, sizeof(tty)) != NULL)
		table_str(t, tty);
	else
		table_null(t);
	table_str(t, advice.len > 0 ? advice.s : "");
	table_endrow(t);
	buf_free(&advice);
}

/*
 * The review ends the output: per playbook, each step's verdict, the
 * pairs of variants, what is still measuring and the one change to try
 * next.  As rows (by "review") in CSV, as lines under a heading in the
 * table.
 */
/*
 * The review ends the output: as rows (by "review") in CSV, as lines
 * under a heading per playbook in the table.
 */
static void
write_review(struct rowctx *x, struct tout *out)
{
	const char *last = NULL;
	size_t i, j;

	pb_review_close(&x->rv);
	for (i = 0; i < x->rv.nrv; i++) {
		struct pb_review_line *r = &x->rv.rv[i];

		if (out->mode != TM_TABLE) {
			table_str(&x->t, r->playbook);
			table_str(&x->t, "review");
			table_str(&x->t, r->step);
			for (j = 3; j + 1 < pb_nresult_cols; j++)
				table_null(&x->t);
			table_str(&x->t, r->text);
			table_endrow(&x->t);
			continue;
		}
		if (last == NULL || strcmp(last, r->playbook) != 0)
			tout_title(out, "Review of %s", r->playbook);
		last = r->playbook;
		tout_note(out, "- %s", r->text);
	}
}

static int
cmd_results(int argc, char **argv, const struct opts *o)
{
	struct playbook pb;
	struct rowctx x;
	struct tout out;
	sqlite3 *db = NULL;
	const char *name = NULL;
	int64_t asof, days;
	size_t i;
	char dbuf[11];
	int have_pb = 0, started = 0, rc = EXIT_DATA;

	memset(&pb, 0, sizeof(pb));
	memset(&x, 0, sizeof(x));
	if (argc > 1)
		crm_usage_error(synopsis, "results wants at most one playbook "
		    "file");
	asof = crm_common_asof(&o->c, synopsis);
	if (argc == 1) {
		if (playbook_load(argv[0], &pb) != 0)
			return EXIT_DATA;
		have_pb = 1;
		name = pb.name;
	}
	days = o->days > 0 ? o->days : have_pb ? pb.measure : 30;
	if ((db = store_open(crm_db_path(o->c.db), STORE_RO)) == NULL)
		goto done;
	if (store_zone(db) != 0)
		goto done;
	/* "today" is the shop's today: read the day again in its zone. */
	asof = crm_common_asof(&o->c, synopsis);
	asof_check(db, asof, o->c.lost_after, "--as-of");
	x.rv.pb = &pb;
	x.rv.lim.min_claim = o->min_claim;
	x.rv.lim.min_use = o->min_use;
	if (pbres_gather(db, &pb, name, asof, days, &x.rv.lim.claims_known) !=
	    0)
		goto done;
	if (tout_start(&out, stdout, &o->c) != 0)
		goto done;
	started = 1;
	tout_title(&out, "Results%s%s as of %s: bought within %lld days",
	    name != NULL ? " of " : "", name != NULL ? name : "",
	    day_format(asof, dbuf), (long long)days);
	table_init(&x.t, &out);
	for (i = 0; i < pb_nresult_cols; i++)
		table_col(&x.t, pb_result_cols[i].name, pb_result_cols[i].label,
		    pb_result_cols[i].flags);
	if (pbres_groups(db, result_row, &x) != 0) {
		table_end(&x.t);
		goto done;
	}
	/* The table, then the review under it; in CSV the review's rows
	 * follow the others under the one header. */
	if (out.mode == TM_TABLE)
		table_end(&x.t);
	write_review(&x, &out);
	if (out.mode != TM_TABLE)
		table_end(&x.t);
	rc = crm_finish_stdout();
done:
	if (started && rc != 0)
		tout_abandon(&out);
	else if (started && tout_close(&out) != 0)
		rc = EXIT_DATA;
	pb_review_free(&x.rv);
	if (db != NULL)
		store_close(db);
	if (have_pb)
		playbook_free(&pb);
	return rc;
}

/* ==== main ==== */

int
main(int argc, char *argv[])
{
	struct opts o;
	const char *cmd;
	int ch;

	crm_init(argv[0]);
	memset(&o, 0, sizeof(o));
	crm_common_init(&o.c);
	o.min_claim = 20;
	o.min_use = 50;
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0))
		crm_help(synopsis, help);
	if (argc >= 2 && (strcmp(argv[1], "-V") == 0 ||
	    strcmp(argv[1], "--version") == 0))
		crm_version();
	if (argc < 2)
		crm_usage_error(synopsis, "no command (check, run or results)");
	cmd = argv[1];
	if (strcmp(cmd, "check") != 0 && strcmp(cmd, "run") != 0 &&
	    strcmp(cmd, "results") != 0)
		crm_usage_error(synopsis, "unknown command '%s'", cmd);
	argc--;
	argv++;
	while ((ch = getopt_long(argc, argv, "hnqTV", longopts, NULL)) != -1) {
		if (crm_common_opt(&o.c, ch, optarg, synopsis, help))
			continue;
		switch (ch) {
		case 'a':
			o.date = optarg;
			break;
		case 'L':
			o.columns = optarg;
			break;
		case 'C':
			if (crm_parse_int(optarg, 0, 100, &o.min_claim) != 0)
				crm_usage_error(synopsis, "--min-claim-rate is "
				    "a percent from 0 to 100: '%s'", optarg);
			break;
		case 'N':
			if (crm_parse_int(optarg, 1, 3650, &o.days) != 0)
				crm_usage_error(synopsis, "--days is a number "
				    "of days from 1 to 3650: '%s'", optarg);
			break;
		case 'n':
			o.dry_run = 1;
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'U':
			if (crm_parse_int(optarg, 0, 100, &o.min_use) != 0)
				crm_usage_error(synopsis, "--min-use-rate is "
				    "a percent from 0 to 100: '%s'", optarg);
			break;
		default:
			crm_usage_error(synopsis, NULL);
		}
	}
	argc -= optind;
	argv += optind;
	o.delim = o.c.out_mode == TM_TSV ? '\t' : ',';
	if (strcmp(cmd, "check") == 0) {
		if (o.c.out_mode == TM_XLSX || o.c.out_mode == TM_EXCEL ||
		    o.c.out_cp950)
			crm_usage_error(synopsis, "check writes no rows: "
			    "--xlsx, --excel and --encoding are for run and "
			    "results");
		return cmd_check(argc, argv);
	}
	if (strcmp(cmd, "run") == 0) {
		if (o.c.as_of != NULL || o.days != 0 ||
		    o.c.out_mode == TM_TABLE || o.c.out_mode == TM_CSV)
			crm_usage_error(synopsis, "--as-of, --days, --table "
			    "and --csv are for results");
		return cmd_run(argc, argv, &o);
	}
	if (o.date != NULL || o.dry_run || o.c.lost_after != 0 ||
	    o.columns != NULL)
		crm_usage_error(synopsis, "--columns, --date, --dry-run and "
		    "--lost-after are for run");
	return cmd_results(argc, argv, &o);
}
