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

#include "crm.h"
#include "rfm.h"
#include "segexpr.h"

static const char synopsis[] =
"usage: crm-segment [-hqTV] [--as-of date] [--columns list] [--count]\n"
"                   [--db path] [--lost-after days] [--save tag]\n"
"                   [--segments file] expression ...\n"
"       crm-segment [-hqTV] [--as-of date] [--columns list] [--count]\n"
"                   [--db path] [--lost-after days] [--segments file]\n"
"                   [--summary] napl\n"
"       crm-segment [-q] [--db path] --unsave tag\n";

static const char help[] =
"Prints the customers (buyers and members) that match an expression, or\n"
"with napl the lifecycle stage of every one: customer_id, stage,\n"
"days_since, lost_after.  A customer list on stdin narrows the result.\n"
"\n"
"Options:\n"
"      --as-of DATE      as if it were this day [default: today]\n"
"      --columns LIST    more columns, by comma: name email phone channel\n"
"                        stage days_since orders purchase_days spent aov\n"
"                        first_order last_order r f m rfm rfm_segment\n"
"                        gender birthday age tags\n"
"      --count           print only how many customers match\n"
"      --db PATH         the store [default: $CRM_DB, else ./crm.db]\n"
"      --lost-after DAYS lost after this many days without a purchase\n"
"                        [default: 3 x the shop's repurchase cycle]\n"
"      --save TAG        make tag TAG exactly the customers printed\n"
"      --segments FILE   the RFM segment table, as crm-rfm --segments\n"
"      --summary         napl: customers per stage\n"
"      --unsave TAG      remove tag TAG from everyone\n"
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

/* ==== Output columns ==== */

enum ctype { C_TEXT, C_INT, C_MONEY, C_DAY, C_AOV, C_AGE };

/* The arguments of rfm.c's SQL function rfm(what, ...). */
#define RFM_ARGS " s.last_day, s.purchases, s.spent)"

static const struct column {
	const char *name;
	enum ctype type;
	int	 rfm;			/* needs the RFM table */
	const char *sql;		/* over a, u, s, c, x */
} columns[] = {
	{ "name",	  C_TEXT,  0, "c.name" },
	{ "email",	  C_TEXT,  0, "c.email" },
	{ "phone",	  C_TEXT,  0, "c.phone" },
	{ "channel",	  C_TEXT,  0, "c.channel" },
	{ "stage",	  C_TEXT,  0, "u.stage" },
	{ "days_since",	  C_INT,   0, "u.days_since" },
	{ "orders",	  C_INT,   0, "coalesce(s.purchases, 0)" },
	{ "purchase_days", C_INT,  0, "coalesce(s.purchase_days, 0)" },
	{ "spent",	  C_MONEY, 0, "coalesce(s.spent, 0)" },
	{ "aov",	  C_AOV,   0, "s.spent, s.purchases" },
	{ "first_order",  C_DAY,   0, "s.first_day" },
	{ "last_order",	  C_DAY,   0, "s.last_day" },
	{ "r",		  C_INT,   1, "rfm(0," RFM_ARGS },
	{ "f",		  C_INT,   1, "rfm(1," RFM_ARGS },
	{ "m",		  C_INT,   1, "rfm(2," RFM_ARGS },
	{ "rfm",	  C_TEXT,  1, "rfm(3," RFM_ARGS },
	{ "rfm_segment",  C_TEXT,  1, "rfm(4," RFM_ARGS },
	{ "gender",	  C_TEXT,  0, "coalesce(nullif(c.gender, ''), (SELECT"
	    " mg.gender FROM members mg WHERE mg.customer_id = a.customer_id"
	    " AND mg.gender <> '' ORDER BY mg.id LIMIT 1))" },
	{ "birthday",	  C_TEXT,  0, "coalesce(nullif(c.birthday, ''), (SELECT"
	    " mb.birthday FROM members mb WHERE mb.customer_id ="
	    " a.customer_id AND mb.birthday <> '' ORDER BY mb.id LIMIT 1))" },
	{ "age",	  C_AGE,   0, "coalesce(nullif(c.birthday, ''), (SELECT"
	    " mb.birthday FROM members mb WHERE mb.customer_id ="
	    " a.customer_id AND mb.birthday <> '' ORDER BY mb.id LIMIT 1))" },
	{ "tags",	  C_TEXT,  0, "(SELECT group_concat(tag, ' ') FROM"
	    " (SELECT t.tag FROM tags t WHERE t.customer_id = a.customer_id"
	    " ORDER BY t.tag))" },
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))
#define MAXCOLS 64

