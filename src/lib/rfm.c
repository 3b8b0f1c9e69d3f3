/*
 * rfm.c: RFM scores from quantile break points with ties kept together,
 * and named segments from an ordered rule table.  crm-rfm prints them;
 * crm-segment's r, f, m, rfm and rfm_segment conditions use the same
 * table, so the two programs always agree.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "rfm.h"

/*
 * The usual ten segments (the table of the R package rfm and of Putler),
 * reordered so that every segment can be reached under "first match
 * wins": in the original order At Risk hides Can't Lose Them, and
 * Potential Loyalist hides New Customers, Promising, Need Attention and
 * About To Sleep.  crm-rfm(1) prints this table.
 */
static const struct {
	int	 lo[3], hi[3];
	const char *name;
} default_rules[] = {
	{ { 4, 4, 4 }, { 5, 5, 5 }, "Champions" },
	{ { 2, 3, 3 }, { 5, 5, 5 }, "Loyal Customers" },
	{ { 1, 4, 4 }, { 1, 5, 5 }, "Can't Lose Them" },
	{ { 4, 1, 1 }, { 5, 1, 1 }, "New Customers" },
	{ { 3, 1, 1 }, { 4, 1, 1 }, "Promising" },
	{ { 2, 2, 2 }, { 3, 3, 3 }, "Need Attention" },
	{ { 2, 1, 1 }, { 3, 2, 2 }, "About To Sleep" },
	{ { 3, 1, 1 }, { 5, 3, 3 }, "Potential Loyalist" },
	{ { 1, 2, 2 }, { 2, 5, 5 }, "At Risk" },
	{ { 1, 1, 1 }, { 2, 2, 2 }, "Lost" },
};

struct rfm_rules *
rfm_rules_default(void)
{
	struct rfm_rules *t = xmalloc(sizeof(*t));
	size_t i, n = sizeof(default_rules) / sizeof(default_rules[0]);
	int k;

	t->n = n;
	t->v = xmalloc(n * sizeof(t->v[0]));
	for (i = 0; i < n; i++) {
		for (k = 0; k < 3; k++) {
			t->v[i].lo[k] = default_rules[i].lo[k];
			t->v[i].hi[k] = default_rules[i].hi[k];
		}
		t->v[i].name = xstrdup(default_rules[i].name);
	}
	return t;
}

void
rfm_rules_free(struct rfm_rules *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->v[i].name);
	free(t->v);
	free(t);
}

/* Reads one score: digits; returns the pointer after them, or NULL. */
static const char *
score_num(const char *p, int *v)
{
	long n = 0;

	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p)) {
		n = n * 10 + (*p++ - '0');
		if (n > RFM_BINS_MAX)
			return NULL;
	}
	if (n < 1)
		return NULL;
	*v = (int)n;
	return p;
}

/* Parses "*", "3" or "2-4" ending at a blank; 0, or -1. */
static int
parse_range(const char **pp, int *lo, int *hi)
{
	const char *p = *pp;

	if (*p == '*') {
		*lo = 1;
		*hi = RFM_BINS_MAX;
		p++;
	} else {
		if ((p = score_num(p, lo)) == NULL)
			return -1;
		*hi = *lo;
		if (*p == '-' && ((p = score_num(p + 1, hi)) == NULL ||
		    *hi < *lo))
			return -1;
	}
	if (*p != ' ' && *p != '\t')
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	*pp = p;
	return 0;
}

struct rfm_rules *
rfm_rules_load(const char *path)
{
	static const char *const what[3] = { "R", "F", "M" };
	struct rfm_rules *t;
	FILE *fp;
	char *line = NULL, *end;
	const char *p;
	size_t cap = 0, alloc = 0;
	ssize_t len;
	long lineno = 0;
	int k;

	if ((fp = fopen(path, "r")) == NULL) {
		warn("%s", path);
		return NULL;
	}
	t = xmalloc(sizeof(*t));
	t->v = NULL;
	t->n = 0;
	while ((len = getline(&line, &cap, fp)) != -1) {
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' ||
		    line[len - 1] == '\r' || line[len - 1] == ' ' ||
		    line[len - 1] == '\t'))
			line[--len] = '\0';
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\0' || *p == '#')
			continue;
		if (!utf8_valid(p, strlen(p))) {
			warnx("%s:%ld: not UTF-8", path, lineno);
			goto fail;
		}
		if (t->n == RFM_RULES_MAX) {
			warnx("%s:%ld: more than %d rules", path, lineno,
			    RFM_RULES_MAX);
			goto fail;
		}
		if (t->n == alloc) {
			alloc = alloc == 0 ? 16 : alloc * 2;
			t->v = xrealloc(t->v, alloc * sizeof(t->v[0]));
		}
		for (k = 0; k < 3; k++) {
			if (parse_range(&p, &t->v[t->n].lo[k],
			    &t->v[t->n].hi[k]) != 0) {
				warnx("%s:%ld: bad %s range (want a score "
				    "1-%d, a range like 2-4, or *, then the "
				    "segment name): '%s'", path, lineno,
				    what[k], RFM_BINS_MAX, line);
				goto fail;
			}
		}
		end = line + len;
		if (p == end) {
			warnx("%s:%ld: a rule needs a segment name after its "
			    "three ranges: '%s'", path, lineno, line);
			goto fail;
		}
		t->v[t->n].name = xstrdup(p);
		t->n++;
	}
	if (ferror(fp)) {
		warn("%s", path);
		goto fail;
	}
	if (t->n == 0) {
		warnx("%s: no rules in the segment table", path);
		goto fail;
	}
	free(line);
	fclose(fp);
	return t;
