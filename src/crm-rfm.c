/*
 * crm-rfm: RFM scores and named segments for every customer who has
 * bought, as of a day, from the per-customer aggregates.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "crm.h"
#include "rfm.h"
#include "table.h"

static const char synopsis[] =
"usage: crm-rfm [-hTV] [--as-of date] [--bins n] [--columns list]\n"
"               [--db path] [--encoding big5] [--excel] [--segments file]\n"
"               [--summary] [--table | --csv] [--within] [--xlsx file]\n";

static const char help[] =
"Prints one row per customer who has bought: customer_id, recency_days,\n"
"frequency, monetary, r, f, m, rfm, segment.  A customer list on stdin\n"
"(by customer_id, account, phone or email) narrows the output; scores\n"
"are still computed over all customers unless --within is given.\n"
"\n"
"Options:\n"
"      --as-of DATE      compute as of this day [default: today]\n"
"      --bins N          scores 1..N [default: 5]\n"
"      --columns LIST    more columns, by comma, or a preset (mail, sms,\n"
"                        plain): the columns of crm(7)\n"
"      --db PATH         the store [default: $CRM_DB, else ./crm.db]\n"
"      --encoding big5   CSV in Big5 (CP950) for older tools\n"
"      --excel           CSV for Excel: byte order mark, CRLF, formulas\n"
"                        made inert, phones and codes kept as text\n"
"      --segments FILE   the segment table (lines 'R F M NAME', first\n"
"                        match wins) [default: the usual ten]\n"
"      --summary         per segment: customers, share, orders, revenue,\n"
"                        average order value (a table on a terminal)\n"
"      --table, --csv    --summary as a table, or as CSV [default: a\n"
"                        table on a terminal, else CSV]\n"
"      --within          score only the customers listed on stdin\n"
"      --xlsx FILE       write a workbook: amounts and counts as numbers,\n"
"                        codes and phones as text, days as dates\n"
"  -T, --tsv, --out-tab  write TSV instead of CSV\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n"
"\n"
"Scores keep ties together: see crm-rfm(1).\n";

/* A row of the summary. */
struct seg {
	char	*name;			/* segment */
	struct buf field;		/* the name as a CSV/TSV field */
	int64_t	 customers, orders, revenue;
	int	 seen;			/* had customers */
};

/* The segments of a table, a row per name. */
struct segs {
	struct seg *v;			/* the rules' names, then Others */
	size_t	 n;
	size_t	*of;			/* a rule's row ([rules->n]: Others) */
	const struct rfm_rules *rules;
};

/*
 * The rows in the order of the table, a name two rules share once, at
 * its first; each name quoted once rather than once per customer.
 */
static void
segs_init(struct segs *s, const struct rfm_rules *rules, int delim)
{
	size_t i, j;

	s->rules = rules;
	s->n = rules->n + 1;
	s->v = xmalloc(s->n * sizeof(s->v[0]));
	memset(s->v, 0, s->n * sizeof(s->v[0]));
	s->of = xmalloc(s->n * sizeof(s->of[0]));
	for (i = 0; i < s->n; i++) {
		s->v[i].name = i < rules->n ? rules->v[i].name : "Others";
		buf_add_field(&s->v[i].field, delim, s->v[i].name);
		s->v[i].seen = 1;
		s->of[i] = i;
		for (j = 0; j < i && s->v[i].seen; j++)
			if (strcmp(s->v[j].name, s->v[i].name) == 0) {
				s->v[i].seen = 0;
				s->of[i] = j;
			}
	}
}

static void
segs_free(struct segs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		buf_free(&s->v[i].field);
	free(s->v);
	free(s->of);
}

/* The row of scores r, f, m. */
static struct seg *
segs_of(const struct segs *s, int r, int f, int m)
{
	return &s->v[s->of[rfm_rule_of(s->rules, r, f, m)]];
}

/* rfm_tally_fn: customers with scores r, f, m into their segment. */
static void
tally(void *arg, int r, int f, int m, int64_t customers, int64_t purchases,
    int64_t spent)
{
	struct seg *g = segs_of(arg, r, f, m);

	g->customers += customers;
	g->orders += purchases;
	money_add(&g->revenue, spent);
}

