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
#include <time.h>

#include "crm.h"
#include "playbook/playbook.h"

#include "segexpr.h"

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
	{ "as-of",		required_argument,	NULL,	'A' },
	{ "date",		required_argument,	NULL,	'a' },
	{ "days",		required_argument,	NULL,	'N' },
	{ "db",			required_argument,	NULL,	'D' },
	{ "dry-run",		no_argument,		NULL,	'n' },
	{ "help",		no_argument,		NULL,	'h' },
	{ "lost-after",		required_argument,	NULL,	'L' },
	{ "min-claim-rate",	required_argument,	NULL,	'C' },
	{ "min-use-rate",	required_argument,	NULL,	'U' },
	{ "out-tab",		no_argument,		NULL,	'T' },
	{ "quiet",		no_argument,		NULL,	'q' },
	{ "version",		no_argument,		NULL,	'V' },
	{ NULL,			0,			NULL,	0 }
};

struct opts {
	const char *db;			/* --db */
	const char *date;		/* --date */
	const char *asof;		/* --as-of */
	long long days;			/* --days, or 0 */
	long long lost_after;		/* --lost-after, or 0 */
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
compile_segments(const struct playbook *pb, void **sel)
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
free_segments(const struct playbook *pb, void **sel)
{
	size_t i;

	for (i = 0; i < pb->nsteps; i++)
		if (sel[i] != NULL) {
			segexpr_free(sel[i]);
			sel[i] = NULL;
		}
}

/* Runs sql with int64 parameters ?1..?n (n <= 8) and text ?9, ?10. */
static int
exec_bound(sqlite3 *db, const char *sql, const int64_t *p, int n,
    const char *t9, const char *t10)
{
	sqlite3_stmt *st;
	int i, rc;

	if ((st = store_prepare(db, sql)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, p[i]);
	if (t9 != NULL)
		sqlite3_bind_text(st, 9, t9, -1, SQLITE_STATIC);
	if (t10 != NULL)
		sqlite3_bind_text(st, 10, t10, -1, SQLITE_STATIC);
	rc = store_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* The first column of the first row of sql as a number, or -1. */
static int64_t
query_int(sqlite3 *db, const char *sql, const int64_t *p, int n,
    const char *t9)
{
	sqlite3_stmt *st;
	int64_t v = -1;
	int i;

	if ((st = store_prepare(db, sql)) == NULL)
		return -1;
	for (i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, p[i]);
	if (t9 != NULL)
		sqlite3_bind_text(st, 9, t9, -1, SQLITE_STATIC);
	if (store_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static const char *
col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? (const char *)s : "";
}

/*
 * TEMP table pb_steps: the playbook's steps in the file's order (idx),
 * for the SQL of run and results.
 */
static int
steps_table(sqlite3 *db, const struct playbook *pb)
{
	sqlite3_stmt *st;
	size_t i;
	int rc = SQLITE_DONE;

	if (store_exec(db, "CREATE TEMP TABLE pb_steps (idx INTEGER PRIMARY"
	    " KEY, name TEXT NOT NULL UNIQUE, priority INTEGER NOT NULL,"
	    " via INTEGER NOT NULL, audience TEXT)") != 0 ||
	    (st = store_prepare(db, "INSERT INTO temp.pb_steps VALUES"
	    " (?, ?, ?, ?, ?)")) == NULL)
		return -1;
	for (i = 0; i < pb->nsteps && rc == SQLITE_DONE; i++) {
		sqlite3_bind_int64(st, 1, (int64_t)i);
		sqlite3_bind_text(st, 2, pb->steps[i].name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, pb->steps[i].priority);
		sqlite3_bind_int(st, 4, pb->steps[i].via);
		sqlite3_bind_text(st, 5, pb->steps[i].audience, -1,
		    SQLITE_STATIC);
		rc = store_step(st);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
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

/* Stage names for an SQL IN list; fixed words, never user text. */
static void
stage_list(struct buf *b, unsigned bits)
{
	static const struct {
		unsigned bit;
		const char *name;
	} st[] = {
		{ STAGE_POTENTIAL, "'potential'" }, { STAGE_NEW, "'new'" },
		{ STAGE_ACTIVE, "'active'" }, { STAGE_LOST, "'lost'" },
	};
	size_t i;
	int first = 1;

	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		if (bits & st[i].bit) {
			buf_printf(b, "%s%s", first ? "" : ", ", st[i].name);
			first = 0;
		}
}

/* MM-DD of a day, for birthdays. */
static void
month_day(int64_t day, char out[6])
{
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	snprintf(out, 6, "%02d-%02d", m, d);
}

/*
 * Fills temp.pb_due with the customers due for step i on day d.
 * Returns 0, or -1 after printing why.
 */
static int
due_step(sqlite3 *db, const struct playbook *pb, size_t i, int64_t d,
    int64_t lost, double cycle, long cycle_basis, int narrowed, void *seg)
{
	const struct pb_step *s = &pb->steps[i];
	struct buf sql = { 0 };
	char md[6], md2[6];
	int64_t p[4] = { (int64_t)i, 0, 0, 0 };
	const char *t9 = NULL, *t10 = NULL;
	int y, m, dd, rc;

	buf_adds(&sql, "INSERT OR IGNORE INTO temp.pb_due (idx, customer_id)"
	    " SELECT ?1, customer_id FROM (");
	switch (s->trig) {
	case TRIG_FIRST:
		p[1] = d - s->days;
		buf_adds(&sql, "SELECT customer_id FROM temp.asof_stats"
		    " WHERE first_day = ?2");
		break;
	case TRIG_PURCHASE:
		p[1] = d - s->days;
		buf_adds(&sql, "SELECT customer_id FROM temp.asof_stats"
		    " WHERE last_day = ?2");
		break;
	case TRIG_NTH:
		p[1] = d - s->days;
		p[2] = s->nth;
		buf_adds(&sql, "SELECT customer_id FROM temp.asof_stats"
		    " WHERE last_day = ?2 AND purchase_days = ?3");
		break;
	case TRIG_CYCLE:
		if (cycle_basis <= 0) {
			warnx("%s:%ld: step '%s': no repurchase cycle yet "
			    "(nobody bought on two days); skipped", pb->file,
			    s->line, s->name);
			buf_free(&sql);
			return 0;
		}
		p[1] = d - (int64_t)ceil(cycle) - s->days;
		buf_adds(&sql, "SELECT customer_id FROM temp.asof_stats"
		    " WHERE last_day = ?2");
		break;
	case TRIG_LOST:
		p[1] = d - lost - 1 - s->days;
		buf_adds(&sql, "SELECT customer_id FROM temp.asof_stats"
		    " WHERE last_day = ?2");
		break;
	case TRIG_JOINED:
		p[1] = (d - s->days) * DAY_SECS;
		p[2] = p[1] + DAY_SECS;
		buf_adds(&sql, "SELECT DISTINCT customer_id FROM members"
		    " WHERE joined_at >= ?2 AND joined_at < ?3 AND customer_id"
		    " NOT IN (SELECT customer_id FROM temp.asof_stats)");
		break;
	case TRIG_BIRTHDAY:
		month_day(d + s->days, md);
		t9 = md;
		/* Born on 29 February: celebrated on the 28th in other
		 * years. */
		civil_from_days(d + s->days, &y, &m, &dd);
		if (m == 2 && dd == 28 &&
		    !(y % 4 == 0 && (y % 100 != 0 || y % 400 == 0))) {
			snprintf(md2, sizeof(md2), "02-29");
			t10 = md2;
		}
		buf_adds(&sql, "SELECT customer_id FROM temp.pb_stage WHERE"
		    " customer_id IN (SELECT customer_id FROM members WHERE"
		    " substr(birthday, 6, 5) IN (?9, ?10) UNION SELECT id FROM"
		    " customers WHERE substr(birthday, 6, 5) IN (?9, ?10))");
		break;
	case TRIG_WINDOW:
		if (d < s->from || d > s->to) {
			buf_free(&sql);
			return 0;
		}
		p[1] = s->from;
		p[2] = d;
		t9 = pb->name;
		t10 = s->name;
		buf_adds(&sql, "SELECT customer_id FROM temp.pb_stage p WHERE"
		    " NOT EXISTS (SELECT 1 FROM contacts k WHERE"
		    " k.customer_id = p.customer_id AND k.playbook = ?9 AND"
		    " k.step = ?10 AND k.day >= ?2 AND k.day < ?3)");
		break;
	}
	buf_adds(&sql, ") WHERE ");
	switch (s->aud) {
	case AUD_STAGES:
		buf_adds(&sql, "customer_id IN (SELECT customer_id FROM"
		    " temp.pb_stage WHERE stage IN (");
		stage_list(&sql, s->stages);
		buf_adds(&sql, "))");
		break;
	case AUD_SEGMENT:
		if (segexpr_select(db, seg, d, lost, "pb_segment") != 0) {
			buf_free(&sql);
			return -1;
		}
		buf_adds(&sql, "customer_id IN (SELECT customer_id FROM"
		    " temp.pb_segment)");
		break;
	case AUD_EVERYONE:
		buf_adds(&sql, "customer_id IN (SELECT customer_id FROM"
		    " temp.pb_stage)");
		break;
	}
	if (narrowed)
		buf_adds(&sql, " AND customer_id IN (SELECT customer_id FROM"
		    " temp.custlist)");
	rc = exec_bound(db, sql.s, p, 4, t9, t10);
	buf_free(&sql);
	return rc;
}

/*
 * Makes temp.pb_reach: for each customer in temp.`from`, the email that
 * may be written to (none after an unsubscribe or a bounce up to day d,
 * of the customer's or of the address when the event has no customer)
 * and the phone.
 */
static int
make_reach(sqlite3 *db, int64_t d, const char *from)
{
	struct buf sql = { 0 };
	int64_t end = (d + 1) * DAY_SECS;
	int rc;

	buf_printf(&sql, "DROP TABLE IF EXISTS temp.pb_reach;"
	    "DROP TABLE IF EXISTS temp.pb_noemail;"
	    "CREATE TEMP TABLE pb_noemail (email TEXT PRIMARY KEY)"
	    " WITHOUT ROWID;"
	    "INSERT OR IGNORE INTO temp.pb_noemail SELECT lower(email) FROM"
	    " events WHERE customer_id IS NULL AND email <> '' AND kind IN"
	    " ('unsubscribed', 'bounced') AND at < %lld;"
	    "CREATE TEMP TABLE pb_reach (customer_id INTEGER PRIMARY KEY,"
	    " email TEXT, phone TEXT);"
	    "INSERT INTO temp.pb_reach SELECT c.id, CASE WHEN"
	    " coalesce(c.email, '') <> '' AND NOT EXISTS (SELECT 1 FROM"
	    " events e WHERE e.customer_id = c.id AND e.kind IN"
	    " ('unsubscribed', 'bounced') AND e.at < %lld) AND lower(c.email)"
	    " NOT IN (SELECT email FROM temp.pb_noemail) THEN c.email END,"
	    " CASE WHEN coalesce(c.phone, '') <> '' THEN c.phone END"
	    " FROM customers c WHERE c.id IN (SELECT customer_id FROM"
	    " temp.%s)", (long long)end, (long long)end, from);
	rc = store_exec(db, sql.s);
	buf_free(&sql);
	return rc;
}

struct counts {
	int64_t	 due, capped, unreachable, treatment, holdout;
};

/*
 * Works out who is due on day d and fills temp.pb_out.  Returns 0, or
 * -1 after printing why.
 */
static int
compute(sqlite3 *db, const struct playbook *pb, const struct opts *o,
    int64_t d, void **seg, struct counts *c)
{
	sqlite3_stmt *st = NULL, *ins = NULL;
	char code[PB_CODE_MAX];
	double cycle = 0;
	long basis = 0;
	int64_t lost, p[2];
	size_t i;
	int narrowed, rc = -1;

	if ((narrowed = custlist_load(db, 0)) < 0)
		return -1;
	if (stats_asof(db, d) != 0)
		return -1;
	if ((lost = lost_threshold(db, o->lost_after, &cycle, &basis)) < 0)
		return -1;
	/* With --lost-after the cycle is not worked out: cycle triggers
	 * still need it. */
	if (o->lost_after > 0 && (basis = repurchase_cycle(db, &cycle)) < 0)
		return -1;
	if (lifecycle_table(db, d, lost, "pb_stage") != 0)
		return -1;
	if (store_exec(db, "CREATE TEMP TABLE pb_due (idx INTEGER NOT NULL,"
	    " customer_id INTEGER NOT NULL, PRIMARY KEY (idx, customer_id))")
	    != 0)
		return -1;
	for (i = 0; i < pb->nsteps; i++)
		if (due_step(db, pb, i, d, lost, cycle, basis, narrowed,
		    seg[i]) != 0)
			return -1;
	if (make_reach(db, d, "pb_due") != 0)
		return -1;

	/* Each customer once: the highest priority reachable step, unless
	 * any playbook wrote to them (or held them out) within the cap. */
	p[0] = d - pb->cap;
	p[1] = d + pb->cap;
	if (exec_bound(db, "CREATE TEMP TABLE pb_capped AS SELECT DISTINCT"
	    " d.customer_id FROM temp.pb_due d WHERE EXISTS (SELECT 1 FROM"
	    " contacts k WHERE k.customer_id = d.customer_id AND k.day > ?1"
	    " AND k.day < ?2)", p, 2, NULL, NULL) != 0)
		return -1;
	if (store_exec(db, "CREATE TEMP TABLE pb_pick AS SELECT idx,"
	    " customer_id FROM (SELECT d.idx, d.customer_id, ROW_NUMBER()"
	    " OVER (PARTITION BY d.customer_id ORDER BY s.priority DESC,"
	    " d.idx) AS rn FROM temp.pb_due d JOIN temp.pb_steps s ON"
	    " s.idx = d.idx JOIN temp.pb_reach r ON r.customer_id ="
	    " d.customer_id WHERE ((s.via <> 2 AND r.email IS NOT NULL) OR"
	    " (s.via <> 1 AND r.phone IS NOT NULL)) AND d.customer_id NOT IN"
	    " (SELECT customer_id FROM temp.pb_capped)) WHERE rn = 1") != 0)
		return -1;
	c->due = query_int(db, "SELECT count(DISTINCT customer_id) FROM"
	    " temp.pb_due", NULL, 0, NULL);
	c->capped = query_int(db, "SELECT count(*) FROM temp.pb_capped",
	    NULL, 0, NULL);

	st = store_prepare(db, "SELECT idx, customer_id FROM temp.pb_pick"
	    " ORDER BY idx, customer_id");
	ins = store_prepare(db, "INSERT INTO temp.pb_out (idx, step,"
	    " customer_id, grp, template, code, threshold, discount,"
	    " discount_pct, expires_day) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?,"
	    " ?)");
	if (st == NULL || ins == NULL)
		goto out;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		const struct pb_step *s = &pb->steps[sqlite3_column_int(st, 0)];
		int64_t cust = sqlite3_column_int64(st, 1);
		int hold = playbook_holdout(pb, s, cust);

		sqlite3_bind_int64(ins, 1, sqlite3_column_int(st, 0));
		sqlite3_bind_text(ins, 2, s->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, cust);
		sqlite3_bind_text(ins, 4, hold ? "holdout" : "treatment", -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, s->template, -1, SQLITE_STATIC);
		if (s->coupon != NULL) {
			/* A holdout's code is recorded (what it would
			 * have been) but never written out. */
			playbook_code(pb, s, cust, d, code);
			sqlite3_bind_text(ins, 6, code, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ins, 7, s->threshold);
			if (s->discount_pct > 0) {
				sqlite3_bind_null(ins, 8);
				sqlite3_bind_int(ins, 9, s->discount_pct);
			} else {
				sqlite3_bind_int64(ins, 8, s->discount);
				sqlite3_bind_null(ins, 9);
			}
			sqlite3_bind_int64(ins, 10, d + s->valid);
		} else
			for (i = 6; i <= 10; i++)
				sqlite3_bind_null(ins, (int)i);
		if (store_step(ins) != SQLITE_DONE)
			goto out;
		sqlite3_reset(ins);
		if (hold)
			c->holdout++;
		else
			c->treatment++;
	}
	if (rc != SQLITE_DONE)
		goto out;
	c->unreachable = c->due - c->capped - c->treatment - c->holdout;
	rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	return rc == 0 ? 0 : -1;
}

/* Writes temp.pb_out with the customers' names and addresses. */
static int
print_out(sqlite3 *db, const struct opts *o)
{
	static const char *const hdr[] = {
		"customer_id", "name", "email", "phone", "channel", "step",
		"template", "coupon", "threshold", "discount", "expires",
		"group",
	};
	sqlite3_stmt *st;
	char money[32], money2[32], day[11], pct[8];
	int rc;

	st = store_prepare(db, "SELECT o.customer_id, c.name, r.email,"
	    " r.phone, CASE WHEN o.grp = 'holdout' THEN NULL"
	    " WHEN s.via = 2 OR r.email IS NULL THEN 'sms' ELSE 'email' END,"
	    " o.step, o.template, o.code, o.threshold, o.discount,"
	    " o.discount_pct, o.expires_day, o.grp"
	    " FROM temp.pb_out o JOIN customers c ON c.id = o.customer_id"
	    " LEFT JOIN temp.pb_reach r ON r.customer_id = o.customer_id"
	    " LEFT JOIN temp.pb_steps s ON s.name = o.step"
	    " ORDER BY o.idx, o.customer_id");
	if (st == NULL)
		return -1;
	csv_row(stdout, o->delim, hdr, sizeof(hdr) / sizeof(hdr[0]));
	while ((rc = store_step(st)) == SQLITE_ROW) {
		const char *f[12];
		int hold = strcmp(col(st, 12), "holdout") == 0;
		int coupon = !hold && sqlite3_column_type(st, 7) != SQLITE_NULL;

		f[0] = col(st, 0);
		f[1] = col(st, 1);
		f[2] = col(st, 2);
		f[3] = col(st, 3);
		f[4] = col(st, 4);
		f[5] = col(st, 5);
		f[6] = hold ? "" : col(st, 6);
		f[7] = coupon ? col(st, 7) : "";
		f[8] = coupon ? money_format(sqlite3_column_int64(st, 8),
		    money) : "";
		if (coupon && sqlite3_column_type(st, 10) != SQLITE_NULL) {
			snprintf(pct, sizeof(pct), "%d%%",
			    sqlite3_column_int(st, 10));
			f[9] = pct;
		} else
			f[9] = coupon ? money_format(sqlite3_column_int64(st,
			    9), money2) : "";
		f[10] = coupon ? day_format(sqlite3_column_int64(st, 11),
		    day) : "";
		f[11] = col(st, 12);
		csv_row(stdout, o->delim, f, 12);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static int
cmd_run(int argc, char **argv, const struct opts *o)
{
	struct playbook pb;
	struct counts c;
	sqlite3 *db = NULL;
	void **seg = NULL;
	char dbuf[11];
	int64_t d, p[1];
	int64_t recorded;
	int rc = EXIT_DATA, open = 0;

	if (argc != 1)
		crm_usage_error(synopsis, "run wants one playbook file");
	if (strcmp(argv[0], "-") == 0)
		crm_usage_error(synopsis, "run reads the playbook from a file "
		    "(stdin is for a customer list)");
	d = crm_day_arg(synopsis, "--date", o->date ? o->date : "today");
	if (load(argv[0], &pb) != 0)
		return EXIT_DATA;
	memset(&c, 0, sizeof(c));
	seg = calloc(pb.nsteps, sizeof(*seg));
	if (seg == NULL)
		err(EXIT_DATA, NULL);
	if (compile_segments(&pb, seg) != 0)
		goto done;
	/* Open read-only first: a run never creates a store. */
	if ((db = store_open(crm_db_path(o->db), STORE_RO)) == NULL)
		goto done;
	if (!o->dry_run) {
		store_close(db);
		if ((db = store_open(crm_db_path(o->db), STORE_RW)) == NULL)
			goto done;
	}
	if (store_zone(db) != 0)
		goto done;
	/* "today" is the shop's today: read the day again in its zone. */
	d = crm_day_arg(synopsis, "--date", o->date ? o->date : "today");
	/* One transaction: the list is worked out and recorded at once,
	 * so two runs at the same time take turns. */
	if (!o->dry_run) {
		if (store_begin(db) != 0)
			goto done;
		open = 1;
	}
	if (steps_table(db, &pb) != 0 ||
	    store_exec(db, "CREATE TEMP TABLE pb_out (idx INTEGER NOT NULL," /* order */
	    " step TEXT NOT NULL, customer_id INTEGER NOT NULL, grp TEXT NOT NULL, template TEXT,"
	    " code TEXT, threshold INTEGER, discount INTEGER,"
	    " discount_pct INTEGER, expires_day INTEGER)") != 0)
		goto done;

	/* A day once recorded is final: a rerun prints what was recorded. */
	p[0] = d;
	recorded = query_int(db, "SELECT count(*) FROM contacts WHERE"
	    " playbook = ?9 AND day = ?1", p, 1, pb.name);
	if (recorded < 0)
		goto done;
	if (recorded > 0) {
		/* The contacts' ids keep the order they were written in,
		 * whatever has become of the file's steps since. */
		if (exec_bound(db, "INSERT INTO temp.pb_out SELECT k.id,"
		    " k.step, k.customer_id, k.grp, k.template, k.coupon_code,"
		    " k.threshold, k.discount, k.discount_pct, k.expires_day"
		    " FROM contacts k WHERE k.playbook = ?9 AND k.day = ?1",
		    p, 1, pb.name, NULL) != 0 ||
		    make_reach(db, d, "pb_out") != 0)
			goto done;
		if (!o->quiet)
			warnx("%s: %s already recorded %lld contacts for %s; "
			    "writing them again", pb.file, pb.name,
			    (long long)recorded, day_format(d, dbuf));
	} else {
		if (compute(db, &pb, o, d, seg, &c) != 0)
			goto done;
		if (!o->dry_run && exec_bound(db, "INSERT INTO contacts"
		    " (playbook, step, day, customer_id, template,"
		    " coupon_code, threshold, discount, discount_pct,"
		    " expires_day, grp, created_at) SELECT ?9, step, ?1,"
		    " customer_id, template, code, threshold, discount,"
		    " discount_pct, expires_day, grp, ?2 FROM temp.pb_out"
		    " ORDER BY idx, customer_id",
		    (int64_t[]){ d, tz_now_local() }, 2, pb.name, NULL) != 0)
			goto done;
		if (!o->quiet)
			warnx("%s: %s: %lld due, %lld contacted, %lld held "
			    "out, %lld capped, %lld unreachable%s",
			    pb.file, day_format(d, dbuf), (long long)c.due,
			    (long long)c.treatment, (long long)c.holdout,
			    (long long)c.capped, (long long)c.unreachable,
			    o->dry_run ? " (dry run: nothing recorded)" : "");
	}
	if (print_out(db, o) != 0)
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

struct group {
	int64_t	 contacted, held_out, coupons, claimed, used;
	int64_t	 bought, hbought;
	int64_t	 revenue, hrevenue, crevenue, cost;
};

/*
 * Prints one results row.  The uplift is the treatment's purchase rate
 * minus the holdout's; its 95% interval is the normal approximation for
 * a difference of two independent proportions,
 *   d +- 1.96 sqrt(pt (1 - pt) / nt + ph (1 - ph) / nh).
 */
static void
result_row(const struct opts *o, int claims_known, const char *playbook,
    const char *by, const char *name, const struct group *g)
{
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
	f[1] = by;
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
print_groups(sqlite3 *db, const struct opts *o, int claims_known,
    const char *by, const char *sql)
{
	sqlite3_stmt *st;
	struct group g;
	int rc;

	if ((st = store_prepare(db, sql)) == NULL)
		return -1;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		g.contacted = sqlite3_column_int64(st, 2);
		g.held_out = sqlite3_column_int64(st, 3);
		g.coupons = sqlite3_column_int64(st, 4);
		g.claimed = sqlite3_column_int64(st, 5);
		g.used = sqlite3_column_int64(st, 6);
		g.bought = sqlite3_column_int64(st, 7);
		g.hbought = sqlite3_column_int64(st, 8);
		g.revenue = sqlite3_column_int64(st, 9);
		g.hrevenue = sqlite3_column_int64(st, 10);
		g.crevenue = sqlite3_column_int64(st, 11);
		g.cost = sqlite3_column_int64(st, 12);
		result_row(o, claims_known, col(st, 0), by, col(st, 1), &g);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* The sums every group shares, over temp.pr rows. */
#define GROUP_SUMS \
	" sum(grp = 'treatment'), sum(grp = 'holdout')," \
	" sum(grp = 'treatment' AND code IS NOT NULL)," \
	" sum(claimed), sum(used)," \
	" sum(grp = 'treatment' AND bought), sum(grp = 'holdout' AND bought)," \
	" sum(CASE WHEN grp = 'treatment' THEN revenue ELSE 0 END)," \
	" sum(CASE WHEN grp = 'holdout' THEN revenue ELSE 0 END)," \
	" sum(crevenue), sum(cost)"

static int
cmd_results(int argc, char **argv, const struct opts *o)
{
	struct playbook pb;
	sqlite3 *db = NULL;
	const char *name = NULL;
	int64_t asof, days, p[3];
	int have_pb = 0, claims_known, rc = EXIT_DATA;
	static const char *const hdr[] = {
		"playbook", "by", "name", "contacted", "held_out", "claimed",
		"claim_rate", "used", "use_rate", "bought", "bought_rate",
		"holdout_bought", "holdout_rate", "uplift", "ci_low",
		"ci_high", "revenue", "holdout_revenue", "coupon_revenue",
		"discount_cost", "advice",
	};

	memset(&pb, 0, sizeof(pb));
	if (argc > 1)
		crm_usage_error(synopsis, "results wants at most one playbook "
		    "file");
	asof = crm_day_arg(synopsis, "--as-of", o->asof ? o->asof : "today");
	if (argc == 1) {
		if (load(argv[0], &pb) != 0)
			return EXIT_DATA;
		have_pb = 1;
		name = pb.name;
	}
	days = o->days > 0 ? o->days : have_pb ? pb.measure : 30;
	if ((db = store_open(crm_db_path(o->db), STORE_RO)) == NULL)
		goto done;
	if (store_zone(db) != 0)
		goto done;
	/* "today" is the shop's today: read the day again in its zone. */
	asof = crm_day_arg(synopsis, "--as-of", o->asof ? o->asof : "today");

	/* Coupon codes handed out, then the purchases that carried them
	 * (codes are capitals; a shop's export may not keep them so). */
	if (store_exec(db, "CREATE TEMP TABLE pr_codes (code TEXT PRIMARY"
	    " KEY, discount INTEGER, discount_pct INTEGER);"
	    "INSERT OR IGNORE INTO temp.pr_codes SELECT coupon_code,"
	    " discount, discount_pct FROM contacts WHERE grp = 'treatment'"
	    " AND coupon_code IS NOT NULL") != 0)
		goto done;
	p[0] = (asof + 1) * DAY_SECS;
	if (exec_bound(db, "CREATE TEMP TABLE pr_used AS SELECT k.code AS"
	    " code, count(*) AS n, sum(o.net) AS net, sum(CASE WHEN"
	    " o.discount > 0 THEN o.discount WHEN k.discount_pct > 0 THEN"
	    " (o.items_total * k.discount_pct + 50) / 100 ELSE"
	    " coalesce(k.discount, 0) END) AS cost FROM orders o JOIN"
	    " temp.pr_codes k ON k.code = upper(trim(o.coupon)) WHERE"
	    " o.coupon <> '' AND o.status IN ('completed', 'pending') AND"
	    " o.ordered_at < ?1 GROUP BY k.code", p, 1, NULL, NULL) != 0 ||
	    store_exec(db, "CREATE UNIQUE INDEX temp.pr_used_code ON"
	    " pr_used(code)") != 0)
		goto done;
	if (exec_bound(db, "CREATE TEMP TABLE pr_claims AS SELECT DISTINCT"
	    " upper(trim(coupon)) AS code FROM events WHERE"
	    " kind = 'coupon_claimed' AND"
	    " coupon <> '' AND at < ?1", p, 1, NULL, NULL) != 0 ||
	    store_exec(db, "CREATE UNIQUE INDEX temp.pr_claims_code ON"
	    " pr_claims(code)") != 0)
		goto done;
	claims_known = query_int(db, "SELECT EXISTS (SELECT 1 FROM events"
	    " WHERE kind = 'coupon_claimed' AND at < ?1)", p, 1, NULL) > 0;

	/* One row per contact: did they buy within the window? */
	p[1] = days;
	p[2] = asof;
	if (exec_bound(db, "CREATE TEMP TABLE pr AS SELECT k.playbook,"
	    " k.step, k.grp, CASE WHEN k.grp = 'treatment' THEN"
	    " k.coupon_code END AS code, CASE WHEN k.coupon_code IS NOT NULL"
	    " THEN substr(k.coupon_code, 1, instr(k.coupon_code, '-') - 1)"
	    " END AS prefix,"
	    " b.n > 0 AS bought, coalesce(b.net, 0) AS revenue,"
	    " k.grp = 'treatment' AND k.coupon_code IN (SELECT code FROM"
	    " temp.pr_claims) AS claimed,"
	    " k.grp = 'treatment' AND u.code IS NOT NULL AS used,"
	    " CASE WHEN k.grp = 'treatment' THEN coalesce(u.net, 0) ELSE 0"
	    " END AS crevenue,"
	    " CASE WHEN k.grp = 'treatment' THEN coalesce(u.cost, 0) ELSE 0"
	    " END AS cost"
	    " FROM contacts k"
	    " LEFT JOIN temp.pr_used u ON u.code = k.coupon_code"
	    " LEFT JOIN (SELECT k2.id, count(o.id) AS n, sum(o.net) AS net"
	    "  FROM contacts k2 JOIN orders o ON o.customer_id ="
	    "  k2.customer_id AND o.status IN ('completed', 'pending') AND"
	    "  o.ordered_at >= (k2.day + 1) * 86400 AND o.ordered_at <"
	    "  (min(k2.day + ?2, ?3) + 1) * 86400"
	    "  WHERE k2.day <= ?3 GROUP BY k2.id) b ON b.id = k.id"
	    " WHERE k.day <= ?3 AND (?9 IS NULL OR k.playbook = ?9)",
	    p, 3, name, NULL) != 0)
		goto done;
	if (steps_table(db, &pb) != 0)
		goto done;

	csv_row(stdout, o->delim, hdr, sizeof(hdr) / sizeof(hdr[0]));
	/* Steps in the file's order (steps no longer in it after), then
	 * coupons and audiences by name. */
	if (print_groups(db, o, claims_known, "step", "SELECT r.playbook,"
	    " r.step," GROUP_SUMS " FROM temp.pr r LEFT JOIN temp.pb_steps s"
	    " ON s.name = r.step GROUP BY r.playbook, r.step"
	    " ORDER BY r.playbook, coalesce(min(s.idx), 1e9), r.step") != 0 ||
	    print_groups(db, o, claims_known, "coupon", "SELECT playbook,"
	    " prefix," GROUP_SUMS " FROM temp.pr WHERE prefix IS NOT NULL"
	    " GROUP BY playbook, prefix ORDER BY playbook, prefix") != 0 ||
	    print_groups(db, o, claims_known, "audience", "SELECT r.playbook,"
	    " s.audience," GROUP_SUMS " FROM temp.pr r JOIN temp.pb_steps s"
	    " ON s.name = r.step GROUP BY r.playbook, s.audience"
	    " ORDER BY r.playbook, s.audience") != 0)
		goto done;
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
	o.delim = ',';
	o.min_claim = 20;
	o.min_use = 50;
	if (argc >= 2 && (strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "--help") == 0)) {
		fputs(synopsis, stdout);
		fputs("\n", stdout);
		fputs(help, stdout);
		exit(crm_finish_stdout());
	}
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
		switch (ch) {
		case 'A':
			o.asof = optarg;
			break;
		case 'a':
			o.date = optarg;
			break;
		case 'C':
			if (crm_parse_int(optarg, 0, 100, &o.min_claim) != 0)
				crm_usage_error(synopsis, "--min-claim-rate is "
				    "a percent from 0 to 100: '%s'", optarg);
			break;
		case 'D':
			o.db = optarg;
			break;
		case 'h':
			crm_help(synopsis, help);
		case 'L':
			if (crm_parse_int(optarg, 1, 36500, &o.lost_after) != 0)
				crm_usage_error(synopsis, "--lost-after is a "
				    "number of days: '%s'", optarg);
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
		case 'T':
			o.delim = '\t';
			break;
		case 'U':
			if (crm_parse_int(optarg, 0, 100, &o.min_use) != 0)
				crm_usage_error(synopsis, "--min-use-rate is "
				    "a percent from 0 to 100: '%s'", optarg);
			break;
		case 'V':
			crm_version();
			break;
		default:
			crm_usage_error(synopsis, NULL);
		}
	}
	argc -= optind;
	argv += optind;
	if (strcmp(cmd, "check") == 0)
		return cmd_check(argc, argv);
	if (strcmp(cmd, "run") == 0) {
		if (o.asof != NULL || o.days != 0)
			crm_usage_error(synopsis, "--as-of and --days are for "
			    "results");
		return cmd_run(argc, argv, &o);
	}
	if (o.date != NULL || o.dry_run || o.lost_after != 0)
		crm_usage_error(synopsis, "--date, --dry-run and --lost-after "
		    "are for run");
	return cmd_results(argc, argv, &o);
}
