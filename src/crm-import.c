/*
 * crm-import: read order exports and store them, normalised, in the
 * customer store: the same buyer matched across records, each order once,
 * one transaction per run.  This file reads the options; the engine is
 * in src/import/ (import.h).
 */
#include <err.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "import/columns.h"
#include "import/format.h"
#include "import/import.h"

static const char synopsis[] =
"usage: crm-import [-qt] [-d delim] [--blanks] [--channel name]\n"
"                  [--currency code] [--db path] [--dmy]\n"
"                  [--encoding enc] [--format name] [--format-file file]\n"
"                  [--kind kind] [--map field=column,...] [--map-file file]\n"
"                  [--no-merge] [--sheet name|n] [--skip-bad rejects.csv]\n"
"                  [--tz zone]\n"
"                  [file ...]\n"
"       crm-import [--db path] --explain id | --split id | --link id,id\n";

static const char help[] =
"Reads order, member, email-event, coupon-claim and points-redemption\n"
"exports and stores them in the customer store.  With no file, or when\n"
"file is -, reads stdin.\n"
"\n"
"Options:\n"
"  -d, --delimiter C     field separator [default: ,]\n"
"  -t, --tab             the input is TSV; overrides -d\n"
"      --blanks          fields are separated by runs of spaces (of tabs\n"
"                        with -t); blanks at either end are ignored\n"
"      --channel NAME    channel for rows without a channel column\n"
"                        [default: shop]\n"
"      --currency CODE   the shop's currency, set at the first import\n"
"                        [default: the format's, else TWD]\n"
"      --db PATH         the store [default: $CRM_DB, else ./crm.db]\n"
"      --dmy             read 1/2/2024 as 1 February (default: January 2)\n"
"      --encoding ENC    UTF-8, CP950 (Big5) or any iconv name\n"
"                        [default: recognised from the bytes]\n"
"      --explain ID      show why customer ID's records are one customer\n"
"      --format NAME     the export's format: plain, shopee, shopee-old,\n"
"                        momo, qdm, qdm-members, shopify, email-events,\n"
"                        coupon-claims, points-redemptions\n"
"                        [default: recognised from the header]\n"
"      --format-file F   a format file of your own (see share/formats)\n"
"      --kind KIND       orders, members, redemptions, events or claims\n"
"      --link A,B        make customers A and B one, for good\n"
"      --map F=COL,...   take field F from column COL\n"
"      --map-file FILE   the same, one F=COL a line\n"
"      --no-merge        phones and emails match within a channel only\n"
"  -q, --quiet           no summary or progress on stderr\n"
"      --sheet NAME|N    a workbook's sheet by name or number from 1\n"
"                        [default: the first]\n"
"      --skip-bad FILE   import the good rows, write the bad ones to FILE\n"
"      --split ID        part customer ID into one per buyer behind it\n"
"      --tz ZONE         the shop's time zone [default: Asia/Taipei]\n"
"  -h, --help            this text\n"
"  -V, --version         the version\n"
"\n"
"Fields: see crm-import(1).\n";

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "blanks",	no_argument,		NULL, 'B' },
		{ "channel",	required_argument,	NULL, 'C' },
		{ "currency",	required_argument,	NULL, 'Y' },
		CRM_LONGOPT_DB,
		{ "delimiter",	required_argument,	NULL, 'd' },
		{ "dmy",	no_argument,		NULL, 'M' },
		{ "encoding",	required_argument,	NULL, 'E' },
		{ "explain",	required_argument,	NULL, 'X' },
		{ "link",	required_argument,	NULL, 'L' },
		{ "no-merge",	no_argument,		NULL, 'N' },
		{ "split",	required_argument,	NULL, 'P' },
		{ "format",	required_argument,	NULL, 'f' },
		{ "format-file", required_argument,	NULL, 'G' },
		{ "kind",	required_argument,	NULL, 'K' },
		CRM_LONGOPT_HELP,
		{ "map",	required_argument,	NULL, 'm' },
		{ "map-file",	required_argument,	NULL, 'F' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "sheet",	required_argument,	NULL, 'H' },
		{ "skip-bad",	required_argument,	NULL, 'S' },
		{ "tab",	no_argument,		NULL, 't' },
		CRM_LONGOPT_TZ,
		CRM_LONGOPT_VERSION,
		{ NULL,		0,			NULL, 0 }
	};
	struct crm_common c;
	struct import_opts o;
	struct run *r = NULL;
	struct import_input *in = NULL;
	const char *enc = NULL, *rejects_name = NULL;
	char *rejects_tmp = NULL;
	int ch, delim = ',', tab = 0, i, nin = 0, rc = EXIT_DATA, op = 0;
	long long id_a = 0, id_b = 0;
	char junk;

	crm_init(argv[0]);
	crm_common_init(&c);
	memset(&o, 0, sizeof(o));
	o.overrides = xmalloc(sizeof(*o.overrides));
	memset(o.overrides, 0, sizeof(*o.overrides));
	o.overrides->kind = xstrdup("orders");
	while ((ch = getopt_long(argc, argv, "d:hqtV", longopts, NULL)) != -1) {
		if (crm_common_opt(&c, ch, optarg, synopsis, help))
			continue;
		switch (ch) {
		case 'B':
			o.blanks = 1;
			break;
		case 'C':
			o.channel = optarg;
			break;
		case 'Y':
			if (!currency_code(optarg))
				crm_usage_error(synopsis, "--currency takes a "
				    "code of 3 capitals (TWD, USD, GBP ...): "
				    "'%s'", optarg);
			o.currency = optarg;
			break;
		case 'd':
			if (strlen(optarg) != 1)
				crm_usage_error(synopsis, "delimiter must be "
				    "one character: '%s'", optarg);
			delim = (unsigned char)optarg[0];
			break;
		case 'E':
			enc = optarg;
			break;
		case 'H':
			if (*optarg == '\0')
				crm_usage_error(synopsis, "--sheet needs a "
				    "sheet's name or number");
			o.sheet = optarg;
			break;
		case 'F':
			if (map_file(o.overrides, optarg) != 0)
				exit(EXIT_USAGE);
			break;
		case 'f':
			format_free(o.format);
			if ((o.format = format_find(optarg)) == NULL)
				crm_usage_error(synopsis, "unknown format '%s' "
				    "(see crm-import(1), FORMATS)", optarg);
			break;
		case 'G':
			format_free(o.format);
			if ((o.format = format_load(optarg)) == NULL ||
			    format_check(o.format, optarg) != 0)
				exit(EXIT_USAGE);
			break;
		case 'K':
			if (!import_kind_known(optarg))
				crm_usage_error(synopsis, "unknown kind '%s' "
				    "(orders, members, redemptions, events, "
				    "claims)", optarg);
			o.kind = optarg;
			break;
		case 'M':
			o.dmy = 1;
			break;
		case 'L':
			op = 'L';
			if (sscanf(optarg, "%lld,%lld%c", &id_a, &id_b, &junk)
			    != 2 || id_a <= 0 || id_b <= 0)
				crm_usage_error(synopsis, "--link takes two "
				    "customer ids: --link 12,34");
			break;
		case 'N':
			o.no_merge = 1;
			break;
		case 'P':
		case 'X':
			op = ch;
			if (crm_parse_int(optarg, 1, INT64_MAX, &id_a) != 0)
				crm_usage_error(synopsis, "not a customer id: "
				    "'%s'", optarg);
			break;
		case 'm':
			if (map_add(o.overrides, optarg) != 0)
				exit(EXIT_USAGE);
			break;
		case 'q':
			o.quiet = 1;
			break;
		case 'S':
			rejects_name = optarg;
			break;
		case 't':
			tab = 1;
			break;
		default:
			crm_usage_error(synopsis, NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (tab)
		delim = '\t';
	else if (o.blanks)
		delim = ' ';
	for (i = 0; o.channel != NULL && o.channel[i] != '\0'; i++)
		if (o.channel[i] == ',' || o.channel[i] == ' ')
			crm_usage_error(synopsis, "channel name '%s' has a "
			    "space or a comma", o.channel);
	if (op != 0 && argc > 0)
		crm_usage_error(synopsis, "--explain, --split and --link "
		    "take no files");
	if (o.format != NULL && o.kind != NULL &&
	    strcmp(o.format->kind, o.kind) != 0)
		crm_usage_error(synopsis, "format %s is for %s, not %s",
		    o.format->name, o.format->kind, o.kind);

	/*
	 * The input first: a pipe or a fifo is read to its end before the
	 * store is opened, so that the write transaction waits for nobody.
	 */
	nin = op != 0 ? 0 : argc > 0 ? argc : 1;
	in = xmalloc((nin + 1) * sizeof(*in));
	for (i = 0; i < nin; i++)
		if (import_input_open(&in[i], argc > 0 ? argv[i] : "-") != 0) {
			nin = i;
			goto done;
		}
	if (rejects_name != NULL && (o.rejects =
	    import_rejects_open(rejects_name, &rejects_tmp)) == NULL)
		goto done;
	if ((r = import_open(crm_db_path(c.db), &o)) == NULL)
		goto done;
	if (import_begin(r, c.tz) != 0)
		goto done;
	if (op == 'X') {
		rc = import_explain(r, id_a, stdout) == 0 ?
		    crm_finish_stdout() : EXIT_DATA;
		goto done;
	}
	if ((op == 'P' && import_split(r, id_a) != 0) ||
	    (op == 'L' && import_link(r, id_a, id_b) != 0))
		goto done;
	for (i = 0; i < nin; i++)
		if (import_file(r, &in[i], delim, enc) != 0)
			goto done;
	if (o.rejects != NULL &&
	    import_rejects_sync(o.rejects, rejects_name) != 0)
		goto done;
	if (import_commit(r) != 0)
		goto done;
	rc = 0;
done:
	if (r != NULL)
		import_close(r, rc != 0 || op == 'X');
	if (rc != 0 && !o.quiet)
		warnx("nothing was stored");
	for (i = 0; i < nin; i++)
		import_input_close(&in[i]);
	free(in);
	format_free(o.format);
	format_free(o.overrides);
	if (o.rejects != NULL && import_rejects_close(o.rejects, rejects_tmp,
	    rejects_name, rc == 0) != 0)
		rc = EXIT_DATA;
	return rc;
}
