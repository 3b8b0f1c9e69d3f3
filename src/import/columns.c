/*
 * columns.c: where a file keeps each field.  Recognises an export's
 * format from its header (or takes the one named), applies --map and
 * --map-file overrides, maps every field to its columns, checks that the
 * fields a kind of file needs are there, and reads status words.
 */
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm.h"
#include "import/columns.h"
#include "import/rows.h"
#include "import/run.h"
#include "import/write.h"

const char *const field_names[NFIELDS] = {
	"order_id", "ordered_at", "channel", "status", "account", "phone",
	"email", "name", "sku", "product", "category", "quantity",
	"unit_price", "shipping", "discount", "coupon", "paid_total",
	"returned_quantity", "refund", "cost", "address", "cancel_reason",
	"return_status", "items", "variation", "credit", "points_used",
	"member_no", "joined_at", "birthday", "gender", "tags",
	"event", "campaign", "at", "buyer", "ref", "points",
};

static int
field_index(const char *name)
{
	int i;

	for (i = 0; i < NFIELDS; i++)
		if (strcmp(field_names[i], name) == 0)
			return i;
	return -1;
}

/* Whether s is an ISO 4217 code as crm-import takes one: 3 capitals. */
int
currency_code(const char *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return 0;
	return s[3] == '\0';
}

/* Whether kind is one crm-import reads. */
int
import_kind_known(const char *kind)
{
	return strcmp(kind, "orders") == 0 || strcmp(kind, "members") == 0 ||
	    strcmp(kind, "events") == 0 || strcmp(kind, "claims") == 0 ||
	    strcmp(kind, "redemptions") == 0;
}

/* Settings a format file may hold besides fields and status words. */
static const char *const settings[] = {
	"order_key_length", "cancel_unless", "price_missing", "currency",
};

/* The field or setting closest to name, when it is close, else NULL. */
static const char *
near_field(const char *name)
{
	const char *best = NULL;
	size_t i;
	int d, bd = 3;

	if (strlen(name) < 3)
		return NULL;
	for (i = 0; i < NFIELDS + sizeof(settings) / sizeof(settings[0]);
	    i++) {
		const char *k = i < NFIELDS ? field_names[i] :
		    settings[i - NFIELDS];

		if ((d = text_distance(name, k)) < bd) {
			bd = d;
			best = k;
		}
	}
	return best;
}

/*
 * Checks that every key of f is a field, a setting or a status word.
 * Returns 0, or -1 after printing why.
 */
int
format_check(const struct format *f, const char *where)
{
	const char *near;
	size_t i, k;

	for (i = 0; i < f->nentries; i++) {
		const char *key = f->entries[i].key;

		if (field_index(key) >= 0 || strncmp(key, "status ", 7) == 0)
			continue;
		for (k = 0; k < sizeof(settings) / sizeof(settings[0]); k++)
			if (strcmp(key, settings[k]) == 0)
				break;
		if (k < sizeof(settings) / sizeof(settings[0]))
			continue;
		near = near_field(key);
		if (near != NULL)
			warnx("%s: unknown field '%s'; did you mean '%s'? (see "
			    "crm-import(1), FIELDS)", where, key, near);
		else
			warnx("%s: unknown field '%s' (see crm-import(1), "
			    "FIELDS)", where, key);
		return -1;
	}
	if (!import_kind_known(f->kind)) {
		warnx("%s: unknown kind '%s' (orders, members, events, claims, "
		    "redemptions)", where, f->kind);
		return -1;
	}
	return 0;
}

/*
 * Adds "field=column" pairs, separated by commas, to the overrides.
 * Returns 0, or -1 after printing why.
 */
int
map_add(struct format *m, char *spec)
{
	char *item, *next;
	const char *why;

	for (item = spec; item != NULL; item = next) {
		if ((next = strchr(item, ',')) != NULL)
			*next++ = '\0';
		while (*item == ' ')
			item++;
		if (*item == '\0')
			continue;
		if (strchr(item, '=') == NULL) {
			warnx("--map: '%s' is not FIELD=COLUMN", item);
			return -1;
		}
		if (format_line(m, item, &why) != 0) {
			warnx("--map: %s", why);
			return -1;
		}
	}
	return format_check(m, "--map");
}

