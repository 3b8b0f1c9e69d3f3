/*
 * crm-report: the repurchase reports an analyst reads, as aligned tables
 * and charts on a terminal and as plain CSV/TSV when piped.
 */
#include <err.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "report/report.h"

static const char synopsis[] =
"usage: crm-report [-hTV] [--csv | --tsv | --table | --excel | --xlsx file]\n"
"                  [--encoding big5] [--as-of date] [--from date]\n"
"                  [--to date] [--channel name] [--db path]\n"
"                  [--part name] [--limit n] [--min-buyers n]\n"
"                  [--lost-after days] [--backtest date] [--brackets list]\n"
"                  [--free-shipping amount] [--sort key] report\n"
"       crm-report [-hTV] [--csv | --tsv | --table | --excel | --xlsx file]\n"
"                  [--encoding big5] [--as-of date] [--db path]\n"
"                  [--lost-after days] [--part name] customer who\n";

static const char help[] =
"Reports on the customer store: tables and charts on a terminal, CSV when\n"
"piped.  A customer list on stdin (CSV or TSV with a customer_id,\n"
"account, phone or email column) restricts the report to those customers.\n"
"\n"
"Reports:\n"
"  summary     customers, orders, revenue, AOV, repurchase rate, stage\n"
"  cycle       repurchase cycle, gaps, per category and SKU, lost threshold\n"
"  monthly     new and returning customers and revenue per month\n"
"  cohort      first-purchase month cohorts: share who bought again\n"
"  products    rankings, returning customers, categories, gateway products\n"
"  basket      order values in brackets, free-shipping threshold\n"
"  heatmap     orders by weekday and hour\n"
"  channels    customers, orders, revenue per channel and across channels\n"
"  migration   lifecycle stage transitions between two dates\n"
"  quality     what in the data may mislead\n"
"  customer WHO  one customer's story: identities, stage, RFM, cycle,\n"
"              orders, lines, tags, events, playbook contacts (WHO: a\n"
"              customer_id, account, phone or e-mail)\n"
"\n"
"Options:\n"
"      --as-of DATE      as if the store held only orders up to DATE\n"
"                        [default: today]\n"
"      --backtest DATE   cycle: the earlier as-of date of the back-test\n"
"                        [default: as-of minus the lost threshold]\n"
"      --brackets LIST   basket: bracket lower bounds, e.g. 0,500,1000\n"
"      --channel NAME    only orders on this channel\n"
"      --csv             CSV (the default when stdout is not a terminal)\n"
"      --db PATH         the store [default: $CRM_DB, else ./crm.db]\n"
"      --encoding big5   CSV in Big5 (CP950) for older tools\n"
"      --excel           CSV for Excel: byte order mark, CRLF, formulas\n"
"                        made inert, digits kept as text\n"
"      --free-shipping N basket: the free-shipping threshold [default: 1000]\n"
"      --from DATE       the period's first day\n"
"      --limit N         rows in rankings [default: 10 on a terminal,\n"
"                        all in CSV]\n"
"      --lost-after DAYS the lost threshold [default: 3 x the cycle]\n"
"      --min-buyers N    cycle, products: fewest customers for a row\n"
"                        [default: 10]\n"
"      --part NAME       which table to write as CSV (see crm-report(1))\n"
"      --sort KEY        products: revenue, quantity, buyers, returning or\n"
"                        gateway [default: revenue]\n"
"      --table           the terminal form even when piped\n"
"      --to DATE         the period's last day [default: the as-of date]\n"
"      --xlsx FILE       a workbook, one sheet per table (every part\n"
"                        unless --part names one)\n"
"  -T, --tsv, --out-tab  TSV\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n";

/* ==== main ==== */

static const struct {
	const char *name;
	int	(*fn)(struct rp_ctx *);
	const char *parts;		/* for --part, first is the default */
} reports[] = {
	{ "summary", rp_summary, "summary" },
	{ "cycle", rp_cycle, "stats products histogram threshold model" },
	{ "monthly", rp_monthly, "monthly" },
	{ "cohort", rp_cohort, "cohort" },
	{ "products", rp_products, "products categories" },
	{ "basket", rp_basket, "brackets summary" },
	{ "heatmap", rp_heatmap, "heatmap" },
	{ "channels", rp_channels, "channels overlap" },
	{ "migration", rp_migration, "migration" },
	{ "quality", rp_quality, "quality" },
	{ "customer", rp_customer,
	    "profile identities orders lines tags events contacts" },
};
#define NREPORTS ((int)(sizeof(reports) / sizeof(reports[0])))