fail:
	free(line);
	fclose(fp);
	rfm_rules_free(t);
	return NULL;
}

/*
 * The scores.  For one measure, with N customers scored and B bins, a
 * customer whose value is beaten (strictly worse) by k of the others
 * scores 1 + floor(B * k / N): the bin that the first of its equals
 * would fall in, were everyone sorted.  Equal values therefore always
 * share a score, and with no ties this is NTILE(B).  "Worse" is a
 * smaller frequency or monetary, and an earlier last purchase day for
 * recency (recency reversed: the most recent score highest).  In SQL,
 * k is RANK() - 1.
 */
int
rfm_table(sqlite3 *db, int64_t asof, int bins, const struct rfm_rules *rules,
    const char *within, const char *into)
{
	struct rfm_rules *def = NULL;
	struct buf sql = { 0 };
	sqlite3_stmt *st = NULL;
	char *q;
	size_t i;
	int k, rc = -1, np;

	if (rules == NULL)
		rules = def = rfm_rules_default();
	q = sqlite3_mprintf(
	    "DROP TABLE IF EXISTS temp.\"%w\";\n"
	    "CREATE TEMP TABLE \"%w\" (customer_id INTEGER PRIMARY KEY,"
	    " recency_days INTEGER NOT NULL, frequency INTEGER NOT NULL,"
	    " monetary INTEGER NOT NULL, r INTEGER NOT NULL,"
	    " f INTEGER NOT NULL, m INTEGER NOT NULL, rfm TEXT NOT NULL,"
	    " segment TEXT NOT NULL)", into, into);
	if (q == NULL || store_exec(db, q) != 0)
		goto done;
	sqlite3_free(q);
	q = sqlite3_mprintf("INSERT INTO temp.\"%w\"\n", into);
	buf_adds(&sql, q);
	/* ?1 as-of day, ?2 bins; then each rule's six bounds and name. */
	buf_adds(&sql,
	    "SELECT customer_id, ?1 - last_day, purchases, spent, r, f, m,"
	    " CASE WHEN ?2 <= 9 THEN r || f || m"
	    " ELSE r || '-' || f || '-' || m END,\n CASE\n");
	np = 2;
	for (i = 0; i < rules->n; i++) {
		buf_adds(&sql, "  WHEN");
		for (k = 0; k < 3; k++)
			buf_printf(&sql, "%s %c BETWEEN ?%d AND ?%d",
			    k > 0 ? " AND" : "", "rfm"[k], np + 2 * k + 1,
			    np + 2 * k + 2);
		buf_printf(&sql, " THEN ?%d\n", np + 7);
		np += 7;
	}
	buf_adds(&sql, "  ELSE 'Others' END\n"
	    "FROM (SELECT customer_id, last_day, purchases, spent,\n"
	    "  1 + ?2 * (RANK() OVER (ORDER BY last_day) - 1) / n AS r,\n"
	    "  1 + ?2 * (RANK() OVER (ORDER BY purchases) - 1) / n AS f,\n"
	    "  1 + ?2 * (RANK() OVER (ORDER BY spent) - 1) / n AS m\n"
	    " FROM (SELECT customer_id, last_day, purchases, spent,"
	    " COUNT(*) OVER () AS n FROM temp.asof_stats");
	sqlite3_free(q);
	q = NULL;
	if (within != NULL) {
		q = sqlite3_mprintf(" WHERE customer_id IN (SELECT customer_id"
		    " FROM temp.\"%w\")", within);
		buf_adds(&sql, q);
	}
	buf_adds(&sql, "))");
	if ((st = store_prepare(db, sql.s)) == NULL)
		goto done;
	sqlite3_bind_int64(st, 1, asof);
	sqlite3_bind_int(st, 2, bins);
	np = 2;
	for (i = 0; i < rules->n; i++) {
		for (k = 0; k < 3; k++) {
			sqlite3_bind_int(st, np + 2 * k + 1, rules->v[i].lo[k]);
			sqlite3_bind_int(st, np + 2 * k + 2, rules->v[i].hi[k]);
		}
		sqlite3_bind_text(st, np + 7, rules->v[i].name, -1,
		    SQLITE_STATIC);
		np += 7;
	}
	if (store_step(st) == SQLITE_DONE)
		rc = 0;
done:
	sqlite3_finalize(st);
	sqlite3_free(q);
	buf_free(&sql);
	rfm_rules_free(def);
	return rc;
}
