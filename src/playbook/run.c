/*
 * run.c: crm-playbook run in the store.  Who is due for each step on a
 * day (TEMP pb_due), who may be written to (pb_reach), one step per
 * customer under the cap (pb_pick), the contacts with their coupon codes
 * and holdout draw (pb_out), and recording them in contacts.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "audience.h"
#include "crm.h"
#include "playbook/run.h"
#include "segexpr.h"
#include "predict/predict.h"
#include "points/store.h"

/* Prepares sql with int64 parameters ?1..?n (n <= 8) and text ?9, ?10. */
static sqlite3_stmt *
prepare_bound(sqlite3 *db, const char *sql, const int64_t *p, int n,
    const char *t9, const char *t10)
{
	sqlite3_stmt *st;
	int i;

	if ((st = store_prepare(db, sql)) == NULL)
		return NULL;
	for (i = 0; i < n; i++)
		sqlite3_bind_int64(st, i + 1, p[i]);
	if (t9 != NULL)
		sqlite3_bind_text(st, 9, t9, -1, SQLITE_STATIC);
	if (t10 != NULL)
		sqlite3_bind_text(st, 10, t10, -1, SQLITE_STATIC);
	return st;
}

/* Runs sql with the parameters of prepare_bound(). */
int
pb_exec(sqlite3 *db, const char *sql, const int64_t *p, int n,
    const char *t9, const char *t10)
{
	sqlite3_stmt *st;
	int rc;

	if ((st = prepare_bound(db, sql, p, n, t9, t10)) == NULL)
		return -1;
	rc = store_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* The first column of the first row of sql as a number, or -1. */
int64_t
pb_query_int(sqlite3 *db, const char *sql, const int64_t *p, int n,
    const char *t9)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if ((st = prepare_bound(db, sql, p, n, t9, NULL)) == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

/* Column i as text, "" when NULL. */
const char *
pb_col(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? (const char *)s : "";
}

/*
 * TEMP table pb_steps: the playbook's steps in the file's order (idx),
 * for the SQL of run and results.
 */
int
pb_steps_table(sqlite3 *db, const struct playbook *pb)
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

int
pbrun_begin(sqlite3 *db, const struct playbook *pb)
{
	if (pb_steps_table(db, pb) != 0)
		return -1;
	/* idx orders the contacts: the step's, or the recorded id. */
	return store_exec(db, "CREATE TEMP TABLE pb_out (idx INTEGER NOT"
	    " NULL, step TEXT NOT NULL, customer_id INTEGER NOT NULL,"
	    " grp TEXT NOT NULL, template TEXT, code TEXT, threshold INTEGER,"
	    " discount INTEGER, discount_pct INTEGER, expires_day INTEGER,"
	    " variant TEXT)");
}

/* Stage names for an SQL IN list; fixed words, never user text. */
static void
stage_list(struct buf *b, unsigned bits)
{
	int i, first = 1;

	for (i = 0; i < CRM_NSTAGES; i++)
		if (bits & (1u << i)) {
			buf_printf(b, "%s'%s'", first ? "" : ", ",
			    crm_stage_name[i]);
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
 * The lost threshold and the cycle a run works with, on its day and on
 * the day before: the triggers that hang on them cover the purchase days
 * that crossed the line since the day before, so that a threshold that
 * moves neither skips a customer nor takes one twice.
 */
struct thresholds {
	int64_t	 lost, prev_lost;
	double	 cycle, prev_cycle;
	long	 basis, prev_basis;	/* customers the cycle rests on */
};

/*
 * Fills temp.pb_due with the customers due for step i on day d.
 * Returns 0, or -1 after printing why.
 */
static int
due_step(sqlite3 *db, const struct playbook *pb, size_t i, int64_t d,
    const struct thresholds *th, int narrowed, const struct segexpr *seg)
{
	const struct pb_step *s = &pb->steps[i];
	struct buf sql = { 0 };
	char md[6], md2[6];
	int64_t p[5] = { (int64_t)i, 0, 0, 0, d };
	const char *t9 = NULL, *t10 = NULL;
	int y, m, dd, rc, once = 1;

	buf_adds(&sql, "INSERT OR IGNORE INTO temp.pb_due (idx, customer_id)"
	    " SELECT ?1, x.customer_id FROM (");
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
		if (th->basis <= 0) {
			warnx("%s:%ld: step '%s': no repurchase cycle yet "
			    "(nobody bought on two days); skipped", pb->file,
			    s->line, s->name);
			buf_free(&sql);
			return 0;
		}
		/* The cycle came round today, or came round since
		 * yesterday by yesterday's cycle but not by its own. */
		p[1] = d - (int64_t)ceil(th->cycle) - s->days;
		p[2] = th->prev_basis > 0 ? d - 1 -
		    (int64_t)ceil(th->prev_cycle) - s->days : p[1] - 1;
		buf_adds(&sql, "SELECT customer_id FROM temp.asof_stats"
		    " WHERE last_day <= ?2 AND last_day > ?3");
		break;
	case TRIG_LOST:
		/* Lost the day after lost days without a purchase: the
		 * purchase days that crossed the line since yesterday's
		 * threshold. */
		p[1] = d - th->lost - 1 - s->days;
		p[2] = d - 1 - th->prev_lost - 1 - s->days;
		buf_adds(&sql, "SELECT customer_id FROM temp.asof_stats"
		    " WHERE last_day <= ?2 AND last_day > ?3");
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
		once = 0;	/* once a year by its date */
		break;
	case TRIG_P_ALIVE:
		/* BG/NBD's P(alive) as of today and as of yesterday, both
		 * by today's fit (crm-predict(1)); a purchase today is no
		 * fall. */
		if (predict_table(db, d, "pb_palive", PD_USE_PREV) != 0) {
			warnx("%s:%ld: step '%s': no P(alive) (said above); "
			    "skipped", pb->file, s->line, s->name);
			buf_free(&sql);
			return 0;
		}
		buf_printf(&sql, "SELECT customer_id FROM temp.pb_palive"
		    " WHERE p_alive < %.17g AND p_alive_prev >= %.17g",
		    s->level, s->level);
		break;
	case TRIG_POINTS_LAPSE:
		/* Points that lapse on day d + N, still held on day d:
		 * each batch comes within N days once. */
		if (points_table(db, pb->pg, d, "pb_points", &s->days, 1,
		    0) != 0) {
			buf_free(&sql);
			return -1;
		}
		p[1] = s->days;
		buf_adds(&sql, "SELECT customer_id FROM temp.pb_points_lapse"
		    " WHERE days = ?2 AND lapse_on > 0");
		once = 0;	/* once a batch, by its day */
		break;
	case TRIG_TIER_REACHED:
		/* A tier above the one held the day before (by the
		 * programme's ledger, as p_alive compares with yesterday):
		 * each rise once, on its day. */
		if (points_table(db, pb->pg, d, "pb_points", NULL, 0, 0) != 0) {
			buf_free(&sql);
			return -1;
		}
		buf_adds(&sql, "SELECT customer_id FROM temp.pb_points"
		    " WHERE tier_rank > tier_before");
		once = 0;	/* once a rise, by its day */
		break;
	case TRIG_TIER_LOST:
		/* The tier held today goes within N days if the member
		 * buys nothing more; due until contacted, then again only
		 * after a purchase. */
		if (points_table(db, pb->pg, d, "pb_points", NULL, 0,
		    s->days) != 0) {
			buf_free(&sql);
			return -1;
		}
		buf_adds(&sql, "SELECT customer_id FROM temp.pb_points"
		    " WHERE tier_lost IS NOT NULL");
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
		once = 0;	/* once a window, above */
		break;
	}
	buf_adds(&sql, ") AS x WHERE ");
	if (once) {
		/* A customer the step contacted (or held out) is not due
		 * for it again until they buy after that day. */
		t9 = pb->name;
		t10 = s->name;
		buf_adds(&sql, "NOT EXISTS (SELECT 1 FROM contacts k LEFT JOIN"
		    " temp.asof_stats a ON a.customer_id = k.customer_id WHERE"
		    " k.customer_id = x.customer_id AND k.playbook = ?9 AND"
		    " k.step = ?10 AND k.day < ?5 AND (a.last_day IS NULL OR"
		    " a.last_day <= k.day)) AND ");
	}
	switch (s->aud) {
	case AUD_STAGES:
		buf_adds(&sql, "customer_id IN (SELECT customer_id FROM"
		    " temp.pb_stage WHERE stage IN (");
		stage_list(&sql, s->stages);
		buf_adds(&sql, "))");
		break;
	case AUD_SEGMENT:
		if (segexpr_select(db, seg, d, th->lost, "pb_segment") != 0) {
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
	rc = pb_exec(db, sql.s, p, 5, t9, t10);
	buf_free(&sql);
	return rc;
}

/*
 * Makes temp.pb_reach: for each customer in temp.`from`, the email that
 * may be written to (none after an unsubscribe or a bounce up to day d,
 * of the customer's or of the address when the event has no customer),
 * the phone (never a masked one: none is stored) and the account on a
 * platform with a chat, "shopee:wen_0529".
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
	    " email TEXT, phone TEXT, account TEXT);"
	    "INSERT INTO temp.pb_reach SELECT c.id, CASE WHEN"
	    " coalesce(c.email, '') <> '' AND NOT EXISTS (SELECT 1 FROM"
	    " events e WHERE e.customer_id = c.id AND e.kind IN"
	    " ('unsubscribed', 'bounced') AND e.at < %lld) AND lower(c.email)"
	    " NOT IN (SELECT email FROM temp.pb_noemail) THEN c.email END,"
	    " CASE WHEN coalesce(c.phone, '') <> '' AND instr(c.phone, '*') ="
	    " 0 THEN c.phone END,"
	    " " AUDIENCE_CHAT_ACCOUNT("c.id")
	    " FROM customers c WHERE c.id IN (SELECT customer_id FROM"
	    " temp.%s)", (long long)end, (long long)end, from);
	rc = store_exec(db, sql.s);
	buf_free(&sql);
	return rc;
}

/*
 * The best channel a step (via v, an enum pb_via) has to customer r:
 * e-mail, else a text message, else the platform's chat; NULL: none.
 */
#define BEST_CHANNEL(v) "CASE WHEN r.email IS NOT NULL AND " v " <> 2" \
	" THEN 'email' WHEN r.phone IS NOT NULL AND " v " <> 1 THEN 'sms'" \
	" WHEN r.account IS NOT NULL AND " v " = 0 THEN 'chat' END"

int64_t
pbrun_recorded(sqlite3 *db, const struct playbook *pb, int64_t d)
{
	return pb_query_int(db, "SELECT count(*) FROM contacts WHERE"
	    " playbook = ?9 AND day = ?1", &d, 1, pb->name);
}

int
pbrun_replay(sqlite3 *db, const struct playbook *pb, int64_t d)
{
	/* The contacts' ids keep the order they were written in, whatever
	 * has become of the file's steps since. */
	if (pb_exec(db, "INSERT INTO temp.pb_out SELECT k.id, k.step,"
	    " k.customer_id, k.grp, k.template, k.coupon_code, k.threshold,"
	    " k.discount, k.discount_pct, k.expires_day, k.variant"
	    " FROM contacts k"
	    " WHERE k.playbook = ?9 AND k.day = ?1", &d, 1, pb->name, NULL)
	    != 0)
		return -1;
	return make_reach(db, d, "pb_out");
}

/*
 * Each customer once: the highest priority reachable step, unless any
 * playbook wrote to them (or held them out) within the cap: temp.pb_pick.
 */
static int
pick(sqlite3 *db, const struct playbook *pb, int64_t d)
{
	int64_t p[2];

	p[0] = d - pb->cap;
	p[1] = d + pb->cap;
	if (pb_exec(db, "CREATE TEMP TABLE pb_capped AS SELECT DISTINCT"
	    " d.customer_id FROM temp.pb_due d WHERE EXISTS (SELECT 1 FROM"
	    " contacts k WHERE k.customer_id = d.customer_id AND k.day > ?1"
	    " AND k.day < ?2)", p, 2, NULL, NULL) != 0)
		return -1;
	return store_exec(db, "CREATE TEMP TABLE pb_pick AS SELECT idx,"
	    " customer_id FROM (SELECT d.idx, d.customer_id, ROW_NUMBER()"
	    " OVER (PARTITION BY d.customer_id ORDER BY s.priority DESC,"
	    " d.idx) AS rn FROM temp.pb_due d JOIN temp.pb_steps s ON"
	    " s.idx = d.idx JOIN temp.pb_reach r ON r.customer_id ="
	    " d.customer_id WHERE " BEST_CHANNEL("s.via") " IS NOT NULL"
	    " AND d.customer_id NOT IN"
	    " (SELECT customer_id FROM temp.pb_capped)) WHERE rn = 1");
}

/* temp.pb_out from temp.pb_pick: the holdout draw and coupon codes. */
static int
fill_out(sqlite3 *db, const struct playbook *pb, int64_t d,
    struct pb_counts *c)
{
	sqlite3_stmt *st, *ins;
	char code[PB_CODE_MAX];
	int i, rc = -1;

	st = store_prepare(db, "SELECT idx, customer_id FROM temp.pb_pick"
	    " ORDER BY idx, customer_id");
	ins = store_prepare(db, "INSERT INTO temp.pb_out (idx, step,"
	    " customer_id, grp, template, code, threshold, discount,"
	    " discount_pct, expires_day, variant) VALUES (?, ?, ?, ?, ?, ?,"
	    " ?, ?, ?, ?, ?)");
	if (st == NULL || ins == NULL)
		goto out;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		const struct pb_step *s = &pb->steps[sqlite3_column_int(st, 0)];
		int64_t cust = sqlite3_column_int64(st, 1);
		int hold = playbook_holdout(pb, s, cust);
		const struct pb_variant *v = NULL;
		const char *tmpl = s->template;
		int64_t threshold = s->threshold, discount = s->discount;
		int pct = s->discount_pct;

		/* A treatment contact of an A/B step gets its variant's
		 * terms; a holdout gets none. */
		if (!hold && s->nvariants > 0) {
			v = &s->variants[playbook_variant(pb, s, cust)];
			tmpl = v->template;
			threshold = v->threshold;
			discount = v->discount;
			pct = v->discount_pct;
		}
		sqlite3_bind_int64(ins, 1, sqlite3_column_int(st, 0));
		sqlite3_bind_text(ins, 2, s->name, -1, SQLITE_STATIC);
		sqlite3_bind_int64(ins, 3, cust);
		sqlite3_bind_text(ins, 4, hold ? "holdout" : "treatment", -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(ins, 5, tmpl, -1, SQLITE_STATIC);
		if (v != NULL)
			sqlite3_bind_text(ins, 11, v->name, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 11);
		if (s->coupon != NULL) {
			/* A holdout's code is recorded (what it would
			 * have been) but never written out. */
			playbook_code(pb, s, cust, d, code);
			sqlite3_bind_text(ins, 6, code, -1, SQLITE_TRANSIENT);
			sqlite3_bind_int64(ins, 7, threshold);
			if (pct > 0) {
				sqlite3_bind_null(ins, 8);
				sqlite3_bind_int(ins, 9, pct);
			} else {
				sqlite3_bind_int64(ins, 8, discount);
				sqlite3_bind_null(ins, 9);
			}
			sqlite3_bind_int64(ins, 10, d + s->valid);
		} else
			for (i = 6; i <= 10; i++)
				sqlite3_bind_null(ins, i);
		if (store_step(ins) != SQLITE_DONE) {
			rc = -1;
			goto out;
		}
		sqlite3_reset(ins);
		if (hold)
			c->holdout++;
		else
			c->treatment++;
	}
	if (rc == SQLITE_DONE)
		rc = 0;
out:
	sqlite3_finalize(st);
	sqlite3_finalize(ins);
	return rc == 0 ? 0 : -1;
}

/* 1 when a step of pb hangs on the lost threshold or the cycle. */
static int
moving_triggers(const struct playbook *pb)
{
	size_t i;

	for (i = 0; i < pb->nsteps; i++)
		if (pb->steps[i].trig == TRIG_LOST ||
		    pb->steps[i].trig == TRIG_CYCLE)
			return 1;
	return 0;
}

/*
 * The store as of day d (temp.asof_stats), its lost threshold and its
 * cycle.  With quiet set, a store without a cycle is not said again (the
 * run's own day says it) and *lost is -1.
 */
static int
thresholds(sqlite3 *db, int64_t d, int64_t lost_after, int quiet,
    int64_t *lost, double *cycle, long *basis)
{
	if (stats_asof(db, d) != 0)
		return -1;
	/* With --lost-after the cycle is not worked out: cycle triggers
	 * still need it. */
	if (lost_after > 0 || quiet) {
		if ((*basis = repurchase_cycle(db, cycle)) < 0)
			return -1;
		if (lost_after <= 0 && *basis == 0) {
			*lost = -1;
			return 0;
		}
	}
	/* The one lost threshold (DESIGN.md), as crm-segment's. */
	if ((*lost = lost_threshold(db, lost_after, lost_after > 0 ? NULL :
	    cycle, lost_after > 0 ? NULL : basis)) < 0)
		return -1;
	return 0;
}

int
pbrun_compute(sqlite3 *db, const struct playbook *pb, int64_t d,
    int64_t lost_after, struct segexpr *const *seg, struct pb_counts *c)
{
	struct thresholds th;
	size_t i;
	int narrowed;

	memset(c, 0, sizeof(*c));
	memset(&th, 0, sizeof(th));
	if ((narrowed = custlist_load(db, 0)) < 0)
		return -1;
	/* Yesterday's threshold and cycle first (the store as of the day
	 * before), when a step hangs on them; then today's. */
	if (moving_triggers(pb) && thresholds(db, d - 1, lost_after, 1,
	    &th.prev_lost, &th.prev_cycle, &th.prev_basis) != 0)
		return -1;
	if (thresholds(db, d, lost_after, 0, &th.lost, &th.cycle,
	    &th.basis) != 0)
		return -1;
	/* No cycle yesterday (or no step that needs it): today's. */
	if (th.prev_lost <= 0)
		th.prev_lost = th.lost;
	if (lifecycle_table(db, d, th.lost, "pb_stage") != 0)
		return -1;
	if (store_exec(db, "CREATE TEMP TABLE pb_due (idx INTEGER NOT NULL,"
	    " customer_id INTEGER NOT NULL, PRIMARY KEY (idx, customer_id))")
	    != 0)
		return -1;
	for (i = 0; i < pb->nsteps; i++)
		if (due_step(db, pb, i, d, &th, narrowed, seg[i]) != 0)
			return -1;
	if (make_reach(db, d, "pb_due") != 0 || pick(db, pb, d) != 0)
		return -1;
	c->due = pb_query_int(db, "SELECT count(DISTINCT customer_id) FROM"
	    " temp.pb_due", NULL, 0, NULL);
	c->capped = pb_query_int(db, "SELECT count(*) FROM temp.pb_capped",
	    NULL, 0, NULL);
	if (fill_out(db, pb, d, c) != 0)
		return -1;
	c->unreachable = c->due - c->capped - c->treatment - c->holdout;
	/* Of them, those the shop has no way at all to reach. */
	c->no_way = pb_query_int(db, "SELECT count(*) FROM temp.pb_reach r"
	    " WHERE r.email IS NULL AND r.phone IS NULL AND r.account IS NULL"
	    " AND r.customer_id NOT IN (SELECT customer_id FROM"
	    " temp.pb_capped)", NULL, 0, NULL);
	c->email = pb_query_int(db, "SELECT count(*) FROM temp.pb_out o"
	    " JOIN temp.pb_reach r USING (customer_id) JOIN temp.pb_steps s"
	    " ON s.name = o.step WHERE o.grp = 'treatment' AND "
	    BEST_CHANNEL("s.via") " = 'email'", NULL, 0, NULL);
	c->sms = pb_query_int(db, "SELECT count(*) FROM temp.pb_out o"
	    " JOIN temp.pb_reach r USING (customer_id) JOIN temp.pb_steps s"
	    " ON s.name = o.step WHERE o.grp = 'treatment' AND "
	    BEST_CHANNEL("s.via") " = 'sms'", NULL, 0, NULL);
	c->chat = c->treatment - c->email - c->sms;
	return c->no_way < 0 || c->email < 0 || c->sms < 0 ? -1 : 0;
}

int
pbrun_record(sqlite3 *db, const struct playbook *pb, int64_t d)
{
	int64_t p[2];

	p[0] = d;
	p[1] = tz_now_local();
	return pb_exec(db, "INSERT INTO contacts (playbook, step, day,"
	    " customer_id, template, coupon_code, threshold, discount,"
	    " discount_pct, expires_day, grp, created_at, variant) SELECT ?9,"
	    " step, ?1, customer_id, template, code, threshold, discount,"
	    " discount_pct, expires_day, grp, ?2, variant FROM temp.pb_out"
	    " ORDER BY idx, customer_id", p, 2, pb->name, NULL);
}

int
pbrun_contacts(sqlite3 *db, void (*fn)(void *, const struct pb_contact *),
    void *arg)
{
	struct pb_contact k;
	sqlite3_stmt *st;
	int rc;

	st = store_prepare(db, "SELECT o.customer_id, c.name, r.email,"
	    " r.phone, CASE WHEN o.grp = 'holdout' THEN NULL ELSE "
	    BEST_CHANNEL("coalesce(s.via, 0)") " END,"
	    " o.step, o.template, o.code, o.threshold, o.discount,"
	    " o.discount_pct, o.expires_day, o.grp"
	    " FROM temp.pb_out o JOIN customers c ON c.id = o.customer_id"
	    " LEFT JOIN temp.pb_reach r ON r.customer_id = o.customer_id"
	    " LEFT JOIN temp.pb_steps s ON s.name = o.step"
	    " ORDER BY o.idx, o.customer_id");
	if (st == NULL)
		return -1;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		k.customer_id = pb_col(st, 0);
		k.name = pb_col(st, 1);
		k.email = pb_col(st, 2);
		k.phone = pb_col(st, 3);
		k.channel = pb_col(st, 4);
		k.step = pb_col(st, 5);
		k.template = pb_col(st, 6);
		k.code = pb_col(st, 7);
		k.grp = pb_col(st, 12);
		k.holdout = strcmp(k.grp, "holdout") == 0;
		k.coupon = !k.holdout &&
		    sqlite3_column_type(st, 7) != SQLITE_NULL;
		k.threshold = sqlite3_column_int64(st, 8);
		k.discount = sqlite3_column_int64(st, 9);
		k.has_pct = sqlite3_column_type(st, 10) != SQLITE_NULL;
		k.discount_pct = sqlite3_column_int(st, 10);
		k.expires_day = sqlite3_column_int64(st, 11);
		fn(arg, &k);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
