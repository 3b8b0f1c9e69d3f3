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
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "playbook/run.h"
#include "segexpr.h"
#include "table.h"

static const char synopsis[] =
"usage: crm-playbook check file\n"
"       crm-playbook run [-nqT] [--date date] [--db path]\n"
"                        [--lost-after days] file\n"
"       crm-playbook results [-T] [--as-of date] [--days n] [--db path]\n"
"                        [--min-claim-rate pct] [--min-use-rate pct]\n"
"                        [file]\n";

static const char help[] =
"check validates a playbook file.  run writes the contacts due on a day\n"
"as CSV and records them in the store (a customer list on stdin narrows\n"
"the audiences).  results compares each step's treatment group with its\n"
"holdout, per step, per coupon and per audience.\n"
"\n"
"Options:\n"
"      --as-of DATE      results: count what happened by DATE\n"
"                        [default: today]\n"
"      --date DATE       run: the day to run for [default: today]\n"
"      --days N          results: bought within N days of the contact\n"
"                        [default: the playbook's measure, else 30]\n"
"      --db PATH         the store [default: $CRM_DB, else ./crm.db]\n"
"      --lost-after DAYS run: the lost threshold [default: 3 x the\n"
"                        repurchase cycle]\n"
"      --min-claim-rate P  results: advise below P% claimed [default: 20]\n"
"      --min-use-rate P  results: advise below P% of claims used\n"
"                        [default: 50]\n"
"  -n, --dry-run         run: write the list, record nothing\n"
"  -q, --quiet           no summary on stderr\n"
"  -T, --out-tab         write TSV instead of CSV\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n"
"\n"
"The playbook file format is in crm-playbook(1).\n";

static const struct option longopts[] = {
	CRM_LONGOPT_ASOF,
	{ "date",		required_argument,	NULL,	'a' },
	{ "days",		required_argument,	NULL,	'N' },
	CRM_LONGOPT_DB,
	{ "dry-run",		no_argument,		NULL,	'n' },
	CRM_LONGOPT_HELP,
	CRM_LONGOPT_LOST_AFTER,
	{ "min-claim-rate",	required_argument,	NULL,	'C' },
	{ "min-use-rate",	required_argument,	NULL,	'U' },
	CRM_LONGOPT_TSV,
	{ "quiet",		no_argument,		NULL,	'q' },
	CRM_LONGOPT_VERSION,
	{ NULL,			0,			NULL,	0 }
};

struct opts {
	struct crm_common c;		/* --db, --as-of, --lost-after, -T */
	const char *date;		/* --date */
	long long days;			/* --days, or 0 */
	long long min_claim;		/* --min-claim-rate, percent */
	long long min_use;		/* --min-use-rate, percent */
	int	 dry_run;
	int	 quiet;
	int	 delim;			/* ',' or '\t' */
};

/* ==== Helpers ==== */

/* Reads and checks a playbook; prints the error and returns -1. */
static int
load(const char *path, struct playbook *pb)
{
	struct buf e = { 0 };
	FILE *fp;
	int rc;

	if (strcmp(path, "-") == 0)
		fp = stdin;
	else if ((fp = fopen(path, "r")) == NULL) {
		warn("%s", path);
		return -1;
	}
	rc = playbook_read(fp, strcmp(path, "-") == 0 ? "stdin" : path, pb,
	    &e);
	if (rc != 0)
		warnx("%s", e.s);
	if (fp != stdin)
		fclose(fp);
	buf_free(&e);
	return rc;
}

/*
 * Compiles the segment audiences (when sel is NULL, only to check them).
 * Returns 0, or -1 after printing "FILE:LINE: error".
 */
static int
compile_segments(const struct playbook *pb, struct segexpr **sel)
{
	size_t i;

	for (i = 0; i < pb->nsteps; i++) {
		const struct pb_step *s = &pb->steps[i];
		struct buf e = { 0 };
		struct segexpr *x;

		if (s->aud != AUD_SEGMENT)
			continue;
		if ((x = segexpr_compile(s->segment, &e)) == NULL) {
			warnx("%s:%ld: bad segment expression:\n%s", pb->file,
			    s->aud_line, e.s != NULL ? e.s : "");
			buf_free(&e);
			return -1;
		}
		buf_free(&e);
		if (sel != NULL)
			sel[i] = x;
		else
			segexpr_free(x);
	}
	return 0;
}

static void
free_segments(const struct playbook *pb, struct segexpr **sel)
{
	size_t i;

	for (i = 0; i < pb->nsteps; i++)
		if (sel[i] != NULL) {
			segexpr_free(sel[i]);
			sel[i] = NULL;
		}
}