struct run {
	sqlite3	*db;
	int64_t	 asof;
	int64_t	 lost;			/* the lost threshold used */
	int	 delim;
	int	 napl;			/* stage, days_since, lost_after */
	const struct column *col[MAXCOLS];	/* --columns */
	size_t	 ncol;
	int	 need_rfm;
	int	 need_stage;		/* a column needs the lost threshold */
};

/* Parses --columns; 0, or -1 after saying which name is unknown. */
static int
parse_columns(struct run *r, const char *list)
{
	char *s = xstrdup(list), *p = s, *name;
	size_t i;

	while ((name = strsep(&p, ",")) != NULL) {
		while (*name == ' ')
			name++;
		if (*name == '\0')
			continue;
		for (i = 0; i < NCOLUMNS; i++)
			if (strcasecmp(columns[i].name, name) == 0)
				break;
		if (i == NCOLUMNS) {
			warnx("--columns: unknown column '%s' (columns are "
			    "name, email, phone, channel, stage, days_since, "
			    "orders, purchase_days, spent, aov, first_order, "
			    "last_order, r, f, m, rfm, rfm_segment, gender, "
			    "birthday, age, tags)", name);
			free(s);
			return -1;
		}
		if (r->ncol == MAXCOLS) {
			warnx("--columns: more than %d columns", MAXCOLS);
			free(s);
			return -1;
		}
		r->col[r->ncol++] = &columns[i];
		if (columns[i].rfm)
			r->need_rfm = 1;
		if (strcmp(columns[i].name, "stage") == 0)
			r->need_stage = 1;
	}
	free(s);
	return 0;
}

/* Whole years from a YYYY-MM-DD birthday to day asof, or -1. */
static int
age_of(const char *b, int64_t asof)
{
	int by, bm, bd, y, m, d, age;

	if (b == NULL || sscanf(b, "%4d-%2d-%2d", &by, &bm, &bd) != 3)
		return -1;
	civil_from_days(asof, &y, &m, &d);
	age = y - by - (m < bm || (m == bm && d < bd));
	return age >= 0 ? age : -1;
}

/* Appends v in decimal. */
static void
add_dec(struct buf *b, int64_t v)
{
	char tmp[24];
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;
	int n = 0;

	if (v < 0)
		buf_addc(b, '-');
	do {
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
	} while (u > 0);
	while (n > 0)
		buf_addc(b, tmp[--n]);
}

