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

#include "audience.h"
#include "crm.h"
#include "playbook/review.h"
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

/* What contact_row() needs: the options and --columns. */
struct runout {
	const struct opts *o;
	struct audience_lookup *cols;	/* --columns, or NULL */
	struct buf line;
	struct table *t;		/* a spreadsheet's rows, or NULL */
	int	 failed;
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
	fwrite(x->line.s, 1, x->line.len, stdout);
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
	ao.asof = d;
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

/* Minor units (a mean, not whole) as an amount, rounded. */
static const char *
fmt_mean_money(double minor, char out[32])
{
	return money_format((int64_t)llround(minor), out);
}

/* Percentage points with one decimal and a sign: "+4.4", never "-0.0". */
static const char *
fmt_points(double v, char *out, size_t n)
{
	snprintf(out, n, "%+.1f", v * 100);
	if (strcmp(out, "-0.0") == 0)
		snprintf(out, n, "+0.0");
	return out;
}

/* "+4.4 [-23.4, +7.0]": a difference and its interval, in points. */
static const char *
fmt_diff(double d, double lo, double hi, char *out, size_t n)
{
	char a[16], b[16], c[16];

	snprintf(out, n, "%s [%s, %s]", fmt_points(d, a, sizeof(a)),
	    fmt_points(lo, b, sizeof(b)), fmt_points(hi, c, sizeof(c)));
	return out;
}

/* One line of the review, kept until every row is out. */
struct review {
	char	*playbook;
	char	*step;
	char	*text;
};

/* The one change to try next, per playbook: the seeds' rules. */
struct nextchange {
	char	*playbook;
	char	*step;
	int	 rule;			/* 1 raise the discount, 2 lower the
					 * threshold; 0 none yet */
	int64_t	 contacted;
	double	 rate;
	int64_t	 measuring;		/* the playbook's open windows */
};

struct rowctx {
	const struct opts *o;
	const struct playbook *pb;	/* the file's steps, or none */
	struct pb_limits lim;
	struct table t;
	struct review *rv;
	size_t	 nrv;
	struct nextchange *nx;
	size_t	 nnx;
};

static const char *const by_name[] = {
	[PB_BY_STEP] = "step", [PB_BY_VARIANT] = "variant",
	[PB_BY_VERSUS] = "versus", [PB_BY_COUPON] = "coupon",
	[PB_BY_AUDIENCE] = "audience",
};

static void
review_add(struct rowctx *x, const char *playbook, const char *step,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
review_add(struct rowctx *x, const char *playbook, const char *step,
    const char *fmt, ...)
{
	struct review *r;
	struct buf b = { 0 };
	va_list ap;
	char line[512];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	buf_adds(&b, line);
	x->rv = xrealloc(x->rv, (x->nrv + 1) * sizeof(*x->rv));
	r = &x->rv[x->nrv++];
	r->playbook = xstrdup(playbook);
	r->step = xstrdup(step);
	r->text = b.s;
}

/* The seeds' rules, one candidate per playbook: a low claim rate first
 * (nothing unclaimed can be used), then unused claims; of one rule, the
 * step with the most contacts. */
static void
next_consider(struct rowctx *x, const char *playbook, const char *step,
    const struct pb_group *g, const struct pb_eval *e)
{
	struct nextchange *n = NULL;
	size_t i;
	int rule = e->low_claim ? 1 : e->low_use ? 2 : 0;

	for (i = 0; i < x->nnx; i++)
		if (strcmp(x->nx[i].playbook, playbook) == 0)
			n = &x->nx[i];
	if (n == NULL) {
		x->nx = xrealloc(x->nx, (x->nnx + 1) * sizeof(*x->nx));
		n = &x->nx[x->nnx++];
		memset(n, 0, sizeof(*n));
		n->playbook = xstrdup(playbook);
	}
	n->measuring += g->measuring;
	if (rule == 0 || (n->rule != 0 && (n->rule < rule ||
	    (n->rule == rule && n->contacted >= g->contacted))))
		return;
	free(n->step);
	n->step = xstrdup(step);
	n->rule = rule;
	n->contacted = g->contacted;
	n->rate = rule == 1 ? (double)g->claimed / (double)g->coupons :
	    (double)g->used / (double)g->claimed;
}

/* What a row needs, as words: "480 more contacted and 55 more held out". */
static const char *
fmt_needs(const struct pb_eval *e, const char *first, const char *second,
    char *out, size_t n)
{
	if (e->need > 0 && e->hneed > 0)
		snprintf(out, n, "%lld more %s and %lld more %s",
		    (long long)e->need, first, (long long)e->hneed, second);
	else if (e->need > 0)
		snprintf(out, n, "%lld more %s", (long long)e->need, first);
	else
		snprintf(out, n, "%lld more %s", (long long)e->hneed, second);
	return out;
}

/*
 * The winner of a pair "STEP/A vs B" (A when the interval lies above 0,
 * B when below) into out, or NULL.
 */
static const char *
winner(const char *name, const struct pb_eval *e, char *out, size_t n)
{
	const char *a = strrchr(name, '/'), *vs = strstr(name, " vs ");

	if (a == NULL || vs == NULL || vs < a)
		return NULL;
	if (e->verdict == PV_WORKS)
		snprintf(out, n, "%.*s", (int)(vs - a - 1), a + 1);
	else if (e->verdict == PV_HURTS)
		snprintf(out, n, "%s", vs + 4);
	else
		return NULL;
	return out;
}

/* 1 when the row is a step of the file with no holdout share. */
static int
no_holdout(const struct rowctx *x, enum pb_by by, const char *name)
{
	const struct pb_step *s;

	return by == PB_BY_STEP && (s = playbook_step(x->pb, name)) != NULL &&
	    s->holdout == 0;
}

/* The advice column, and the review's line for a step or a pair. */
static void
advise(struct rowctx *x, const char *playbook, enum pb_by by,
    const char *name, const struct pb_group *g, const struct pb_eval *e,
    struct buf *advice)
{
	char d[64], need[96], win[80];
	const char *sep = "", *w;
	int pts = (int)(PB_DETECT * 100 + 0.5), versus = by == PB_BY_VERSUS;

	if (e->low_claim) {
		buf_adds(advice, "low claim rate: raise the discount");
		sep = "; ";
	}
	if (e->low_use) {
		buf_printf(advice, "%sclaimed but not used: lower the "
		    "threshold", sep);
		sep = "; ";
	}
	d[0] = need[0] = '\0';
	if (e->has_d)
		fmt_diff(e->d, e->lo, e->hi, d, sizeof(d));
	if (e->verdict == PV_TOOSMALL)
		fmt_needs(e, versus ? "for the first" : "contacted",
		    versus ? "for the second" : "held out", need,
		    sizeof(need));
	w = versus ? winner(name, e, win, sizeof(win)) : NULL;
	switch (e->verdict) {
	case PV_WORKS:
	case PV_HURTS:
		if (versus)
			buf_printf(advice, "%s%s wins", sep, w);
		else if (e->verdict == PV_WORKS)
			buf_printf(advice, "%sworks: keep it", sep);
		else
			buf_printf(advice, "%sfewer buy than in the holdout: "
			    "stop the step", sep);
		break;
	case PV_NOUPLIFT:
		buf_printf(advice, "%sno difference of %d points: %s", sep,
		    pts, versus ? "keep the cheaper" :
		    "change or stop the step");
		break;
	case PV_TOOSMALL:
		buf_printf(advice, "%stoo small to tell: %s would show %d "
		    "points", sep, need, pts);
		break;
	case PV_NONE:
		if (!versus && g->contacted > 0 && g->held_out == 0)
			buf_printf(advice, "%s%s: cannot tell", sep,
			    no_holdout(x, by, name) ? "no holdout" :
			    "nobody held out yet");
		break;
	}
	if (by != PB_BY_STEP && !versus)
		return;

	/* The review: steps and pairs of variants only. */
	if (by == PB_BY_STEP)
		next_consider(x, playbook, name, g, e);
	switch (e->verdict) {
	case PV_WORKS:
	case PV_HURTS:
		if (versus)
			review_add(x, playbook, name, "%s: %s wins (%s points "
			    "bought, first less second)", name, w, d);
		else if (e->verdict == PV_WORKS)
			review_add(x, playbook, name, "%s works: %s points "
			    "bought over the holdout", name, d);
		else
			review_add(x, playbook, name, "%s does harm: %s points "
			    "bought against the holdout; stop it", name, d);
		break;
	case PV_NOUPLIFT:
		review_add(x, playbook, name, "%s: no difference of %d points "
		    "(%s): %s", name, pts, d, versus ? "keep the cheaper" :
		    "change or stop it");
		break;
	case PV_TOOSMALL:
		if (versus)
			review_add(x, playbook, name, "%s cannot be judged yet "
			    "(%s): %s would show %d points", name, d, need,
			    pts);
		else
			review_add(x, playbook, name, "%s cannot be judged yet "
			    "(%s): %s would show %d points (with a 50%% "
			    "holdout, %lld in each group)", name, d, need, pts,
			    (long long)e->even);
		break;
	case PV_NONE:
		if (versus)
			break;
		if (g->contacted > 0 && g->held_out == 0 &&
		    no_holdout(x, by, name))
			review_add(x, playbook, name, "%s cannot be judged: "
			    "it has no holdout (give it one, like 10%%)", name);
		else if (g->contacted > 0 && g->held_out == 0)
			review_add(x, playbook, name, "%s cannot be judged "
			    "yet: nobody held out so far", name);
		else if (g->held_out > 0 && g->contacted == 0)
			review_add(x, playbook, name, "%s cannot be judged "
			    "yet: nobody contacted so far", name);
		else if (g->measuring > 0)
			review_add(x, playbook, name, "%s cannot be judged "
			    "yet: every contact is still measuring", name);
		break;
	}
}

/* FNV-1a of the row's name: each row's bootstrap has a seed of its own
 * that does not hang on the rows before it. */
static uint64_t
row_seed(const char *playbook, enum pb_by by, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	const char *s;

	for (s = playbook; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	h = (h ^ (unsigned)by) * 0x100000001b3ULL;
	for (s = name; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* A rate cell: four decimals as CSV, a percent in the table. */
static void
cell_rate(struct table *t, int have, int64_t k, int64_t n)
{
	char csv[16], tty[16];

	if (!have || n <= 0) {
		table_null(t);
		return;
	}
	table_cell(t, fmt_rate((double)k / (double)n, csv, sizeof(csv)),
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
	table_cell(t, fmt_rate(d, a, sizeof(a)), fmt_diff(d, lo, hi, tty,
	    sizeof(tty)), 0);
	table_cell(t, fmt_rate(lo, b, sizeof(b)), "", 0);
	table_cell(t, fmt_rate(hi, c, sizeof(c)), "", 0);
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

	pb_evaluate(g, by, &x->lim, row_seed(playbook, by, name), &e);
	advise(x, playbook, by, name, g, &e, &advice);
	table_str(t, playbook);
	table_str(t, by_name[by]);
	table_str(t, name);
	table_int(t, g->measuring);
	table_int(t, g->contacted);
	table_int(t, g->held_out);
	if (g->coupons > 0)
		table_int(t, g->claimed);
	else
		table_null(t);
	cell_rate(t, x->lim.claims_known, g->claimed, g->coupons);
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
		    fmt_mean_money(e.rd, a), fmt_mean_money(e.rlo, b),
		    fmt_mean_money(e.rhi, c));
		table_cell(t, a, tty, 0);
		table_cell(t, b, "", 0);
		table_cell(t, c, "", 0);
	} else {
		if (e.has_rev)
			table_str(t, fmt_mean_money(e.rd, a));
		else
			table_null(t);
		table_null(t);
		table_null(t);
	}
	cell_money(t, coupons && by != PB_BY_VERSUS, g->crevenue);
	cell_money(t, coupons && by != PB_BY_VERSUS, g->cost);
	cell_diff(t, e.has_claim, e.cd, e.clo, e.chi);
	cell_diff(t, e.has_use, e.ud, e.ulo, e.uhi);
	if (by == PB_BY_VERSUS && winner(name, &e, tty, sizeof(tty)) != NULL)
		table_str(t, tty);
	else
		table_null(t);
	table_str(t, advice.len > 0 ? advice.s : "");
	table_endrow(t);
	buf_free(&advice);
}
/* The columns of results: CSV name, table heading, flags. */
static const struct {
	const char *name, *label;
	int	 flags;
} res_cols[] = {
	{ "playbook", NULL, TC_LEFT | TC_OPTIONAL },
	{ "by", NULL, TC_LEFT },
	{ "name", NULL, TC_LEFT },
	{ "measuring", "still measuring", 0 },
	{ "contacted", NULL, 0 },
	{ "held_out", "held out", 0 },
	{ "claimed", NULL, TC_CSVONLY },
	{ "claim_rate", "claimed", TC_OPTIONAL },
	{ "used", NULL, TC_CSVONLY },
	{ "use_rate", "used", TC_OPTIONAL },
	{ "bought", NULL, TC_CSVONLY },
	{ "bought_rate", "bought", 0 },
	{ "holdout_bought", NULL, TC_CSVONLY },
	{ "holdout_rate", "held out bought", 0 },
	{ "uplift", "uplift, points [95%]", 0 },
	{ "ci_low", NULL, TC_CSVONLY },
	{ "ci_high", NULL, TC_CSVONLY },
	{ "revenue", NULL, TC_OPTIONAL },
	{ "holdout_revenue", "held out revenue", TC_OPTIONAL },
	{ "revenue_uplift", "revenue per contact [95%]", TC_OPTIONAL },
	{ "revenue_ci_low", NULL, TC_CSVONLY },
	{ "revenue_ci_high", NULL, TC_CSVONLY },
	{ "coupon_revenue", "coupon revenue", TC_OPTIONAL },
	{ "discount_cost", "discount", TC_OPTIONAL },
	{ "claim_uplift", "claimed, points", TC_OPTIONAL },
	{ "claim_ci_low", NULL, TC_CSVONLY },
	{ "claim_ci_high", NULL, TC_CSVONLY },
	{ "use_uplift", "used, points", TC_OPTIONAL },
	{ "use_ci_low", NULL, TC_CSVONLY },
	{ "use_ci_high", NULL, TC_CSVONLY },
	{ "winner", NULL, 0 },
	{ "advice", NULL, TC_LEFT | TC_SHRINK },
};

#define NRES_COLS	(sizeof(res_cols) / sizeof(res_cols[0]))

/*
 * The review ends the output: per playbook, each step's verdict, the
 * pairs of variants, what is still measuring and the one change to try
 * next.  As rows (by "review") in CSV, as lines under a heading in the
 * table.
 */
static void
write_review(struct rowctx *x, struct tout *out)
{
	const char *last = NULL;
	size_t i, j;
	char rate[16];

	for (i = 0; i < x->nnx; i++) {
		struct nextchange *c = &x->nx[i];

		if (c->rule == 1)
			review_add(x, c->playbook, c->step, "try next: raise "
			    "the discount of %s (claim rate %s, below %lld%%), "
			    "as a variant beside the present one", c->step,
			    fmt_rate(c->rate, rate, sizeof(rate)),
			    (long long)x->o->min_claim);
		else if (c->rule == 2)
			review_add(x, c->playbook, c->step, "try next: lower "
			    "the threshold of %s (use rate %s, below %lld%%), "
			    "as a variant beside the present one", c->step,
			    fmt_rate(c->rate, rate, sizeof(rate)),
			    (long long)x->o->min_use);
		else
			review_add(x, c->playbook, "", "try next: nothing "
			    "yet: no coupon is surely below the claim or use "
			    "limits");
	}
	for (i = 0; i < x->nnx; i++)
		if (x->nx[i].measuring > 0)
			review_add(x, x->nx[i].playbook, "", "still measuring: "
			    "%lld contact%s whose window has not closed",
			    (long long)x->nx[i].measuring,
			    x->nx[i].measuring == 1 ? "" : "s");
	for (i = 0; i < x->nrv; i++) {
		struct review *r = &x->rv[i];

		if (out->mode != TM_TABLE) {
			table_str(&x->t, r->playbook);
			table_str(&x->t, "review");
			table_str(&x->t, r->step);
			for (j = 3; j + 1 < NRES_COLS; j++)
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

static void
free_review(struct rowctx *x)
{
	size_t i;

	for (i = 0; i < x->nrv; i++) {
		free(x->rv[i].playbook);
		free(x->rv[i].step);
		free(x->rv[i].text);
	}
	for (i = 0; i < x->nnx; i++) {
		free(x->nx[i].playbook);
		free(x->nx[i].step);
	}
	free(x->rv);
	free(x->nx);
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
	x.o = o;
	x.pb = &pb;
	x.lim.min_claim = o->min_claim;
	x.lim.min_use = o->min_use;
	if (pbres_gather(db, &pb, name, asof, days, &x.lim.claims_known) != 0)
		goto done;
	if (tout_start(&out, stdout, &o->c) != 0)
		goto done;
	started = 1;
	tout_title(&out, "Results%s%s as of %s: bought within %lld days",
	    name != NULL ? " of " : "", name != NULL ? name : "",
	    day_format(asof, dbuf), (long long)days);
	table_init(&x.t, &out);
	for (i = 0; i < NRES_COLS; i++)
		table_col(&x.t, res_cols[i].name, res_cols[i].label,
		    res_cols[i].flags);
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
	free_review(&x);
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