int
map_file(struct format *m, const char *path)
{
	FILE *fp;
	char *line = NULL, where[600];
	const char *why;
	size_t cap = 0;
	long lineno = 0;
	int rc = 0;

	if ((fp = fopen(path, "r")) == NULL) {
		warn("%s", path);
		return -1;
	}
	while (rc == 0 && getline(&line, &cap, fp) >= 0) {
		lineno++;
		snprintf(where, sizeof(where), "%s:%ld", path, lineno);
		if ((rc = format_line(m, line, &why)) != 0)
			warnx("%s: %s", where, why);
		else
			rc = format_check(m, where);
	}
	free(line);
	fclose(fp);
	return rc;
}

static const struct {
	const char *word;
	enum status st;
} status_words[] = {
	{ "completed", S_COMPLETED }, { "complete", S_COMPLETED },
	{ "done", S_COMPLETED }, { "paid", S_COMPLETED },
	{ "shipped", S_COMPLETED }, { "delivered", S_COMPLETED },
	{ "fulfilled", S_COMPLETED }, { "已完成", S_COMPLETED },
	{ "完成", S_COMPLETED }, { "訂單完成", S_COMPLETED },
	{ "已付款", S_COMPLETED }, { "已出貨", S_COMPLETED },
	{ "已送達", S_COMPLETED }, { "已取件", S_COMPLETED },
	{ "已配達", S_COMPLETED }, { "已收貨", S_COMPLETED },
	{ "pending", S_PENDING }, { "unpaid", S_PENDING },
	{ "processing", S_PENDING }, { "unfulfilled", S_PENDING },
	{ "to ship", S_PENDING }, { "shipping", S_PENDING },
	{ "待出貨", S_PENDING }, { "待付款", S_PENDING },
	{ "處理中", S_PENDING }, { "運送中", S_PENDING },
	{ "待收貨", S_PENDING }, { "未出貨", S_PENDING },
	{ "cancelled", S_CANCELLED }, { "canceled", S_CANCELLED },
	{ "cancel", S_CANCELLED }, { "void", S_CANCELLED },
	{ "voided", S_CANCELLED }, { "已取消", S_CANCELLED },
	{ "取消", S_CANCELLED }, { "不成立", S_CANCELLED },
	{ "訂單不成立", S_CANCELLED }, { "已刪除", S_CANCELLED },
	{ "returned", S_RETURNED }, { "refunded", S_RETURNED },
	{ "return", S_RETURNED }, { "refund", S_RETURNED },
	{ "退貨", S_RETURNED }, { "退款", S_RETURNED },
	{ "已退貨", S_RETURNED }, { "已退款", S_RETURNED },
	{ "退貨/退款", S_RETURNED }, { "退貨退款", S_RETURNED },
	{ "credit", S_CREDIT }, { "credit note", S_CREDIT },
	{ "credited", S_CREDIT }, { "折讓", S_CREDIT },
};

/*
 * Reads a status word: the format's own words first ("status 配送完成 =
 * completed" in its file), then the common ones.
 */
int
status_parse(const struct format *f, const char *s, enum status *st)
{
	size_t i;

	for (i = 0; f != NULL && i < f->nentries; i++) {
		const struct fmt_entry *e = &f->entries[i];

		if (strncmp(e->key, "status ", 7) != 0 || e->nvals == 0 ||
		    strcasecmp(e->key + 7, s) != 0)
			continue;
		if (status_from_name(e->vals[0], st) == 0)
			return 0;
	}

	for (i = 0; i < sizeof(status_words) / sizeof(status_words[0]); i++)
		if (strcasecmp(s, status_words[i].word) == 0) {
			*st = status_words[i].st;
			return 0;
		}
	return -1;
}


static int check_columns(struct run *);
static int check_twice(struct run *);