/* Average order value, rounded to the nearest minor unit. */
static int64_t
aov(int64_t revenue, int64_t orders)
{
	if (orders <= 0)
		return 0;
	if (revenue >= 0)
		return (revenue + orders / 2) / orders;
	return -((-revenue + orders / 2) / orders);
}

/*
 * --summary: segments in the order of the table (a name two rules share
 * once, at its first), then Others, each whether or not anyone is in
 * it; share of the customers listed as a fraction in CSV, a per cent
 * on the terminal (crm(7)).
 */
static void
put_summary(struct seg *v, size_t n, int mode, struct buf *row,
    struct table *sheet)
{
	struct tout o;
	struct table t;
	int64_t total = 0;
	size_t i;

	for (i = 0; i < n; i++)
		total += v[i].customers;
	if (sheet != NULL) {	/* a spreadsheet: the same, typed */
		static const char *const hdr[] = { "segment", "customers",
		    "share", "orders", "revenue", "aov" };

		for (i = 0; i < 6; i++)
			table_col(sheet, hdr[i], NULL, i == 0 ? TC_LEFT : 0);
		for (i = 0; i < n; i++) {
			if (!v[i].seen)
				continue;
			buf_reset(row);
			table_str(sheet, v[i].name);
			table_int(sheet, v[i].customers);
			buf_add_share(row, v[i].customers, total);
			table_cell(sheet, row->s, row->s, 0);
			table_int(sheet, v[i].orders);
			table_money(sheet, v[i].revenue);
			table_money(sheet, aov(v[i].revenue, v[i].orders));
			table_endrow(sheet);
		}
		return;
	}
	tout_init(&o, stdout, mode);
	tout_title(&o, "Customers per RFM segment");
	table_init(&t, &o);
	table_col(&t, "segment", NULL, TC_LEFT | TC_SHRINK);
	table_col(&t, "customers", NULL, 0);
	table_col(&t, "share", NULL, 0);
	table_col(&t, "bar", "", TC_BAR | TC_OPTIONAL);
	table_col(&t, "orders", NULL, 0);
	table_col(&t, "revenue", NULL, 0);
	table_col(&t, "aov", "AOV", 0);
	for (i = 0; i < n; i++) {
		if (!v[i].seen)
			continue;
		table_str(&t, v[i].name);
		table_int(&t, v[i].customers);
		table_share(&t, v[i].customers, total);
		table_cell(&t, "", "", (double)v[i].customers);
		table_int(&t, v[i].orders);
		table_money(&t, v[i].revenue);
		table_money(&t, aov(v[i].revenue, v[i].orders));
		table_endrow(&t);
	}
	table_end(&t);
}

/*
 * --summary: the scored customers' sums per segment, in one or two
 * passes that keep nothing per customer (rfm_tally); a list scored over
 * every customer (not --within) first needs the exact break points.
 */
static int
summary(sqlite3 *db, struct rfm_breaks *b, int bins,
    const struct rfm_rules *rules, int list, int within, int mode,
    struct table *t)
{
	struct segs s;
	struct rfm_reader *rd;
	struct rfm_cust cu;
	struct buf row = { 0 };
	int rc = -1;

	segs_init(&s, rules, ',');
	if (list && !within) {
		if (rfm_breaks(db, bins, NULL, b) != 0 ||
		    (rd = rfm_read_open(db, "custlist")) == NULL)
			goto done;
		while ((rc = rfm_read(rd, &cu)) == 1)
			tally(&s, rfm_score(b, RFM_R, cu.last_day),
			    rfm_score(b, RFM_F, cu.purchases),
			    rfm_score(b, RFM_M, cu.spent), 1, cu.purchases,
			    cu.spent);
		rfm_read_close(rd);
	} else
		rc = rfm_tally(db, bins, within ? "custlist" : NULL, b, tally,
		    &s);
	if (rc == 0)
		put_summary(s.v, s.n, mode, &row, t);
done:
	segs_free(&s);
	buf_free(&row);
	return rc == 0 ? 0 : -1;
}