/* ==== check ==== */

static int
cmd_check(int argc, char **argv)
{
	struct playbook pb;
	int rc;

	if (argc != 1)
		crm_usage_error(synopsis, "check wants one playbook file");
	if (load(argv[0], &pb) != 0)
		return EXIT_DATA;
	rc = compile_segments(&pb, NULL) == 0 ? 0 : EXIT_DATA;
	playbook_free(&pb);
	return rc;
}

/* ==== run ==== */

/* Writes one contact of the run. */
static void
contact_row(void *arg, const struct pb_contact *k)
{
	const struct opts *o = arg;
	char money[32], money2[32], day[11], pct[8];
	const char *f[12];

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
	csv_row(stdout, o->delim, f, 12);
}

static int
cmd_run(int argc, char **argv, const struct opts *o)
{
	static const char *const hdr[] = {
		"customer_id", "name", "email", "phone", "channel", "step",
		"template", "coupon", "threshold", "discount", "expires",
		"group",
	};
	struct playbook pb;
	struct pb_counts c;
	sqlite3 *db = NULL;
	struct segexpr **seg = NULL;
	char dbuf[11];
	int64_t d, recorded;
	int rc = EXIT_DATA, open = 0;

	if (argc != 1)
		crm_usage_error(synopsis, "run wants one playbook file");
	if (strcmp(argv[0], "-") == 0)
		crm_usage_error(synopsis, "run reads the playbook from a file "
		    "(stdin is for a customer list)");
	d = crm_day_arg(synopsis, "--date", o->date ? o->date : "today");
	if (load(argv[0], &pb) != 0)
		return EXIT_DATA;
	seg = calloc(pb.nsteps, sizeof(*seg));
	if (seg == NULL)
		err(EXIT_DATA, NULL);
	if (compile_segments(&pb, seg) != 0)
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
			warnx("%s: %s: %lld due, %lld contacted, %lld held "
			    "out, %lld capped, %lld unreachable%s",
			    pb.file, day_format(d, dbuf), (long long)c.due,
			    (long long)c.treatment, (long long)c.holdout,
			    (long long)c.capped, (long long)c.unreachable,
			    o->dry_run ? " (dry run: nothing recorded)" : "");
	}
	csv_row(stdout, o->delim, hdr, sizeof(hdr) / sizeof(hdr[0]));
	if (pbrun_contacts(db, contact_row, (void *)o) != 0)
		goto done;
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
	free_segments(&pb, seg);
	free(seg);
	playbook_free(&pb);
	return rc;
}

/* ==== results ==== */

/* Formats a share with four decimals, never "-0.0000". */
static const char *
fmt_rate(double v, char *out, size_t n)
{
	snprintf(out, n, "%.4f", v);
	if (strcmp(out, "-0.0000") == 0)
		snprintf(out, n, "0.0000");
	return out;
}

/*
 * Prints one results row.  The uplift is the treatment's purchase rate
 * minus the holdout's; its 95% interval is the normal approximation for
 * a difference of two independent proportions,
 *   d +- 1.96 sqrt(pt (1 - pt) / nt + ph (1 - ph) / nh).
 */
struct rowctx {
	const struct opts *o;
	int	 claims_known;
	const char *by;			/* "step", "coupon", "audience" */
};