/* Finds the columns for field f among the header cells. */
static void
map_field(struct run *r, int f, const struct fmt_entry *e)
{
	size_t a, i;
	int pass, k;

	for (a = 0; e != NULL && a < e->nvals; a++)
		for (pass = 0; pass < 2; pass++)	/* exact, then prefix */
			for (i = 0; i < r->ncols; i++) {
				if (r->map.ncol[f] == MAXALT ||
				    !header_matches(r->cells[i], e->vals[a],
				    pass))
					continue;
				for (k = 0; k < r->map.ncol[f]; k++)
					if (r->map.col[f][k] == (long)i)
						break;
				if (k < r->map.ncol[f])
					continue;
				if (r->map.ncol[f] == 0)
					buf_adds(&r->map.hdr[f], r->cells[i]);
				r->map.col[f][r->map.ncol[f]++] = (long)i;
			}
}

/*
 * When the header is one column holding tabs, semicolons or bars, what
 * to pass for them (after "; "), else "".
 */
static const char *
delim_hint(const struct run *r)
{
	if (r->ncols != 1)
		return "";
	if (strchr(r->cells[0], '\t') != NULL)
		return "; the header has tabs: pass -t";
	if (strchr(r->cells[0], ';') != NULL)
		return "; the header has semicolons: pass -d ';'";
	if (strchr(r->cells[0], '|') != NULL)
		return "; the header has bars: pass -d '|'";
	return "";
}

/* How many header cells the fields of f name (columns it would read). */
static int
format_fit(const struct format *f, char *const *cells, size_t n)
{
	size_t i, e, a;
	int fit = 0, hit;

	for (i = 0; i < n; i++) {
		hit = 0;
		for (e = 0; e < f->nentries && !hit; e++) {
			if (field_index(f->entries[e].key) < 0)
				continue;
			for (a = 0; a < f->entries[e].nvals && !hit; a++)
				hit = header_matches(cells[i],
				    f->entries[e].vals[a], 1);
		}
		fit += hit;
	}
	return fit;
}

/*
 * Picks the format of a file from its header: the one whose "detect"
 * columns are all present, the most specific first.  Returns it, or NULL
 * after saying why: the columns missing from the format the header
 * resembles most (the most of its columns named by a format's fields,
 * then the most detect columns; one with none of its detect columns
 * must name more than half the header), or the formats known.
 */
static struct format *
detect_format(struct run *r)
{
	struct format **all, *best = NULL, *near = NULL;
	struct buf names = { 0 }, missing = { 0 }, near_missing = { 0 };
	size_t n, i;
	int score, top = 0, fit, nearfit = 0, neartop = 0;

	n = format_all(&all);
	for (i = 0; i < n; i++) {
		if (r->kind != NULL && strcmp(all[i]->kind, r->kind) != 0)
			continue;
		buf_printf(&names, "%s%s", names.len ? ", " : "", all[i]->name);
		buf_reset(&missing);
		score = format_score(all[i], r->cells, r->ncols, &missing);
		if (missing.len == 0) {
			if (score > top) {
				top = score;
				best = all[i];
			}
			continue;
		}
		fit = format_fit(all[i], r->cells, r->ncols);
		/* Without a detect column, it must name most columns. */
		if (score == 0 && 2 * (size_t)fit <= r->ncols)
			continue;
		if (fit > nearfit || (fit == nearfit && score > neartop)) {
			nearfit = fit;
			neartop = score;
			near = all[i];
			buf_reset(&near_missing);
			buf_adds(&near_missing, missing.s);
		}
	}
	if (best == NULL && near != NULL)
		warnx("%s:%ld: no column for %s: this looks like format %s "
		    "(%d columns match its fields) but is not (name the columns "
		    "with --map, or the format with --format)%s",
		    csvr_name(r->in), csvr_line(r->in), near_missing.s,
		    near->name, nearfit, delim_hint(r));
	else if (best == NULL)
		warnx("%s:%ld: not a format crm-import knows (%s); name it "
		    "with --format, --format-file or --map%s",
		    csvr_name(r->in), csvr_line(r->in), n ? names.s :
		    "no format files found; set CRM_FORMATS", delim_hint(r));
	for (i = 0; i < n; i++)
		if (all[i] != best)
			format_free(all[i]);
	free(all);
	buf_free(&names);
	buf_free(&missing);
	buf_free(&near_missing);
	return best;
}