/*
 * One pass over the customers in customer_id order: scores from the
 * break points, the segment from the table, a row out.  Nothing is kept
 * per customer; each row is built in one buffer and written with one
 * fwrite (printf costs a fifth of the time), or, for a spreadsheet (t
 * set), given to table t as typed cells.
 */
static int
run(sqlite3 *db, const struct rfm_breaks *b, const struct rfm_rules *rules,
    int64_t asof, const char *only, int delim,
    struct audience_lookup *cols, const struct audience_out *co,
    struct table *t)
{
	static const char *const hdr[] = { "customer_id", "recency_days",
	    "frequency", "monetary", "r", "f", "m", "rfm", "segment" };
	struct segs s;
	struct seg *g;
	struct rfm_reader *rd;
	struct rfm_cust cu;
	struct buf row = { 0 };
	char code[24];
	size_t i;
	int r, f, m, rc;

	segs_init(&s, rules, delim);
	rc = -1;
	if ((rd = rfm_read_open(db, only)) == NULL)
		goto done;
	if (t != NULL) {
		for (i = 0; i < 9; i++)
			table_col(t, hdr[i], NULL, i >= 7 ? TC_LEFT : 0);
		if (cols != NULL && audience_table_cols(co, t) != 0) {
			rfm_read_close(rd);
			goto done;
		}
	} else {
		for (i = 0; i < 9; i++) {
			if (i > 0)
				buf_addc(&row, (char)delim);
			buf_adds(&row, hdr[i]);
		}
		if (cols != NULL)
			audience_header(co, &row);
		buf_addc(&row, '\n');
		fwrite(row.s, 1, row.len, stdout);
	}
	while ((rc = rfm_read(rd, &cu)) == 1) {
		r = rfm_score(b, RFM_R, cu.last_day);
		f = rfm_score(b, RFM_F, cu.purchases);
		m = rfm_score(b, RFM_M, cu.spent);
		g = segs_of(&s, r, f, m);
		if (t != NULL) {	/* the id as text, as ids are */
			snprintf(code, sizeof(code), "%lld", (long long)cu.id);
			table_str(t, code);
			table_int(t, asof - cu.last_day);
			table_int(t, cu.purchases);
			table_money(t, cu.spent);
			table_int(t, r);
			table_int(t, f);
			table_int(t, m);
			table_str(t, rfm_code(b->bins, r, f, m, code));
			table_str(t, g->name);
			if (cols != NULL && audience_lookup_cells(cols, cu.id,
			    t) != 0)
				break;
			table_endrow(t);
			continue;
		}
		buf_reset(&row);
		buf_add_dec(&row, cu.id);
		buf_addc(&row, (char)delim);
		buf_add_dec(&row, asof - cu.last_day);
		buf_addc(&row, (char)delim);
		buf_add_dec(&row, cu.purchases);
		buf_addc(&row, (char)delim);
		buf_add_money(&row, cu.spent);
		buf_addc(&row, (char)delim);
		buf_add_dec(&row, r);
		buf_addc(&row, (char)delim);
		buf_add_dec(&row, f);
		buf_addc(&row, (char)delim);
		buf_add_dec(&row, m);
		buf_addc(&row, (char)delim);
		buf_adds(&row, rfm_code(b->bins, r, f, m, code));
		buf_addc(&row, (char)delim);
		buf_add(&row, g->field.s, g->field.len);
		if (cols != NULL && audience_lookup_row(cols, cu.id, &row) != 0)
			break;
		buf_addc(&row, '\n');
		fwrite(row.s, 1, row.len, stdout);
		if (ferror(stdout))
			break;
	}
	rfm_read_close(rd);
done:
	segs_free(&s);
	buf_free(&row);
	return rc == 0 || ferror(stdout) ? 0 : -1;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CRM_LONGOPT_ASOF,
		{ "bins",	required_argument,	NULL, 'B' },
		{ "columns",	required_argument,	NULL, 'C' },
		CRM_LONGOPT_DB,
		CRM_LONGOPT_OUT_ENCODING,
		CRM_LONGOPT_EXCEL,
		CRM_LONGOPT_HELP,
		CRM_LONGOPT_TABLE,
		CRM_LONGOPT_CSV,
		CRM_LONGOPT_TSV,
		{ "segments",	required_argument,	NULL, 'S' },
		{ "summary",	no_argument,		NULL, 'U' },
		CRM_LONGOPT_VERSION,
		{ "within",	no_argument,		NULL, 'W' },
		CRM_LONGOPT_XLSX,
		{ NULL,		0,			NULL, 0 }
	};
	static struct rfm_breaks breaks;
	struct audience_out out;
	struct audience_lookup *cols = NULL;
	struct crm_common co;
	struct tout tout;
	struct table t;
	struct rfm_rules *rules = NULL;
	const char *seg_file = NULL, *col_list = NULL;
	sqlite3 *db = NULL;
	long long bins = 5;
	int64_t asof;
	int ch, do_summary = 0, within = 0, list, sheet = 0, rc = EXIT_DATA;

	crm_init(argv[0]);
	crm_common_init(&co);
	while ((ch = getopt_long(argc, argv, "hTV", longopts, NULL)) != -1) {
		if (crm_common_opt(&co, ch, optarg, synopsis, help))
			continue;
		switch (ch) {
		case 'B':
			if (crm_parse_int(optarg, 1, RFM_BINS_MAX, &bins) != 0)
				crm_usage_error(synopsis, "--bins must be a "
				    "number from 1 to %d: '%s'", RFM_BINS_MAX,
				    optarg);
			break;
		case 'C':
			col_list = optarg;
			break;
		case 'S':
			seg_file = optarg;
			break;
		case 'U':
			do_summary = 1;
			break;
		case 'W':
			within = 1;
			break;
		default:
			crm_usage_error(synopsis, NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc > 0)
		crm_usage_error(synopsis, "unexpected argument '%s'", argv[0]);

	if (do_summary && col_list != NULL)
		crm_usage_error(synopsis, "--columns and --summary exclude "
		    "one another");
	memset(&out, 0, sizeof(out));
	out.delim = co.out_mode == TM_TSV ? '\t' : ',';
	if (col_list != NULL && audience_columns(&out, col_list) != 0)
		exit(EXIT_USAGE);

	if (seg_file != NULL) {
		if ((rules = rfm_rules_load(seg_file)) == NULL)
			exit(EXIT_DATA);
	} else
		rules = rfm_rules_default();
	if ((db = store_open(crm_db_path(co.db), STORE_RO)) == NULL)
		goto done;
	store_zone(db);
	asof = crm_common_asof(&co, synopsis);
	if (asof_check(db, asof, co.lost_after, "--as-of") < 0 ||
	    stats_asof(db, asof) != 0)
		goto done;
	if ((list = custlist_load(db, 0)) < 0)
		goto done;
	if (within && list == 0) {
		store_close(db);
		rfm_rules_free(rules);
		crm_usage_error(synopsis, "--within needs a customer list on "
		    "stdin");
	}
	if (!do_summary && rfm_breaks(db, (int)bins, within ? "custlist" :
	    NULL, &breaks) != 0)
		goto done;
	out.asof = asof;
	out.bins = (int)bins;
	out.within = within ? "custlist" : NULL;
	if (col_list != NULL && (cols = audience_lookup_open(db, &out, 0,
	    rules)) == NULL)
		goto done;
	if (crm_common_sheet(&co)) {
		if (tout_start(&tout, stdout, &co) != 0)
			goto done;
		tout_title(&tout, "%s", do_summary ? "segments" : "rfm");
		table_init(&t, &tout);
		sheet = 1;
	}
	if ((do_summary ? summary(db, &breaks, (int)bins, rules, list,
	    within, co.out_mode, sheet ? &t : NULL) : run(db, &breaks, rules,
	    asof, list ? "custlist" : NULL, out.delim, cols, &out,
	    sheet ? &t : NULL)) != 0)
		goto done;
	if (sheet) {
		table_end(&t);
		sheet = 0;
		if (tout_close(&tout) != 0)
			goto done;
	}
	rc = crm_finish_stdout();
done:
	if (sheet) {
		table_end(&t);
		tout_abandon(&tout);
	}
	audience_lookup_close(cols);
	store_close(db);
	rfm_rules_free(rules);
	return rc;
}
