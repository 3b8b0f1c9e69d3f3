/*
 * crm-points: a members' points programme kept as a file and derived
 * from the store: check it, show balances, a statement, the liability,
 * replay proposed files over past orders, and judge it against a
 * holdout.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "points/programme.h"
#include "points/store.h"

static const char synopsis[] =
"usage: crm-points [-hTV] [--csv | --tsv | --table | --excel | --xlsx file]\n"
"                  [--encoding big5] [--as-of date]\n"
"                  [--columns list] [--db path] [--from date] [--to date] [--part name]\n"
"                  command file [file2 | customer]\n";

static const char help[] =
"A points programme, kept as a file and derived from the store.\n"
"\n"
"Commands:\n"
"  check FILE              read the file and report every error\n"
"  balances FILE           per member: earned, used, balance, tier\n"
"  statement FILE ID       one customer's ledger, entry by entry\n"
"  liability FILE          points outstanding, value, breakage, lapsing\n"
"  replay FILE [FILE2]     what the file(s) would have cost, --from/--to\n"
"  evaluate FILE           the year before and after the start; the\n"
"                          difference against the file's holdout\n"
"\n"
"Options:\n"
"      --as-of DATE      the ledger as of DATE [default: today]\n"
"      --columns LIST    balances: more columns, by comma, or a preset\n"
"                        (mail, sms, plain): the columns of crm(7)\n"
"      --csv             CSV (the default when stdout is not a terminal)\n"
"      --db PATH         the store [default: $CRM_DB, else ./crm.db]\n"
"      --encoding big5   CSV in Big5 (CP950) for older tools\n"
"      --excel           CSV for Excel: byte order mark, CRLF, formulas\n"
"                        made inert, digits kept as text\n"
"      --from DATE       replay: the first day\n"
"      --part NAME       evaluate: figures or difference, as CSV\n"
"      --table           the terminal form even when piped\n"
"      --to DATE         replay: the last day [default: the as-of date]\n"
"      --xlsx FILE       a workbook, one sheet per table\n"
"  -T, --tsv, --out-tab  TSV\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n";

/* Reads one programme file (saying what it holds when say is set);
 * exits with its errors. */
static void
load(const char *path, struct programme *pg, int say)
{
	if (programme_load(path, pg) != 0)
		exit(EXIT_DATA);
	if (!say)
		return;
	printf("%s: programme %s, %d tier%s, %s\n", path, pg->name,
	    pg->ntiers, pg->ntiers == 1 ? "" : "s", pg->holdout > 0 ?
	    "with a holdout" : "no holdout");
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CRM_LONGOPT_ASOF,
		{ "columns",	required_argument,	NULL, 'C' },
		CRM_LONGOPT_CSV,
		CRM_LONGOPT_DB,
		CRM_LONGOPT_OUT_ENCODING,
		CRM_LONGOPT_EXCEL,
		{ "from",	required_argument,	NULL, 'F' },
		CRM_LONGOPT_HELP,
		{ "part",	required_argument,	NULL, 'P' },
		CRM_LONGOPT_TABLE,
		{ "to",		required_argument,	NULL, 'U' },
		CRM_LONGOPT_TSV,
		CRM_LONGOPT_VERSION,
		CRM_LONGOPT_XLSX,
		{ NULL,		0,			NULL, 0 }
	};
	struct crm_common co;
	struct pt_opts o;
	struct programme pg[2];
	const struct programme *pgs[2] = { &pg[0], &pg[1] };
	const char *from = NULL, *to = NULL, *cmd;
	long long who = 0;
	int ch, rc = EXIT_DATA, r = -1, nfile = 1;

	crm_init(argv[0]);
	crm_common_init(&co);
	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "hTV", longopts, NULL)) != -1) {
		if (crm_common_opt(&co, ch, optarg, synopsis, help))
			continue;
		switch (ch) {
		case 'C':
			o.columns = optarg;
			break;
		case 'F':
			from = optarg;
			break;
		case 'P':
			if (strcmp(optarg, "figures") != 0 &&
			    strcmp(optarg, "difference") != 0)
				crm_usage_error(synopsis, "--part: '%s' is not "
				    "figures or difference", optarg);
			o.part = optarg;
			break;
		case 'U':
			to = optarg;
			break;
		default:
			crm_usage_error(synopsis, NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 2)
		crm_usage_error(synopsis, argc == 0 ? "which command? (check, "
		    "balances, statement, liability, replay, evaluate)" :
		    "which programme file?");
	cmd = argv[0];
	if (strcmp(cmd, "check") == 0) {
		int i;

		if (crm_common_sheet(&co))
			crm_usage_error(synopsis, "check writes no rows: "
			    "--xlsx, --excel and --encoding are for the "
			    "others");
		for (i = 1; i < argc; i++)
			load(argv[i], &pg[0], 1), programme_free(&pg[0]);
		return crm_finish_stdout() != 0 ? EXIT_DATA : 0;
	}
	if (strcmp(cmd, "statement") == 0) {
		if (argc != 3 || crm_parse_int(argv[2], 1, INT64_MAX, &who)
		    != 0)
			crm_usage_error(synopsis, "statement wants a file and "
			    "a customer id");
	} else if (strcmp(cmd, "replay") == 0) {
		if (argc > 3)
			crm_usage_error(synopsis, "replay: one or two files");
		nfile = argc - 1;
		if (from == NULL)
			crm_usage_error(synopsis, "replay wants --from");
	} else if (strcmp(cmd, "balances") == 0 ||
	    strcmp(cmd, "liability") == 0 || strcmp(cmd, "evaluate") == 0) {
		if (argc != 2)
			crm_usage_error(synopsis, "%s: one file", cmd);
	} else
		crm_usage_error(synopsis, "unknown command '%s'", cmd);
	if (o.columns != NULL && strcmp(cmd, "balances") != 0)
		crm_usage_error(synopsis, "--columns goes with balances");
	load(argv[1], &pg[0], 0);
	if (nfile == 2)
		load(argv[2], &pg[1], 0);

	if ((o.db = store_open(crm_db_path(co.db), STORE_RO)) == NULL)
		exit(EXIT_DATA);
	store_zone(o.db);
	o.asof = crm_common_asof(&co, synopsis);
	if (from != NULL)
		o.from = crm_day_arg(synopsis, "--from", from);
	o.to = to != NULL ? crm_day_arg(synopsis, "--to", to) : o.asof;
	if (from != NULL && o.from > o.to)
		crm_usage_error(synopsis, "--from is after --to");
	if (tout_start(&o.out, stdout, &co) != 0)
		exit(EXIT_DATA);
	o.sheet = crm_common_sheet(&co);
	if (strcmp(cmd, "balances") == 0)
		r = pt_balances(&o, &pg[0]);
	else if (strcmp(cmd, "statement") == 0)
		r = pt_statement(&o, &pg[0], who);
	else if (strcmp(cmd, "liability") == 0)
		r = pt_liability(&o, &pg[0]);
	else if (strcmp(cmd, "replay") == 0)
		r = pt_replay(&o, pgs, nfile);
	else
		r = pt_evaluate(&o, &pg[0]);
	if (r == 0)
		rc = 0;
	if (rc != 0)
		tout_abandon(&o.out);
	else if (tout_close(&o.out) != 0)
		rc = EXIT_DATA;
	store_close(o.db);
	programme_free(&pg[0]);
	if (nfile == 2)
		programme_free(&pg[1]);
	if (crm_finish_stdout() != 0)
		rc = EXIT_DATA;
	return rc;
}