int
read_header(struct run *r)
{
	struct buf h = { 0 };
	const struct fmt_entry *e;
	size_t i, n;
	char *p;
	int f, rc;

	rc = csvr_next(r->in);
	if (rc == 0) {
		warnx("%s: empty file (expected a header row)",
		    csvr_name(r->in));
		return -1;
	}
	if (rc < 0) {
		if (csvr_line(r->in) == 0)	/* nothing read: a directory */
			warnx("%s: %s", csvr_name(r->in), csvr_error(r->in));
		else
			warnx("%s:%ld: %s", csvr_name(r->in),
			    csvr_line(r->in), csvr_error(r->in));
		return -1;
	}
	if (r->blanks)
		row_blanks(r);
	n = row_nfields(r);
	r->ncols = n;
	buf_reset(&r->hdrs);
	r->cells = xrealloc(r->cells, (n + 1) * sizeof(*r->cells));
	for (i = 0; i < n; i++) {
		if (text_norm(row_field(r, i), row_fieldlen(r, i), &h) != 0) {
			warnx("%s:%ld: column %zu: the header is not UTF-8 "
			    "(try --encoding)", csvr_name(r->in),
			    csvr_line(r->in), i + 1);
			buf_free(&h);
			return -1;
		}
		buf_add(&r->hdrs, h.s, h.len + 1);
	}
	buf_free(&h);
	/* The names follow each other, each ending in a NUL. */
	for (i = 0, p = r->hdrs.s; i < n; i++, p += strlen(p) + 1)
		r->cells[i] = p;

	/* The format: named, implied by --map, or recognised. */
	if (r->fmt != r->fmt_given)
		format_free(r->fmt);
	r->fmt = r->fmt_given;
	if (r->fmt == NULL && r->overrides->nentries > 0 &&
	    (r->fmt = format_find("plain")) == NULL) {
		warnx("no format file 'plain.fmt' (set CRM_FORMATS)");
		return -1;
	}
	if (r->fmt == NULL) {
		if ((r->fmt = detect_format(r)) == NULL)
			return -1;
		if (!r->quiet)
			warnx("%s: format %s (recognised from the header)",
			    csvr_name(r->in), r->fmt->name);
	}
	r->channel = r->channel_opt != NULL ? r->channel_opt :
	    r->fmt->channel != NULL ? r->fmt->channel : "shop";
	r->key_length = 0;
	if (format_setting(r->fmt, "order_key_length") != NULL) {
		long long kl;

		if (crm_parse_int(format_setting(r->fmt, "order_key_length"),
		    1, 1000, &kl) != 0) {
			warnx("%s: order_key_length must be a number from 1 "
			    "to 1000", r->fmt->file);
			return -1;
		}
		r->key_length = (size_t)kl;
	}
	if (r->currency == NULL &&
	    format_setting(r->fmt, "currency") != NULL) {
		const char *c = format_setting(r->fmt, "currency");

		if (!currency_code(c)) {
			warnx("%s: currency must be a code of 3 letters (TWD, "
			    "USD ...): '%s'", r->fmt->file, c);
			return -1;
		}
		if (write_currency(r, c, r->fmt->file) != 0)
			return -1;
	}
	if (r->kind != NULL && strcmp(r->kind, r->fmt->kind) != 0) {
		warnx("%s: format %s is for %s, not %s", csvr_name(r->in),
		    r->fmt->name, r->fmt->kind, r->kind);
		return -1;
	}
	for (f = 0; f < NFIELDS; f++) {
		r->map.ncol[f] = 0;
		buf_reset(&r->map.hdr[f]);
		if ((e = format_get(r->overrides, field_names[f])) == NULL)
			e = format_get(r->fmt, field_names[f]);
		map_field(r, f, e);
	}
	if (check_columns(r) != 0 || check_twice(r) != 0)
		return -1;
	if (r->rejects != NULL && ftell(r->rejects) == 0)
		fputs("file,line,field,reason,row...\n", r->rejects);
	return 0;
}