static void
result_row(void *arg, const char *playbook, const char *name,
    const struct pb_group *g)
{
	const struct rowctx *x = arg;
	const struct opts *o = x->o;
	int claims_known = x->claims_known;
	char num[12][32], rate[6][16], money[4][32];
	struct buf advice = { 0 };
	const char *f[21];
	double pt = 0, ph = 0, d = 0, se;
	int i, nouplift = 0;

	snprintf(num[0], 32, "%lld", (long long)g->contacted);
	snprintf(num[1], 32, "%lld", (long long)g->held_out);
	snprintf(num[2], 32, "%lld", (long long)g->claimed);
	snprintf(num[3], 32, "%lld", (long long)g->used);
	snprintf(num[4], 32, "%lld", (long long)g->bought);
	snprintf(num[5], 32, "%lld", (long long)g->hbought);
	for (i = 0; i < 6; i++)
		rate[i][0] = '\0';
	f[0] = playbook;
	f[1] = x->by;
	f[2] = name;
	f[3] = num[0];
	f[4] = num[1];
	f[5] = g->coupons > 0 ? num[2] : "";
	if (g->coupons > 0 && claims_known)
		fmt_rate((double)g->claimed / (double)g->coupons, rate[0], 16);
	f[6] = rate[0];
	f[7] = g->coupons > 0 ? num[3] : "";
	if (g->claimed > 0)
		fmt_rate((double)g->used / (double)g->claimed, rate[1], 16);
	f[8] = rate[1];
	f[9] = num[4];
	if (g->contacted > 0) {
		pt = (double)g->bought / (double)g->contacted;
		fmt_rate(pt, rate[2], 16);
	}
	f[10] = rate[2];
	f[11] = num[5];
	if (g->held_out > 0) {
		ph = (double)g->hbought / (double)g->held_out;
		fmt_rate(ph, rate[3], 16);
	}
	f[12] = rate[3];
	f[13] = f[14] = f[15] = "";
	if (g->contacted > 0 && g->held_out > 0) {
		d = pt - ph;
		se = sqrt(pt * (1 - pt) / (double)g->contacted +
		    ph * (1 - ph) / (double)g->held_out);
		f[13] = fmt_rate(d, num[6], 32);
		f[14] = fmt_rate(d - 1.96 * se, num[7], 32);
		f[15] = fmt_rate(d + 1.96 * se, num[8], 32);
		nouplift = d - 1.96 * se <= 0;
	}
	f[16] = money_format(g->revenue, money[0]);
	f[17] = money_format(g->hrevenue, money[1]);
	f[18] = g->coupons > 0 ? money_format(g->crevenue, money[2]) : "";
	f[19] = g->coupons > 0 ? money_format(g->cost, money[3]) : "";
	/* The coupon rules come first: they say what to change. */
	if (g->coupons > 0 && claims_known &&
	    g->claimed * 100 < o->min_claim * g->coupons)
		buf_adds(&advice, "low claim rate: raise the discount");
	if (g->claimed > 0 && g->used * 100 < o->min_use * g->claimed)
		buf_printf(&advice, "%sclaimed but not used: lower the "
		    "threshold", advice.len > 0 ? "; " : "");
	if (nouplift)
		buf_printf(&advice, "%sno uplift over the holdout: change or "
		    "stop the step", advice.len > 0 ? "; " : "");
	f[20] = advice.len > 0 ? advice.s : "";
	csv_row(stdout, o->delim, f, 21);
	buf_free(&advice);
}

static int
cmd_results(int argc, char **argv, const struct opts *o)
{
	static const char *const hdr[] = {
		"playbook", "by", "name", "contacted", "held_out", "claimed",
		"claim_rate", "used", "use_rate", "bought", "bought_rate",
		"holdout_bought", "holdout_rate", "uplift", "ci_low",
		"ci_high", "revenue", "holdout_revenue", "coupon_revenue",
		"discount_cost", "advice",
	};
	static const char *const by[] = {
		[PB_BY_STEP] = "step", [PB_BY_COUPON] = "coupon",
		[PB_BY_AUDIENCE] = "audience",
	};
	struct playbook pb;
	struct rowctx x;
	sqlite3 *db = NULL;
	const char *name = NULL;
	int64_t asof, days;
	int have_pb = 0, i, rc = EXIT_DATA;

	memset(&pb, 0, sizeof(pb));
	if (argc > 1)
		crm_usage_error(synopsis, "results wants at most one playbook "
		    "file");
	asof = crm_common_asof(&o->c, synopsis);
	if (argc == 1) {
		if (load(argv[0], &pb) != 0)
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
	x.o = o;
	if (pbres_gather(db, &pb, name, asof, days, &x.claims_known) != 0)
		goto done;
	csv_row(stdout, o->delim, hdr, sizeof(hdr) / sizeof(hdr[0]));
	/* Steps in the file's order (steps no longer in it after), then
	 * coupons and audiences by name. */
	for (i = PB_BY_STEP; i <= PB_BY_AUDIENCE; i++) {
		x.by = by[i];
		if (pbres_groups(db, i, result_row, &x) != 0)
			goto done;
	}
	rc = crm_finish_stdout();
done:
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
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc, argv);
	if (strcmp(cmd, "run") == 0) {
		if (o.c.as_of != NULL || o.days != 0)
			crm_usage_error(synopsis, "--as-of and --days are for "
			    "results");
		return cmd_run(argc, argv, &o);
	}
	if (o.date != NULL || o.dry_run || o.c.lost_after != 0)
		crm_usage_error(synopsis, "--date, --dry-run and --lost-after "
		    "are for run");
	return cmd_results(argc, argv, &o);
}
