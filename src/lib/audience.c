/*
 * audience.c: crm-segment's audiences: the --columns a row can have (SQL
 * over the audience a, its stage u, its stats s and the customer c),
 * narrowing to a customer list, counts, and the rows themselves.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "audience.h"

/* ==== Output columns ==== */

enum ctype { C_TEXT, C_INT, C_MONEY, C_DAY, C_AOV, C_AGE };

/* The arguments of rfm.c's SQL function rfm(what, ...). */
#define RFM_ARGS " s.last_day, s.purchases, s.spent)"
/* The customer's birthday, else the first a membership gives. */
#define BIRTHDAY "coalesce(nullif(c.birthday, ''), (SELECT mb.birthday" \
	" FROM members mb WHERE mb.customer_id = a.customer_id AND" \
	" mb.birthday <> '' ORDER BY mb.id LIMIT 1))"

static const struct audience_column {
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
	{ "birthday",	  C_TEXT,  0, BIRTHDAY },
	{ "age",	  C_AGE,   0, BIRTHDAY },
	{ "tags",	  C_TEXT,  0, "(SELECT group_concat(tag, ' ') FROM"
	    " (SELECT t.tag FROM tags t WHERE t.customer_id = a.customer_id"
	    " ORDER BY t.tag))" },
};
#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

int
audience_columns(struct audience_out *r, const char *list)
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
		if (r->ncol == AUDIENCE_MAXCOLS) {
			warnx("--columns: more than %d columns",
			    AUDIENCE_MAXCOLS);
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

int
audience_print(sqlite3 *db, const struct audience_out *r, FILE *fp)
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
	buf_adds(&sql, r->napl ? " FROM temp." AUDIENCE_STAGES " a" :
	    " FROM temp." AUDIENCE_TABLE " a");
	if (need_u)
		buf_adds(&sql, " LEFT JOIN temp." AUDIENCE_STAGES " u ON"
		    " u.customer_id = a.customer_id");
	if (need_s)
		buf_adds(&sql, " LEFT JOIN temp.asof_stats s ON"
		    " s.customer_id = a.customer_id");
	if (need_c)
		buf_adds(&sql, " LEFT JOIN customers c ON c.id ="
		    " a.customer_id");
	buf_adds(&sql, " ORDER BY a.customer_id");
	st = store_prepare(db, sql.s);
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
	fwrite(line.s, 1, line.len, fp);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		buf_reset(&line);
		buf_add_dec(&line, sqlite3_column_int64(st, 0));
		k = 1;
		if (r->napl) {
			buf_addc(&line, (char)r->delim);
			buf_adds(&line, (const char *)
			    sqlite3_column_text(st, 1));
			buf_addc(&line, (char)r->delim);
			if (sqlite3_column_type(st, 2) != SQLITE_NULL)
				buf_add_dec(&line, sqlite3_column_int64(st, 2));
			buf_addc(&line, (char)r->delim);
			buf_add_dec(&line, r->lost);
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
				buf_add_dec(&line, sqlite3_column_int64(st, k));
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
					buf_add_dec(&line, age);
				break;
			default:
				buf_add_field(&line, r->delim, (const char *)
				    sqlite3_column_text(st, k));
				break;
			}
		}
		buf_addc(&line, '\n');
		if (fwrite(line.s, 1, line.len, fp) != line.len)
			break;
	}
	sqlite3_finalize(st);
	buf_free(&line);
	return rc == SQLITE_DONE || ferror(fp) ? 0 : -1;
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