/* Appends a text field, quoted when it must be, as csv_put() does. */
static void
add_field(struct buf *b, int delim, const char *s)
{
	const char *p;

	if (s == NULL)
		return;
	if (strpbrk(s, delim == ',' ? ",\"\r\n" : "\t\"\r\n") == NULL) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

/*
 * Prints the audience (TEMP table audience, or the stage table for
 * napl) in customer_id order, a row at a time, one write per row.
 */
static int
print_rows(struct run *r)
{
	struct buf sql = { 0 }, line = { 0 };
	sqlite3_stmt *st;
	char m[32], day[11];
	size_t i;
	int k, rc, age, need_u = 0, need_s = 0, need_c = 0;
	int64_t spent, n;

	buf_adds(&sql, "SELECT a.customer_id");
	if (r->napl)
		buf_adds(&sql, ", a.stage, a.days_since");
	for (i = 0; i < r->ncol; i++)
		buf_printf(&sql, ", %s", r->col[i]->sql);
	/* Only the tables the columns need: napl reads one. */
	for (i = 0; i < r->ncol; i++) {
		need_u |= strstr(r->col[i]->sql, "u.") != NULL;
		need_s |= strstr(r->col[i]->sql, "s.") != NULL;
		need_c |= strstr(r->col[i]->sql, "c.") != NULL;
	}
	buf_adds(&sql, r->napl ? " FROM temp.segexpr_stage a" :
	    " FROM temp.audience a");
	if (need_u)
		buf_adds(&sql, " LEFT JOIN temp.segexpr_stage u ON"
		    " u.customer_id = a.customer_id");
	if (need_s)
		buf_adds(&sql, " LEFT JOIN temp.asof_stats s ON"
		    " s.customer_id = a.customer_id");
	if (need_c)
		buf_adds(&sql, " LEFT JOIN customers c ON c.id ="
		    " a.customer_id");
	buf_adds(&sql, " ORDER BY a.customer_id");
	st = store_prepare(r->db, sql.s);
	buf_free(&sql);
	if (st == NULL)
		return -1;
	buf_adds(&line, "customer_id");
	if (r->napl)
		buf_printf(&line, "%cstage%cdays_since%clost_after", r->delim,
		    r->delim, r->delim);
	for (i = 0; i < r->ncol; i++) {
		buf_addc(&line, (char)r->delim);
		buf_adds(&line, r->col[i]->name);
	}
	buf_addc(&line, '\n');
	fwrite(line.s, 1, line.len, stdout);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		buf_reset(&line);
		add_dec(&line, sqlite3_column_int64(st, 0));
		k = 1;
		if (r->napl) {
			buf_addc(&line, (char)r->delim);
			buf_adds(&line, (const char *)
			    sqlite3_column_text(st, 1));
			buf_addc(&line, (char)r->delim);
			if (sqlite3_column_type(st, 2) != SQLITE_NULL)
				add_dec(&line, sqlite3_column_int64(st, 2));
			buf_addc(&line, (char)r->delim);
			add_dec(&line, r->lost);
			k = 3;
		}
		for (i = 0; i < r->ncol; i++, k++) {
			buf_addc(&line, (char)r->delim);
			if (r->col[i]->type == C_AOV) {
				spent = sqlite3_column_int64(st, k);
				n = sqlite3_column_int64(st, ++k);
				if (n > 0)
					buf_adds(&line, money_format(
					    spent >= 0 ? (spent + n / 2) / n :
					    -((-spent + n / 2) / n), m));
				continue;
			}
			if (sqlite3_column_type(st, k) == SQLITE_NULL)
				continue;
			switch (r->col[i]->type) {
			case C_INT:
				add_dec(&line, sqlite3_column_int64(st, k));
				break;
			case C_MONEY:
				buf_adds(&line, money_format(
				    sqlite3_column_int64(st, k), m));
				break;
			case C_DAY:
				buf_adds(&line, day_format(
				    sqlite3_column_int64(st, k), day));
				break;
			case C_AGE:
				age = age_of((const char *)
				    sqlite3_column_text(st, k), r->asof);
				if (age >= 0)
					add_dec(&line, age);
				break;
			default:
				add_field(&line, r->delim, (const char *)
				    sqlite3_column_text(st, k));
				break;
			}
		}
		buf_addc(&line, '\n');
		if (fwrite(line.s, 1, line.len, stdout) != line.len)
			break;
	}
	sqlite3_finalize(st);
	buf_free(&line);
	return rc == SQLITE_DONE || ferror(stdout) ? 0 : -1;
}

/* napl --summary: customers per stage, in N-A-P-L order of the day. */
static int
print_summary(struct run *r)
{
	static const char *const stage[] = { "potential", "new", "active",
	    "lost" };
	int64_t n[4] = { 0, 0, 0, 0 }, total = 0, bp;
	sqlite3_stmt *st;
	const char *s;
	int i;

	st = store_prepare(r->db, "SELECT stage, COUNT(*) FROM "
	    "temp.segexpr_stage GROUP BY stage");
	if (st == NULL)
		return -1;
	while (store_step(st) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; i < 4; i++)
			if (strcmp(s, stage[i]) == 0) {
				n[i] = sqlite3_column_int64(st, 1);
				total += n[i];
			}
	}
	sqlite3_finalize(st);
	printf("stage%ccustomers%cshare%clost_after\n", r->delim, r->delim,
	    r->delim);
	for (i = 0; i < 4; i++) {
		bp = total > 0 ? (n[i] * 10000 + total / 2) / total : 0;
		printf("%s%c%lld%c%lld.%02lld%c%lld\n", stage[i], r->delim,
		    (long long)n[i], r->delim, (long long)(bp / 100),
		    (long long)(bp % 100), r->delim, (long long)r->lost);
	}
	return 0;
}

