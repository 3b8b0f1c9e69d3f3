/*
 * audience.c: crm-segment's audiences: the --columns a row can have (SQL
 * over the audience a, its stage u, its stats s and the customer c),
 * narrowing to a customer list, counts, and the rows themselves.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "audience.h"
#include "rfm.h"
#include "table.h"

/* ==== Output columns ==== */

enum ctype { C_TEXT, C_INT, C_MONEY, C_DAY, C_AOV, C_AGE };

/* The arguments of rfm.c's SQL function rfm(what, ...). */
#define RFM_ARGS " s.last_day, s.purchases, s.spent)"
/* The customer's birthday, else the first a membership gives. */
/* The phone, which is never a masked one (it would identify nobody). */
#define PHONE "CASE WHEN instr(c.phone, '*') = 0 THEN nullif(c.phone, '') END"
/* A customer's accounts: the one on the first channel first. */
#define ACCOUNT_ORDER "i.channel <> (SELECT c1.channel FROM customers c1" \
	" WHERE c1.id = i.customer_id), i.channel, i.value"
#define BIRTHDAY "coalesce(nullif(c.birthday, ''), (SELECT mb.birthday" \
	" FROM members mb WHERE mb.customer_id = a.customer_id AND" \
	" mb.birthday <> '' ORDER BY mb.id LIMIT 1))"

static const struct audience_column {
	const char *name;
	enum ctype type;
	int	 rfm;			/* needs the RFM table */
	const char *sql;		/* over a, u, s, c; :end is asof's end */
} columns[] = {
	{ "name",	  C_TEXT,  0, "c.name" },
	{ "email",	  C_TEXT,  0, "c.email" },
	{ "phone",	  C_TEXT,  0, PHONE },
	{ "phone_intl",	  C_TEXT,  0, "CASE WHEN " PHONE " LIKE '+%' THEN"
	    " c.phone WHEN " PHONE " GLOB '0[1-9]*' THEN '+886' ||"
	    " substr(c.phone, 2) END" },
	{ "account",	  C_TEXT,  0, "(SELECT i.channel || ':' || i.value"
	    " FROM identities i WHERE i.customer_id = a.customer_id AND"
	    " i.kind = 'account' ORDER BY " ACCOUNT_ORDER " LIMIT 1)" },
	{ "accounts",	  C_TEXT,  0, "(SELECT group_concat(v, ' ') FROM"
	    " (SELECT i.channel || ':' || i.value AS v FROM identities i"
	    " WHERE i.customer_id = a.customer_id AND i.kind = 'account'"
	    " ORDER BY " ACCOUNT_ORDER "))" },
	{ "chat_account", C_TEXT,  0, AUDIENCE_CHAT_ACCOUNT("a.customer_id") },
	{ "first_channel", C_TEXT, 0, "c.channel" },
	{ "channels",	  C_TEXT,  0, "coalesce((SELECT group_concat(channel,"
	    " ' ') FROM (SELECT DISTINCT o.channel FROM orders o WHERE"
	    " o.customer_id = a.customer_id AND " CRM_PURCHASE("o.")
	    " AND o.ordered_at < :end ORDER BY o.channel)), c.channel)" },
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
	{ "birthday",	  C_TEXT,  0, BIRTHDAY },
	{ "age",	  C_AGE,   0, BIRTHDAY },
	{ "tags",	  C_TEXT,  0, "(SELECT group_concat(tag, ' ') FROM"
	    " (SELECT t.tag FROM tags t WHERE t.customer_id = a.customer_id"
	    " ORDER BY t.tag))" },
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

/* Presets: the columns a common destination imports (crm(7)). */
static const struct {
	const char *name, *list;
} presets[] = {
	{ "mail",  "email,name,tags" },
	{ "sms",   "phone_intl,name" },
	{ "plain", "name,account,phone,email,channels" },
};

/* Adds one column or preset; 0, or -1 after saying what is wrong. */
static int
add_column(struct audience_out *r, const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(presets) / sizeof(presets[0]); i++)
		if (strcasecmp(presets[i].name, name) == 0)
			return audience_columns(r, presets[i].list);
	for (i = 0; i < NCOLUMNS; i++)
		if (strcasecmp(columns[i].name, name) == 0)
			break;
	if (i == NCOLUMNS) {
		if (strcasecmp(name, "channel") == 0)
			warnx("--columns: no column 'channel': the channel a "
			    "customer was first seen on is first_channel, "
			    "the channels they bought on are channels");
		else
			warnx("--columns: unknown column '%s' (see "
			    "COLUMNS in crm(7))", name);
		return -1;
	}
	if (r->ncol == AUDIENCE_MAXCOLS) {
		warnx("--columns: more than %d columns", AUDIENCE_MAXCOLS);
		return -1;
	}
	r->col[r->ncol++] = &columns[i];
	if (columns[i].rfm)
		r->need_rfm = 1;
	if (strcmp(columns[i].name, "stage") == 0)
		r->need_stage = 1;
	return 0;
}