/*
 * A field read from a column whose name another column has too: which
 * one holds it is a guess (the first was read, the other ignored), so
 * it is an error naming both.  Columns of different names read for one
 * field (a format's alternates, up to MAXALT) are meant.
 */
static int
check_twice(struct run *r)
{
	size_t c, j;
	int f, k;

	for (f = 0; f < NFIELDS; f++)
		for (k = 0; k < r->map.ncol[f]; k++) {
			c = (size_t)r->map.col[f][k];
			for (j = 0; j < r->ncols; j++) {
				if (j == c || *r->cells[c] == '\0' ||
				    !header_matches(r->cells[j], r->cells[c],
				    0))
					continue;
				warnx("%s:%ld: columns %zu and %zu are both "
				    "named '%s' (field '%s'): which one to read "
				    "is a guess; remove or rename one",
				    csvr_name(r->in), csvr_line(r->in),
				    (j < c ? j : c) + 1, (j < c ? c : j) + 1,
				    r->cells[c], field_names[f]);
				return -1;
			}
		}
	return 0;
}

/* The fields a kind of file cannot do without. */
static int
check_columns(struct run *r)
{
	static const int need_orders[] = { F_ORDER_ID, F_ORDERED_AT };
	static const int need_events[] = { F_EMAIL, F_EVENT, F_AT };
	static const int need_claims[] = { F_COUPON, F_BUYER, F_AT };
	static const int need_redemptions[] = { F_REF, F_BUYER, F_AT,
	    F_POINTS };
	const int *need = NULL;
	size_t nneed = 0, i;
	const char *k = r->fmt->kind;

	if (strcmp(k, "orders") == 0) {
		need = need_orders;
		nneed = 2;
	} else if (strcmp(k, "events") == 0) {
		need = need_events;
		nneed = 3;
	} else if (strcmp(k, "claims") == 0) {
		need = need_claims;
		nneed = 3;
	} else if (strcmp(k, "redemptions") == 0) {
		need = need_redemptions;
		nneed = 4;
	}
	for (i = 0; i < nneed; i++)
		if (!HAS(r, need[i])) {
			const struct fmt_entry *e = format_get(r->overrides,
			    field_names[need[i]]);

			if (e == NULL)
				e = format_get(r->fmt, field_names[need[i]]);
			warnx("%s:%ld: no column for field '%s' (looked for "
			    "'%s'; name it with --map %s=COLUMN)",
			    csvr_name(r->in), csvr_line(r->in),
			    field_names[need[i]], e != NULL && e->nvals > 0 ?
			    e->vals[0] : field_names[need[i]],
			    field_names[need[i]]);
			return -1;
		}
	if (strcmp(k, "orders") == 0) {
		if (!HAS(r, F_ACCOUNT) && !HAS(r, F_PHONE) &&
		    !HAS(r, F_EMAIL) && !HAS(r, F_ADDRESS)) {
			warnx("%s:%ld: no column names the buyer: one of "
			    "account, phone or email is needed (see --map)",
			    csvr_name(r->in), csvr_line(r->in));
			return -1;
		}
		if (!HAS(r, F_UNIT_PRICE) && !HAS(r, F_PAID_TOTAL) &&
		    !HAS(r, F_ITEMS)) {
			if (format_setting(r->fmt, "price_missing") == NULL) {
				warnx("%s:%ld: no column for 'unit_price' or "
				    "'paid_total': nothing says what the orders "
				    "are worth", csvr_name(r->in),
				    csvr_line(r->in));
				return -1;
			}
			warnx("%s: %s", csvr_name(r->in),
			    format_setting(r->fmt, "price_missing"));
		}
	} else if (strcmp(k, "members") == 0 && !HAS(r, F_MEMBER_NO) &&
	    !HAS(r, F_PHONE) && !HAS(r, F_EMAIL)) {
		warnx("%s:%ld: no column names the member: one of member_no, "
		    "phone or email is needed", csvr_name(r->in),
		    csvr_line(r->in));
		return -1;
	}
	return 0;
}
