/*
 * heatmap.c: crm-report's heatmap report: orders by weekday and hour.
 */
#include <err.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

static const char *const wdays[7] = { "Mon", "Tue", "Wed", "Thu", "Fri",
	"Sat", "Sun" };

int
rp_heatmap(struct rp_ctx *c)
{
	struct table t;
	sqlite3_stmt *st;
	int64_t from = c->has_from ? c->from : NOFROM;
	int64_t to = c->has_to ? c->to : c->asof;
	int64_t n[7][24], rv[7][24], max = 0, total = 0, hour[24] = { 0 };
	int rc, d, h, best[3][2], k, narrow, timed = 0;
	FILE *fp;
	char *mem = NULL;
	size_t memlen = 0;

	memset(n, 0, sizeof(n));
	memset(rv, 0, sizeof(rv));
	/* Monday is 0; 1970-01-01, day 0, was a Thursday. */
	st = rp_prep(c, "SELECT ((day + 3) % 7 + 7) % 7, (t - day * 86400)"
	    " / 3600, COUNT(*), SUM(net), MAX(t - day * 86400) FROM temp.p"
	    " WHERE t >= ?1 * 86400 AND t < (?2 + 1) * 86400"
	    " GROUP BY 1, 2");
	if (st == NULL)
		return -1;
	rp_bind2(st, from, to);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		d = sqlite3_column_int(st, 0);
		h = sqlite3_column_int(st, 1);
		n[d][h] = sqlite3_column_int64(st, 2);
		rv[d][h] = sqlite3_column_int64(st, 3);
		if (n[d][h] > max)
			max = n[d][h];
		total += n[d][h];
		hour[h] += n[d][h];
		if (sqlite3_column_int64(st, 4) > 0)
			timed = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (c->out.mode != TM_TABLE) {
		table_init(&t, &c->out);
		table_col(&t, "weekday", NULL, 0);
		table_col(&t, "hour", NULL, 0);
		table_col(&t, "orders", NULL, 0);
		table_col(&t, "revenue", NULL, 0);
		table_col(&t, "share", NULL, 0);
		for (d = 0; d < 7; d++)
			for (h = 0; h < 24; h++) {
				table_str(&t, wdays[d]);
				table_int(&t, h);
				table_int(&t, n[d][h]);
				table_money(&t, rv[d][h]);
				table_ratio(&t, n[d][h], total);
				table_endrow(&t);
			}
		table_end(&t);
		return 0;
	}
	tout_title(&c->out, "Orders by weekday and hour");
	rp_scope_note(c, from, to);
	/*
	 * Three columns an hour (76 in all), or compact: two columns an
	 * hour, the hours named every third (52), or one column, every
	 * sixth (28).
	 */
	narrow = c->out.width >= 4 + 24 * 3 ? 0 :
	    c->out.width >= 4 + 24 * 2 ? 1 : 2;
	if ((fp = open_memstream(&mem, &memlen)) == NULL)
		return -1;
	fprintf(fp, "%s   ", tc_dim(&c->out));
	if (narrow > 0)
		fputc(' ', fp);
	for (h = 0; h < 24; h++)
		if (narrow == 0)
			fprintf(fp, " %02d", h);
		else if (h % (narrow == 1 ? 3 : 6) == 0)
			fprintf(fp, "%-2d", h);
		else if (narrow == 1 || h % 6 != 1)
			fputs(narrow == 1 ? "  " : " ", fp);
	fprintf(fp, "%s\n", tc_off(&c->out));
	for (d = 0; d < 7; d++) {
		fprintf(fp, "%s%s", wdays[d], narrow > 0 ? " " : "");
		for (h = 0; h < 24; h++) {
			const char *s = shade((double)n[d][h], (double)max);

			if (narrow == 2)
				fprintf(fp, "%.3s", *s == ' ' ? " " : s);
			else
				fprintf(fp, "%s%s", narrow ? "" : " ", s);
		}
		fputc('\n', fp);
	}
	fclose(fp);
	put_lines(&c->out, mem, memlen);
	free(mem);
	tout_note(&c->out, "%s░ to 25%%  ▒ 50%%  ▓ 75%%  █ 100%% of the "
	    "busiest hour (%s orders); %s orders in all%s",
	    tc_dim(&c->out), fmt_int(max, (char[32]){ 0 }),
	    fmt_int(total, (char[32]){ 0 }), tc_off(&c->out));
	/* The three busiest weekday-hours and hours of the day. */
	for (k = 0; k < 3; k++) {
		best[k][0] = best[k][1] = -1;
		for (d = 0; d < 7; d++)
			for (h = 0; h < 24; h++) {
				int taken = 0, j;

				for (j = 0; j < k; j++)
					if (best[j][0] == d && best[j][1] == h)
						taken = 1;
				if (!taken && n[d][h] > 0 && (best[k][0] < 0 ||
				    n[d][h] > n[best[k][0]][best[k][1]]))
					best[k][0] = d, best[k][1] = h;
			}
	}
	/* Every order at midnight: the data has dates and no times. */
	if (total > 0 && !timed) {
		tout_note(&c->out, "The orders carry no time of day (all at "
		    "00:00): the hours say nothing, and no hour is advised.");
		return 0;
	}
	if (best[0][0] >= 0) {
		struct buf s = { 0 };

		for (k = 0; k < 3 && best[k][0] >= 0; k++)
			buf_printf(&s, "%s%s %02d:00 (%s)", k ? ", " : "",
			    wdays[best[k][0]], best[k][1],
			    fmt_int(n[best[k][0]][best[k][1]], (char[32]){ 0 }));
		tout_note(&c->out, "Busiest: %s.", s.s);
		buf_reset(&s);
		for (k = 0, h = 0; h < 24; h++)
			if (hour[h] > hour[k])
				k = h;
		tout_note(&c->out, "Busiest hour of the day: %02d:00 (%s of "
		    "orders); mail shortly before it.", k,
		    fmt_pct(hour[k], total, (char[16]){ 0 }));
		buf_free(&s);
	}
	return 0;
}
