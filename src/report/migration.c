/*
 * migration.c: crm-report's migration report: lifecycle stage transitions
 * between two dates.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

/*
 * The matrix's rows and columns: 0 for no stage yet ("none"), then the
 * stages of crm_stage_name[] from 1.
 */
#define NSTAGES (1 + CRM_NSTAGES)
#define ST(s)	(1 + (s))

static const char *
stage_name(int i)
{
	return i == 0 ? "none" : crm_stage_name[i - 1];
}

static int
stage_index(const char *s)
{
	int i;

	for (i = 0; i < CRM_NSTAGES; i++)
		if (s != NULL && strcmp(s, crm_stage_name[i]) == 0)
			return ST(i);
	return 0;
}

int
rp_migration(struct rp_ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	int64_t d2 = c->has_to ? c->to : c->asof, d1, L, m[NSTAGES][NSTAGES];
	int64_t rowsum[NSTAGES] = { 0 };
	double med;
	long basis;
	char a[11], b[11], lab[32];
	int rc, i, j;

	if (d2 > c->asof)
		d2 = c->asof;
	d1 = c->has_from ? c->from : d2 - 30;
	if (d1 >= d2) {
		warnx("migration: --from %s is not before %s", rp_day(d1, a),
		    rp_day(d2, b));
		return -1;
	}
	if (rp_scope_stats(c, d2, 0) != 0)
		return -1;
	if ((L = lost_threshold(c->db, c->lost_after, &med, &basis)) < 0 ||
	    lifecycle_table(c->db, d2, L, "stage_b") != 0 ||
	    rp_scope_stats(c, d1, 1) != 0 ||
	    lifecycle_table(c->db, d1, L, "stage_a") != 0)
		return -1;
	if ((c->list || c->channel != NULL) && store_exec(c->db,
	    "DELETE FROM temp.stage_a WHERE customer_id NOT IN"
	    " (SELECT customer_id FROM temp.custlist) AND"
	    " (SELECT list FROM temp.prm);"
	    "DELETE FROM temp.stage_b WHERE customer_id NOT IN"
	    " (SELECT customer_id FROM temp.custlist) AND"
	    " (SELECT list FROM temp.prm);"
	    "DELETE FROM temp.stage_a WHERE stage = 'potential' AND"
	    " (SELECT ch FROM temp.prm) IS NOT NULL;"
	    "DELETE FROM temp.stage_b WHERE stage = 'potential' AND"
	    " (SELECT ch FROM temp.prm) IS NOT NULL;") != 0)
		return -1;
	memset(m, 0, sizeof(m));
	/* Counted as the rows pass, both tables in customer order. */
	st = rp_prep(c, "SELECT a.stage, b.stage FROM temp.stage_b b"
	    " LEFT JOIN temp.stage_a a USING (customer_id)");
	if (st == NULL)
		return -1;
	while ((rc = store_step(st)) == SQLITE_ROW) {
		i = stage_index((const char *)sqlite3_column_text(st, 0));
		j = stage_index((const char *)sqlite3_column_text(st, 1));
		m[i][j]++;
		rowsum[i]++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (c->out.mode != TM_TABLE) {
		table_init(&t, &c->out);
		table_col(&t, "from_date", NULL, 0);
		table_col(&t, "to_date", NULL, 0);
		table_col(&t, "lost_after", NULL, 0);
		table_col(&t, "from_stage", NULL, 0);
		table_col(&t, "to_stage", NULL, 0);
		table_col(&t, "customers", NULL, 0);
		table_col(&t, "share", NULL, 0);
		for (i = 0; i < NSTAGES; i++)
			for (j = 1; j < NSTAGES; j++) {
				if (m[i][j] == 0)
					continue;
				table_str(&t, rp_day(d1, a));
				table_str(&t, rp_day(d2, b));
				table_int(&t, L);
				table_str(&t, stage_name(i));
				table_str(&t, stage_name(j));
				table_int(&t, m[i][j]);
				table_ratio(&t, m[i][j], rowsum[i]);
				table_endrow(&t);
			}
		table_end(&t);
		return 0;
	}
	tout_title(&c->out, "Lifecycle migration from %s to %s",
	    rp_day(d1, a), rp_day(d2, b));
	tout_note(&c->out, "%sLost after %lld days without a purchase%s%s%s",
	    tc_dim(&c->out), (long long)L, c->channel ? ", channel " : "",
	    c->channel ? c->channel : "", tc_off(&c->out));
	table_init(&t, &c->out);
	table_col(&t, "from", "from \\ to", TC_LEFT | TC_WRAP);
	for (j = 1; j < NSTAGES; j++)
		table_col(&t, stage_name(j), NULL, 0);
	table_col(&t, "total", NULL, 0);
	for (i = 0; i < NSTAGES; i++) {
		if (rowsum[i] == 0)
			continue;
		snprintf(lab, sizeof(lab), "%s", i == 0 ? "(not yet known)" :
		    stage_name(i));
		table_str(&t, lab);
		for (j = 1; j < NSTAGES; j++) {
			char cell[64], n1[32], p1[16];

			if (m[i][j] == 0) {
				table_cell(&t, "", "·", 0);
				continue;
			}
			snprintf(cell, sizeof(cell), "%s %6s",
			    fmt_int(m[i][j], n1), fmt_pct(m[i][j], rowsum[i],
			    p1));
			table_cell(&t, "", cell, 0);
		}
		table_int(&t, rowsum[i]);
		table_endrow(&t);
	}
	table_end(&t);
	tout_note(&c->out, "New became active: %s of %s; active became lost: "
	    "%s of %s; lost came back: %s of %s.",
	    fmt_int(m[ST(CRM_NEW)][ST(CRM_ACTIVE)], (char[32]){ 0 }),
	    fmt_int(rowsum[ST(CRM_NEW)], (char[32]){ 0 }),
	    fmt_int(m[ST(CRM_ACTIVE)][ST(CRM_LOST)], (char[32]){ 0 }),
	    fmt_int(rowsum[ST(CRM_ACTIVE)], (char[32]){ 0 }),
	    fmt_int(m[ST(CRM_LOST)][ST(CRM_ACTIVE)], (char[32]){ 0 }),
	    fmt_int(rowsum[ST(CRM_LOST)], (char[32]){ 0 }));
	return 0;
}