int
audience_columns(struct audience_out *r, const char *list)
{
	char *s = xstrdup(list), *p = s, *name;
	int rc = 0;

	while (rc == 0 && (name = strsep(&p, ",")) != NULL) {
		while (*name == ' ')
			name++;
		if (*name != '\0')
			rc = add_column(r, name);
	}
	free(s);
	return rc;
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

/*
 * Appends column i of r from statement st at its column k (raw: as
 * text, else as a field quoted for r->delim); returns the next k.
 */
static int
put_value(const struct audience_out *r, size_t i, sqlite3_stmt *st, int k,
    struct buf *line, int raw)
{
	char m[32], day[11];
	int64_t spent, n;
	int age;

	if (r->col[i]->type == C_AOV) {
		spent = sqlite3_column_int64(st, k);
		n = sqlite3_column_int64(st, k + 1);
		if (n > 0)
			buf_adds(line, money_format(spent >= 0 ? (spent +
			    n / 2) / n : -((-spent + n / 2) / n), m));
		return k + 2;
	}
	if (sqlite3_column_type(st, k) == SQLITE_NULL)
		return k + 1;
	switch (r->col[i]->type) {
	case C_INT:
		buf_add_dec(line, sqlite3_column_int64(st, k));
		break;
	case C_MONEY:
		buf_adds(line, money_format(sqlite3_column_int64(st, k), m));
		break;
	case C_DAY:
		buf_adds(line, day_format(sqlite3_column_int64(st, k), day));
		break;
	case C_AGE:
		age = age_of((const char *)sqlite3_column_text(st, k),
		    r->asof);
		if (age >= 0)
			buf_add_dec(line, age);
		break;
	default:
		if (raw)
			buf_adds(line, (const char *)sqlite3_column_text(st,
			    k));
		else
			buf_add_field(line, r->delim, (const char *)
			    sqlite3_column_text(st, k));
		break;
	}
	return k + 1;
}

/* Appends every column of r from st, from its column k, each after a
 * delimiter. */
static void
put_columns(const struct audience_out *r, sqlite3_stmt *st, int k,
    struct buf *line)
{
	size_t i;

	for (i = 0; i < r->ncol; i++) {
		buf_addc(line, (char)r->delim);
		k = put_value(r, i, st, k, line, 0);
	}
}

/* Whether a column of r reads the stage table (u). */
static int
reads_stages(const struct audience_out *r)
{
	size_t i;

	for (i = 0; i < r->ncol; i++)
		if (strstr(r->col[i]->sql, "u.") != NULL)
			return 1;
	return 0;
}

/*
 * Prepares "SELECT head, the columns of r FROM from a" with the joins
 * they need, and binds :end (the end of the as-of day).
 */
static sqlite3_stmt *
columns_prepare(sqlite3 *db, const struct audience_out *r, const char *head,
    const char *from, const char *tail)
{
	struct buf sql = { 0 };
	sqlite3_stmt *st;
	size_t i;
	int k, need_u = 0, need_s = 0, need_c = 0;

	buf_adds(&sql, head);
	for (i = 0; i < r->ncol; i++)
		buf_printf(&sql, ", %s", r->col[i]->sql);
	/* Only the tables the columns need: napl reads one. */
	need_u = reads_stages(r);
	for (i = 0; i < r->ncol; i++) {
		need_s |= strstr(r->col[i]->sql, "s.") != NULL;
		need_c |= strstr(r->col[i]->sql, "c.") != NULL;
	}
	buf_printf(&sql, " FROM %s a", from);
	if (need_u)
		buf_adds(&sql, " LEFT JOIN temp." AUDIENCE_STAGES " u ON"
		    " u.customer_id = a.customer_id");
	if (need_s)
		buf_adds(&sql, " LEFT JOIN temp.asof_stats s ON"
		    " s.customer_id = a.customer_id");
	if (need_c)
		buf_adds(&sql, " LEFT JOIN customers c ON c.id ="
		    " a.customer_id");
	buf_adds(&sql, tail);
	st = store_prepare(db, sql.s);
	buf_free(&sql);
	if (st != NULL && (k = sqlite3_bind_parameter_index(st, ":end")) > 0)
		sqlite3_bind_int64(st, k, (r->asof + 1) * DAY_SECS);
	return st;
}

/* The audience's rows in customer_id order: the id, for napl the stage
 * and days since, then the columns. */
static sqlite3_stmt *
rows_prepare(sqlite3 *db, const struct audience_out *r)
{
	if (r->stream)
		return lifecycle_stream(db, r->asof, r->lost);
	return columns_prepare(db, r, r->napl ? "SELECT a.customer_id,"
	    " a.stage, a.days_since" : "SELECT a.customer_id", r->napl ?
	    "temp." AUDIENCE_STAGES : "temp." AUDIENCE_TABLE,
	    " ORDER BY a.customer_id");
}

const char *
audience_column_name(const struct audience_out *r, size_t i)
{
	return r->col[i]->name;
}

void
audience_header(const struct audience_out *r, struct buf *line)
{
	size_t i;

	for (i = 0; i < r->ncol; i++) {
		buf_addc(line, (char)r->delim);
		buf_adds(line, r->col[i]->name);
	}
}

int
audience_print(sqlite3 *db, const struct audience_out *r, FILE *fp)
{
	struct buf line = { 0 };
	sqlite3_stmt *st;
	int rc, tty;

	st = rows_prepare(db, r);
	if (st == NULL)
		return -1;
	buf_adds(&line, "customer_id");
	if (r->napl)
		buf_printf(&line, "%cstage%cdays_since%clost_after", r->delim,
		    r->delim, r->delim);
	audience_header(r, &line);
	buf_addc(&line, '\n');
	fwrite(line.s, 1, line.len, fp);
	tty = isatty(fileno(fp));
	while ((rc = store_step(st)) == SQLITE_ROW) {
		buf_reset(&line);
		buf_add_dec(&line, sqlite3_column_int64(st, 0));
		if (r->napl) {
			buf_addc(&line, (char)r->delim);
			buf_adds(&line, (const char *)
			    sqlite3_column_text(st, 1));
			buf_addc(&line, (char)r->delim);
			if (sqlite3_column_type(st, 2) != SQLITE_NULL)
				buf_add_dec(&line, sqlite3_column_int64(st, 2));
			buf_addc(&line, (char)r->delim);
			buf_add_dec(&line, r->lost);
		}
		put_columns(r, st, r->napl ? 3 : 1, &line);
		buf_addc(&line, '\n');
		if (text_write(line.s, line.len, fp, tty) != line.len)
			break;
	}
	sqlite3_finalize(st);
	buf_free(&line);
	return rc == SQLITE_DONE || ferror(fp) ? 0 : -1;
}

/* ==== The same rows as table cells, for spreadsheets ==== */

int
audience_table_cols(const struct audience_out *r, struct table *t)
{
	size_t i;

	if ((size_t)t->ncols + r->ncol > TABLE_MAXCOLS) {
		warnx("--columns: a spreadsheet row has at most %d columns",
		    TABLE_MAXCOLS);
		return -1;
	}
	for (i = 0; i < r->ncol; i++)
		table_col(t, r->col[i]->name, NULL, r->col[i]->type ==
		    C_TEXT || r->col[i]->type == C_DAY ? TC_LEFT : 0);
	return 0;
}

/*
 * Adds column i of r from st at its column k to t as a typed cell (the
 * same text as in CSV); returns the next k.
 */
static int
put_cell(const struct audience_out *r, size_t i, sqlite3_stmt *st, int k,
    struct table *t, struct buf *v)
{
	const char *why;
	int64_t n;
	enum ctype type = r->col[i]->type;

	buf_reset(v);
	buf_adds(v, "");
	k = put_value(r, i, st, k, v, 1);
	if (v->len == 0)
		table_null(t);
	else if (type == C_INT || type == C_AGE)
		table_int(t, strtoll(v->s, NULL, 10));
	else if ((type == C_MONEY || type == C_AOV) &&
	    money_parse(v->s, &n, &why) == 0)
		table_money(t, n);
	else
		table_str(t, v->s);
	return k;
}

int
audience_write(sqlite3 *db, const struct audience_out *r, struct tout *o)
{
	struct table t;
	struct buf v = { 0 };
	sqlite3_stmt *st;
	size_t i;
	int k, rc;

	table_init(&t, o);
	table_col(&t, "customer_id", NULL, 0);
	if (r->napl) {
		table_col(&t, "stage", NULL, TC_LEFT);
		table_col(&t, "days_since", NULL, 0);
		table_col(&t, "lost_after", NULL, 0);
	}
	if (audience_table_cols(r, &t) != 0) {
		table_end(&t);
		return -1;
	}
	st = rows_prepare(db, r);
	if (st == NULL) {
		table_end(&t);
		return -1;
	}
	while ((rc = store_step(st)) == SQLITE_ROW) {
		/* The id as text, as ids are. */
		table_str(&t, (const char *)sqlite3_column_text(st, 0));
		if (r->napl) {
			table_str(&t, (const char *)sqlite3_column_text(st, 1));
			if (sqlite3_column_type(st, 2) != SQLITE_NULL)
				table_int(&t, sqlite3_column_int64(st, 2));
			else
				table_null(&t);
			table_int(&t, r->lost);
		}
		for (i = 0, k = r->napl ? 3 : 1; i < r->ncol; i++)
			k = put_cell(r, i, st, k, &t, &v);
		table_endrow(&t);
	}
	table_end(&t);
	sqlite3_finalize(st);
	buf_free(&v);
	return rc == SQLITE_DONE ? 0 : -1;
}

/* ==== Columns for programs that write their own rows ==== */

struct audience_lookup {
	const struct audience_out *r;
	sqlite3_stmt *st;
	int	 id;			/* the index of :id */
};

/* Whether TEMP table (or view) name exists. */
static int
temp_exists(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st;
	int yes = 0;

	st = store_prepare(db, "SELECT 1 FROM temp.sqlite_master WHERE"
	    " type IN ('table', 'view') AND name = ?");
	if (st == NULL)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	yes = store_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

/*
 * The stage table the columns of r read (stage, days_since), made when
 * they read it and it is not there yet (an expression's audience is
 * selected without one).  0, or -1.
 */
int
audience_stage_table(sqlite3 *db, const struct audience_out *r)
{
	int have;

	if (!reads_stages(r))
		return 0;
	if ((have = temp_exists(db, AUDIENCE_STAGES)) != 0)
		return have > 0 ? 0 : -1;
	return lifecycle_table(db, r->asof, r->lost, AUDIENCE_STAGES);
}

struct audience_lookup *
audience_lookup_open(sqlite3 *db, struct audience_out *r,
    int64_t lost_after, const struct rfm_rules *rules)
{
	struct audience_lookup *l;
	sqlite3_stmt *st;

	if (temp_exists(db, "asof_stats") == 0 &&
	    stats_asof(db, r->asof) != 0)
		return NULL;
	if (reads_stages(r) && temp_exists(db, AUDIENCE_STAGES) == 0 &&
	    ((r->lost = lost_threshold(db, lost_after, NULL, NULL)) < 0 ||
	    audience_stage_table(db, r) != 0))
		return NULL;
	if (r->need_rfm && rfm_sql_function(db, r->bins > 0 ? r->bins : 5,
	    rules, r->within) != 0)
		return NULL;
	st = columns_prepare(db, r, "SELECT a.customer_id", "(SELECT :id AS"
	    " customer_id)", "");
	if (st == NULL)
		return NULL;
	l = xmalloc(sizeof(*l));
	l->r = r;
	l->st = st;
	l->id = sqlite3_bind_parameter_index(st, ":id");
	return l;
}

int
audience_lookup_row(struct audience_lookup *l, int64_t id, struct buf *line)
{
	int rc;

	sqlite3_bind_int64(l->st, l->id, id);
	if ((rc = store_step(l->st)) == SQLITE_ROW)
		put_columns(l->r, l->st, 1, line);
	sqlite3_reset(l->st);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
audience_lookup_each(struct audience_lookup *l, int64_t id,
    void (*fn)(void *, const char *, const char *), void *arg)
{
	struct buf v = { 0 };
	size_t i;
	int k = 1, rc;

	sqlite3_bind_int64(l->st, l->id, id);
	if ((rc = store_step(l->st)) == SQLITE_ROW)
		for (i = 0; i < l->r->ncol; i++) {
			buf_reset(&v);
			buf_adds(&v, "");
			k = put_value(l->r, i, l->st, k, &v, 1);
			fn(arg, l->r->col[i]->name, v.s);
		}
	sqlite3_reset(l->st);
	buf_free(&v);
	return rc == SQLITE_ROW ? 0 : -1;
}

int
audience_lookup_cells(struct audience_lookup *l, int64_t id,
    struct table *t)
{
	struct buf v = { 0 };
	size_t i;
	int k = 1, rc;

	sqlite3_bind_int64(l->st, l->id, id);
	if ((rc = store_step(l->st)) == SQLITE_ROW)
		for (i = 0; i < l->r->ncol; i++)
			k = put_cell(l->r, i, l->st, k, t, &v);
	sqlite3_reset(l->st);
	buf_free(&v);
	return rc == SQLITE_ROW ? 0 : -1;
}

void
audience_table_cell(void *arg, const char *name, const char *value)
{
	(void)name;
	if (*value == '\0')
		table_null(arg);
	else
		table_str(arg, value);
}

void
audience_lookup_close(struct audience_lookup *l)
{
	if (l == NULL)
		return;
	sqlite3_finalize(l->st);
	free(l);
}

static const char *
audience_table(int napl)
{
	return napl ? "temp." AUDIENCE_STAGES : "temp." AUDIENCE_TABLE;
}

int
audience_narrow(sqlite3 *db, int napl)
{
	struct buf sql = { 0 };
	int rc;

	buf_printf(&sql, "DELETE FROM %s WHERE customer_id NOT IN (SELECT "
	    "customer_id FROM temp.custlist)", audience_table(napl));
	rc = store_exec(db, sql.s);
	buf_free(&sql);
	return rc;
}

int64_t
audience_count(sqlite3 *db, int napl)
{
	sqlite3_stmt *st;
	int64_t n = -1;

	st = store_prepare(db, napl ? "SELECT COUNT(*) FROM temp."
	    AUDIENCE_STAGES : "SELECT COUNT(*) FROM temp." AUDIENCE_TABLE);
	if (st == NULL)
		return -1;
	if (store_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int
audience_stages(sqlite3 *db, int64_t n[CRM_NSTAGES])
{
	sqlite3_stmt *st;
	const char *s;
	int i;

	for (i = 0; i < CRM_NSTAGES; i++)
		n[i] = 0;
	st = store_prepare(db, "SELECT stage, COUNT(*) FROM temp."
	    AUDIENCE_STAGES " GROUP BY stage");
	if (st == NULL)
		return -1;
	while (store_step(st) == SQLITE_ROW) {
		s = (const char *)sqlite3_column_text(st, 0);
		for (i = 0; i < CRM_NSTAGES; i++)
			if (strcmp(s, crm_stage_name[i]) == 0)
				n[i] = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}
