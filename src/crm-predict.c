/*
 * crm-predict: customer-base models over the store's purchase days:
 * each customer's summary, the BG/NBD, MBG/NBD, Pareto/NBD and
 * Gamma-Gamma fits, per-customer predictions, and a check of a fit
 * against a holdout period.  The work is in src/predict/.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "crm.h"
#include "table.h"
#include "predict/model.h"
#include "predict/predict.h"

static const char synopsis[] =
"usage: crm-predict [-hTV] [--as-of date] [--columns list] [--db path]\n"
"                   [--discount pct] [--holdout days] [--horizon days] [--lost-after days]\n"
"                   [--model name] [--part name]\n"
"                   [--table | --csv | --excel | --xlsx file] [--encoding big5]\n"
"                   [--tz zone] [--unit days|weeks]\n"
"                   summary | fit | customers | check\n";

static const char help[] =
"Commands:\n"
"  summary     per customer: customer_id, x (repeat purchase days),\n"
"              t_x (first to last purchase day), T (first purchase day\n"
"              to --as-of), mean_value (mean net of the repeat days)\n"
"  fit         fit a model: parameters, standard errors, log-likelihood\n"
"  customers   per customer: p_alive, expected purchases and the chance\n"
"              of none over --horizon, spend per purchase, CLV, the\n"
"              next purchase day\n"
"  check       fit up to --as-of minus --holdout days and compare with\n"
"              what happened in the holdout\n"
"\n"
"Options:\n"
"      --as-of DATE      only orders up to this day [default: today]\n"
"      --columns LIST    customers: more columns, by comma, or a preset\n"
"                        (mail, sms, plain): the columns of crm(7)\n"
"      --db PATH         the store [default: $CRM_DB, else ./crm.db]\n"
"      --discount PCT    CLV's discount rate a year [default: 10]\n"
"      --encoding big5   CSV in Big5 (CP950) for older tools\n"
"      --excel           CSV for Excel: byte order mark, CRLF, formulas\n"
"                        made inert, digits kept as text\n"
"      --holdout DAYS    check's holdout period [default: 90]\n"
"      --horizon DAYS    customers' horizon [default: 365]\n"
"      --lost-after DAYS check's lost rule [default: 3 cycles]\n"
"      --model NAME      bgnbd, mbgnbd, pareto, or gg (fit only)\n"
"                        [default: bgnbd; check: the best on the holdout]\n"
"      --part NAME       check's table as CSV: frequency, cohort, total,\n"
"                        lost, palive, weekly [default: frequency]\n"
"      --table, --csv    an aligned table or CSV [default: a table on a\n"
"                        terminal]\n"
"      --tz ZONE         the shop's time zone [default: the store's]\n"
"      --unit UNIT       days or weeks for t_x, T and the fit\n"
"                        [default: days]\n"
"      --xlsx FILE       a workbook, one sheet per table, cells typed\n"
"  -T, --out-tab         write TSV instead of CSV\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n";

enum { OPT_COLUMNS = 0x2000, OPT_DISCOUNT, OPT_HOLDOUT, OPT_HORIZON, OPT_MODEL,
	OPT_PART, OPT_UNIT };

/* --holdout and --horizon: a number of days, 1 to a hundred years. */
static int64_t
days_arg(const char *opt, const char *arg)
{
	long long v;

	if (crm_parse_int(arg, 1, 36500, &v) != 0)
		crm_usage_error(synopsis, "%s: '%s' is not a number of days "
		    "from 1 to 36500", opt, arg);
	return v;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		CRM_LONGOPT_ASOF, CRM_LONGOPT_DB, CRM_LONGOPT_LOST_AFTER,
		CRM_LONGOPT_TZ, CRM_LONGOPT_TABLE, CRM_LONGOPT_CSV,
		CRM_LONGOPT_TSV, CRM_LONGOPT_HELP, CRM_LONGOPT_VERSION,
		CRM_LONGOPT_XLSX, CRM_LONGOPT_EXCEL, CRM_LONGOPT_OUT_ENCODING,
		{ "columns",	required_argument, NULL, OPT_COLUMNS },
		{ "discount",	required_argument, NULL, OPT_DISCOUNT },
		{ "holdout",	required_argument, NULL, OPT_HOLDOUT },
		{ "horizon",	required_argument, NULL, OPT_HORIZON },
		{ "model",	required_argument, NULL, OPT_MODEL },
		{ "part",	required_argument, NULL, OPT_PART },
		{ "unit",	required_argument, NULL, OPT_UNIT },
		{ NULL,		0,		   NULL, 0 }
	};
	static const char *const cmds[] = { "summary", "fit", "customers",
	    "check", NULL };
	struct crm_common c;
	struct predict_opts o;
	struct audience_out cols;
	const char *col_list = NULL;
	sqlite3 *db;
	long long v;
	int ch, i, rc;

	crm_init(argv[0]);
	crm_common_init(&c);
	memset(&o, 0, sizeof(o));
	o.model = -1;
	o.unit = 1;
	o.horizon = 365;
	o.discount = 0.10;
	o.holdout = 90;
	while ((ch = getopt_long(argc, argv, "hTV", longopts, NULL)) != -1) {
		if (crm_common_opt(&c, ch, optarg, synopsis, help))
			continue;
		switch (ch) {
		case OPT_COLUMNS:
			col_list = optarg;
			break;
		case OPT_DISCOUNT:
			if (crm_parse_int(optarg, 0, 100, &v) != 0)
				crm_usage_error(synopsis, "--discount: '%s' is "
				    "not a whole percentage from 0 to 100",
				    optarg);
			o.discount = (double)v / 100;
			break;
		case OPT_HOLDOUT:
			o.holdout = days_arg("--holdout", optarg);
			break;
		case OPT_HORIZON:
			o.horizon = days_arg("--horizon", optarg);
			break;
		case OPT_MODEL:
			if ((o.model = pd_model_byname(optarg)) < 0)
				crm_usage_error(synopsis, "--model: unknown "
				    "model '%s' (bgnbd, mbgnbd, pareto, gg)",
				    optarg);
			break;
		case OPT_PART:
			for (i = 0; pd_check_parts[i] != NULL; i++)
				if (strcmp(optarg, pd_check_parts[i]) == 0)
					break;
			if (pd_check_parts[i] == NULL)
				crm_usage_error(synopsis, "--part: unknown "
				    "part '%s' (frequency, cohort, total, lost, "
				    "palive, weekly)", optarg);
			o.part = optarg;
			break;
		case OPT_UNIT:
			if (strcmp(optarg, "days") == 0)
				o.unit = 1;
			else if (strcmp(optarg, "weeks") == 0)
				o.unit = 7;
			else
				crm_usage_error(synopsis, "--unit: '%s' is "
				    "neither days nor weeks", optarg);
			break;
		default:
			crm_usage_error(synopsis, NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0)
		crm_usage_error(synopsis, "which command?");
	for (i = 0; cmds[i] != NULL; i++)
		if (strcmp(argv[0], cmds[i]) == 0)
			break;
	if (cmds[i] == NULL)
		crm_usage_error(synopsis, "unknown command '%s'", argv[0]);
	if (argc > 1)
		crm_usage_error(synopsis, "unexpected argument '%s'", argv[1]);
	o.cmd = (enum pd_cmd)i;
	if (o.model == PD_GG && o.cmd != PD_FIT)
		crm_usage_error(synopsis, "--model gg models spend only: it "
		    "goes with fit");
	if (o.part != NULL && o.cmd != PD_CHECK)
		crm_usage_error(synopsis, "--part goes with check");
	if (col_list != NULL && o.cmd != PD_CUSTOMERS)
		crm_usage_error(synopsis, "--columns goes with customers");
	o.lost_after = c.lost_after;
	o.out_mode = c.out_mode;
	o.common = &c;
	if (col_list != NULL) {
		memset(&cols, 0, sizeof(cols));
		cols.delim = c.out_mode == TM_TSV ? '\t' : ',';
		if (audience_columns(&cols, col_list) != 0)
			exit(EXIT_USAGE);
		o.cols = &cols;
	}

	/* fit stores its fit: the store must exist, and be written. */
	if ((db = store_open(crm_db_path(c.db), STORE_RO)) == NULL)
		return EXIT_DATA;
	if (o.cmd == PD_FIT) {
		store_close(db);
		if ((db = store_open(crm_db_path(c.db), STORE_RW)) == NULL)
			return EXIT_DATA;
	}
	if (c.tz == NULL)
		store_zone(db);
	o.asof = crm_common_asof(&c, synopsis);
	rc = predict_run(db, &o);
	store_close(db);
	if (rc == 0)
		rc = crm_finish_stdout();
	return rc;
}