static int
print_count(struct run *r)
{
	sqlite3_stmt *st;
	int rc = -1;

	st = store_prepare(r->db, r->napl ? "SELECT COUNT(*) FROM "
	    "temp.segexpr_stage" : "SELECT COUNT(*) FROM temp.audience");
	if (st == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW) {
		printf("%lld\n", (long long)sqlite3_column_int64(st, 0));
		rc = 0;
	}
	sqlite3_finalize(st);
	return rc;
}

/*
 * --save: tag TAG becomes exactly the audience (customers who no longer
 * match lose it, so a weekly cron job keeps the tag current); --unsave
 * removes it from everyone.  One transaction.
 */
static int
save_tag(sqlite3 *db, const char *tag, int keep, int quiet)
{
	sqlite3_stmt *st = NULL;
	int64_t removed = 0, added = 0;

	if (store_begin(db) != 0)
		return -1;
	st = store_prepare(db, keep ? "DELETE FROM tags WHERE tag = ?1 AND "
	    "customer_id NOT IN (SELECT customer_id FROM temp.audience)" :
	    "DELETE FROM tags WHERE tag = ?1");
	if (st == NULL)
		goto fail;
	sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
	if (store_step(st) != SQLITE_DONE)
		goto fail;
	removed = sqlite3_changes(db);
	sqlite3_finalize(st);
	st = NULL;
	if (keep) {
		st = store_prepare(db, "INSERT OR IGNORE INTO tags (tag, "
		    "customer_id, source, added_at) SELECT ?1, customer_id, "
		    "'crm-segment', ?2 FROM temp.audience");
		if (st == NULL)
			goto fail;
		sqlite3_bind_text(st, 1, tag, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 2, tz_now_local());
		if (store_step(st) != SQLITE_DONE)
			goto fail;
		added = sqlite3_changes(db);
		sqlite3_finalize(st);
		st = NULL;
	}
	if (store_commit(db) != 0)
		goto fail;
	if (!quiet)
		warnx("tag '%s': %lld added, %lld removed", tag,
		    (long long)added, (long long)removed);
	return 0;
fail:
	sqlite3_finalize(st);
	store_rollback(db);
	return -1;
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "as-of",	required_argument,	NULL, 'A' },
		{ "columns",	required_argument,	NULL, 'C' },
		{ "count",	no_argument,		NULL, 'N' },
		{ "db",		required_argument,	NULL, 'D' },
		{ "help",	no_argument,		NULL, 'h' },
		{ "lost-after",	required_argument,	NULL, 'L' },
		{ "out-tab",	no_argument,		NULL, 'T' },
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "save",	required_argument,	NULL, 'S' },
		{ "segments",	required_argument,	NULL, 'G' },
		{ "summary",	no_argument,		NULL, 'U' },
		{ "unsave",	required_argument,	NULL, 'X' },
		{ "version",	no_argument,		NULL, 'V' },
		{ NULL,		0,			NULL, 0 }
	};
	struct run r;
	struct buf expr = { 0 }, err = { 0 };
	struct segexpr *e = NULL;
	const char *db_opt = NULL, *asof_opt = NULL, *cols = NULL;
	const char *save = NULL, *unsave = NULL, *seg_file = NULL;
	struct rfm_rules *rules = NULL;
	long long lost_after = 0;
	int ch, i, quiet = 0, count = 0, do_summary = 0, list, rc = EXIT_DATA;

	crm_init(argv[0]);
	memset(&r, 0, sizeof(r));
	r.delim = ',';
	while ((ch = getopt_long(argc, argv, "hqTV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'A':
			asof_opt = optarg;
			break;
		case 'C':
			cols = optarg;
			break;
		case 'D':
			db_opt = optarg;
			break;
		case 'G':
			seg_file = optarg;
			break;
		case 'h':
			crm_help(synopsis, help);
		case 'L':
			if (crm_parse_int(optarg, 1, 100000, &lost_after) != 0)
				crm_usage_error(synopsis, "--lost-after must "
				    "be a number of days from 1 to 100000: "
				    "'%s'", optarg);
			break;
		case 'N':
			count = 1;
			break;
		case 'q':
			quiet = 1;
			break;
		case 'S':
			save = optarg;
			break;
		case 'T':
			r.delim = '\t';
			break;
		case 'U':
			do_summary = 1;
			break;
		case 'V':
			crm_version();
			break;
		case 'X':
			unsave = optarg;
			break;
		default:
			crm_usage_error(synopsis, NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (unsave != NULL) {
		if (argc > 0 || save != NULL || count || do_summary ||
		    cols != NULL)
			crm_usage_error(synopsis, "--unsave takes no "
			    "expression and no other option but --db and -q");
	} else if (argc == 0)
		crm_usage_error(synopsis, "an expression or napl is needed");
	if (argc == 1 && strcasecmp(argv[0], "napl") == 0)
		r.napl = 1;
	if (do_summary && !r.napl)
		crm_usage_error(synopsis, "--summary goes with napl");
	if (save != NULL && r.napl)
		crm_usage_error(synopsis, "--save takes an expression, not "
		    "napl (write: --save TAG stage = 'lost')");
	if (count + do_summary > 1 || (count && cols != NULL))
		crm_usage_error(synopsis, "--count, --summary and --columns "
		    "exclude one another");
	if ((save != NULL && *save == '\0') ||
	    (unsave != NULL && *unsave == '\0'))
		crm_usage_error(synopsis, "a tag needs a name");

	/* The expression: the words given, joined by blanks. */
	if (!r.napl && unsave == NULL) {
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
	if (seg_file != NULL) {
		if ((rules = rfm_rules_load(seg_file)) == NULL)
			goto done;
		if (e != NULL)
			segexpr_set_rules(e, rules);
	}
	if (cols != NULL && parse_columns(&r, cols) != 0)
		goto done;

	/* Saving writes, but never creates a store. */
	if ((save != NULL || unsave != NULL) &&
	    access(crm_db_path(db_opt), F_OK) != 0) {
		warnx("%s: no store here (import orders with crm-import, or "
		    "name the store with --db or CRM_DB)", crm_db_path(db_opt));
		goto done;
	}
	if ((r.db = store_open(crm_db_path(db_opt), save != NULL ||
	    unsave != NULL ? STORE_RW : STORE_RO)) == NULL)
		goto done;
	if (unsave != NULL) {
		if (save_tag(r.db, unsave, 0, quiet) == 0)
			rc = 0;
		goto done;
	}
	store_zone(r.db);
	r.asof = crm_day_arg(synopsis, "--as-of", asof_opt ? asof_opt :
	    "today");
	if (stats_asof(r.db, r.asof) != 0)
		goto done;
	/* The repurchase cycle costs a sort: only when stages are used. */
	r.lost = 365;
	if ((r.napl || segexpr_uses_stage(e) || r.need_stage) &&
	    (r.lost = lost_threshold(r.db, lost_after, NULL, NULL)) < 0)
		goto done;
	if ((list = custlist_load(r.db, 0)) < 0)
		goto done;
	if (r.napl) {
		/* The stage table is the audience: no copy. */
		if (lifecycle_table(r.db, r.asof, r.lost, "segexpr_stage")
		    != 0)
			goto done;
		if (list && store_exec(r.db, "DELETE FROM temp.segexpr_stage "
		    "WHERE customer_id NOT IN (SELECT customer_id FROM "
		    "temp.custlist)") != 0)
			goto done;
	} else {
		if (segexpr_select(r.db, e, r.asof, r.lost, "audience") != 0)
			goto done;
		if (list && store_exec(r.db, "DELETE FROM temp.audience WHERE "
		    "customer_id NOT IN (SELECT customer_id FROM "
		    "temp.custlist)") != 0)
			goto done;
	}
	if (r.need_rfm && (e == NULL || !segexpr_uses_rfm(e)) &&
	    rfm_sql_function(r.db, 5, rules, NULL) != 0)
		goto done;
	if (save != NULL && save_tag(r.db, save, 1, quiet) != 0)
		goto done;
	if ((count ? print_count(&r) : do_summary ? print_summary(&r) :
	    print_rows(&r)) != 0)
		goto done;
	rc = crm_finish_stdout();
done:
	segexpr_free(e);
	rfm_rules_free(rules);
	store_close(r.db);
	buf_free(&expr);
	buf_free(&err);
	return rc;
}