static int64_t
parse_amount(const char *opt, const char *s)
{
	int64_t v;
	const char *why;

	if (money_parse(s, &v, &why) != 0 || v < 0)
		crm_usage_error(synopsis, "%s: '%s' is not an amount", opt, s);
	return v;
}

static void
parse_brackets(struct rp_ctx *c, char *s)
{
	char *tok, *save = NULL;

	c->nbrackets = 0;
	for (tok = strtok_r(s, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save)) {
		if (c->nbrackets == MAXBR)
			crm_usage_error(synopsis, "--brackets: more than %d",
			    MAXBR);
		c->brackets[c->nbrackets] = parse_amount("--brackets", tok);
		if (c->nbrackets > 0 && c->brackets[c->nbrackets] <=
		    c->brackets[c->nbrackets - 1])
			crm_usage_error(synopsis, "--brackets: '%s' is not "
			    "above the bracket before it", tok);
		c->nbrackets++;
	}
	if (c->nbrackets == 0)
		crm_usage_error(synopsis, "--brackets: no amounts");
}

/* "summary, cycle, ...": the reports' names, for a message. */
static const char *
report_names(struct buf *b)
{
	int i;

	for (i = 0; i < NREPORTS; i++)
		buf_printf(b, "%s%s", i > 0 ? ", " : "", reports[i].name);
	return b->s;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CRM_LONGOPT_ASOF,
		{ "backtest",	required_argument,	NULL, 'B' },
		{ "brackets",	required_argument,	NULL, 'K' },
		{ "channel",	required_argument,	NULL, 'C' },
		CRM_LONGOPT_CSV,
		CRM_LONGOPT_DB,
		CRM_LONGOPT_OUT_ENCODING,
		CRM_LONGOPT_EXCEL,
		{ "free-shipping", required_argument,	NULL, 'S' },
		{ "from",	required_argument,	NULL, 'F' },
		CRM_LONGOPT_HELP,
		{ "limit",	required_argument,	NULL, 'l' },
		CRM_LONGOPT_LOST_AFTER,
		{ "min-buyers",	required_argument,	NULL, 'm' },
		{ "part",	required_argument,	NULL, 'P' },
		{ "sort",	required_argument,	NULL, 'O' },
		CRM_LONGOPT_TABLE,
		{ "to",		required_argument,	NULL, 'U' },
		CRM_LONGOPT_TSV,
		CRM_LONGOPT_VERSION,
		CRM_LONGOPT_XLSX,
		{ NULL,		0,			NULL, 0 }
	};
	static const int64_t dflt_br[] = { 0, 200, 500, 1000, 1500, 2000,
	    3000, 5000 };
	struct crm_common co;
	struct rp_ctx c;
	struct buf names = { 0 };
	const char *p, *from = NULL, *to = NULL, *backtest = NULL;
	int ch, i, r = -1, rc = EXIT_DATA;
	size_t n;
	long long v;

	crm_init(argv[0]);
	crm_common_init(&co);
	memset(&c, 0, sizeof(c));
	c.limit = -1;
	c.min_buyers = 10;
	c.free_ship = 100000;
	c.sort = "revenue";
	for (i = 0; i < (int)(sizeof(dflt_br) / sizeof(dflt_br[0])); i++)
		c.brackets[i] = dflt_br[i] * 100;
	c.nbrackets = i;
	while ((ch = getopt_long(argc, argv, "hTV", longopts, NULL)) != -1) {
		if (crm_common_opt(&co, ch, optarg, synopsis, help))
			continue;
		switch (ch) {
		case 'B':
			backtest = optarg;
			break;
		case 'C':
			c.channel = optarg;
			break;
		case 'F':
			from = optarg;
			break;
		case 'K':
			parse_brackets(&c, optarg);
			break;
		case 'l':
			if (crm_parse_int(optarg, 0, INT32_MAX, &v) != 0)
				crm_usage_error(synopsis, "--limit: '%s' is "
				    "not a number", optarg);
			c.limit = v;
			break;
		case 'm':
			if (crm_parse_int(optarg, 1, INT32_MAX, &v) != 0)
				crm_usage_error(synopsis, "--min-buyers: '%s' "
				    "is not a number above 0", optarg);
			c.min_buyers = v;
			break;
		case 'O':
			c.sort = optarg;
			break;
		case 'P':
			c.part = optarg;
			break;
		case 'S':
			c.free_ship = parse_amount("--free-shipping", optarg);
			break;
		case 'U':
			to = optarg;
			break;
		default:
			crm_usage_error(synopsis, NULL);
		}
	}
	c.lost_after = co.lost_after;
	argc -= optind;
	argv += optind;
	if (argc == 0)
		crm_usage_error(synopsis, "which report? (%s)",
		    report_names(&names));
	for (i = 0; i < NREPORTS; i++)
		if (strcmp(argv[0], reports[i].name) == 0)
			r = i;
	if (r < 0)
		crm_usage_error(synopsis, "unknown report '%s'", argv[0]);
	if (reports[r].fn == rp_customer) {
		if (argc != 2)
			crm_usage_error(synopsis, "customer wants one customer: "
			    "a customer_id, account, phone or e-mail");
		c.who = argv[1];
	} else if (argc > 1)
		crm_usage_error(synopsis, "one report at a time");
	if (c.part != NULL) {
		n = strlen(c.part);
		for (p = reports[r].parts; (p = strstr(p, c.part)) != NULL;
		    p += n)
			if ((p == reports[r].parts || p[-1] == ' ') &&
			    (p[n] == ' ' || p[n] == '\0'))
				break;
		if (n == 0 || p == NULL)
			crm_usage_error(synopsis, "%s has no part '%s' (parts: "
			    "%s)", reports[r].name, c.part, reports[r].parts);
	}
	if (!rp_sort_known(c.sort))
		crm_usage_error(synopsis, "--sort: unknown key '%s' (revenue, "
		    "quantity, buyers, returning, gateway)", c.sort);
	if (c.channel != NULL) {
		static struct buf low;	/* static: kept until exit */

		for (p = c.channel; *p != '\0'; p++)
			buf_addc(&low, (char)(*p >= 'A' && *p <= 'Z' ?
			    *p - 'A' + 'a' : *p));
		c.channel = low.s;	/* kept for the run */
	}

	if ((c.db = store_open(crm_db_path(co.db), STORE_RO)) == NULL)
		exit(EXIT_DATA);
	/* Dates once the shop's zone is set: "today" is the shop's. */
	store_zone(c.db);
	c.asof = crm_common_asof(&co, synopsis);
	if ((c.has_from = from != NULL))
		c.from = crm_day_arg(synopsis, "--from", from);
	if ((c.has_to = to != NULL))
		c.to = crm_day_arg(synopsis, "--to", to);
	if ((c.has_backtest = backtest != NULL))
		c.backtest = crm_day_arg(synopsis, "--backtest", backtest);
	if (c.has_from && c.has_to && c.from > c.to)
		crm_usage_error(synopsis, "--from is after --to");
	if (c.has_to && c.to > c.asof)
		c.to = c.asof;
	/* A misspelt --channel would give an empty report. */
	if (c.channel != NULL && (i = rp_channel_known(&c, &names)) <= 0) {
		if (i < 0)
			goto done;
		crm_usage_error(synopsis, "--channel: no order on channel '%s'"
		    " (channels: %s)", c.channel, names.len ? names.s : "none");
	}
	if (asof_check(c.db, c.asof, c.lost_after, "--as-of") < 0)
		goto done;
	store_currency(c.db, c.currency);
	if (tout_start(&c.out, stdout, &co) != 0)
		exit(EXIT_DATA);
	/* A workbook's first sheet is named by the report or the part
	 * (the tables with a title name theirs). */
	if (c.out.mode == TM_XLSX)
		tout_title(&c.out, "%s", c.part != NULL ? c.part :
		    reports[r].name);
	/* customer names its customer: stdin is not read. */
	if (c.who == NULL && (c.list = custlist_load(c.db, 0)) < 0)
		goto done;
	if (rp_scope_setup(&c) != 0)
		goto done;
	if (reports[r].fn(&c) != 0)
		goto done;
	rc = 0;
done:
	buf_free(&names);
	if (rc != 0)
		tout_abandon(&c.out);
	else if (tout_close(&c.out) != 0)
		rc = EXIT_DATA;
	store_close(c.db);
	if (crm_finish_stdout() != 0)
		rc = EXIT_DATA;
	return rc;
}
