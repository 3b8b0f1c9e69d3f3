/*
 * rows.c: reading an export's rows.  Normalises each row's fields, checks
 * them (naming the field and the reason when one is bad), and builds
 * orders from their rows (one row a line, or Shopee's older layout with
 * every line in one cell), settling and storing each when its last row
 * is in; members, email events and coupon claims are one row each.
 */
#include <ctype.h>
#include <err.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm.h"
#include "import/buyers.h"
#include "import/columns.h"
#include "import/rows.h"
#include "import/run.h"
#include "import/write.h"

/* Lists the fields of the current row that runs of blanks leave. */
void
row_blanks(struct run *r)
{
	size_t i, n = csvr_nfields(r->in);

	r->nfidx = 0;
	for (i = 0; i < n; i++) {
		if (csvr_fieldlen(r->in, i) == 0)
			continue;
		if (r->nfidx == r->capfidx) {
			r->capfidx = r->capfidx ? r->capfidx * 2 : 16;
			r->fidx = xrealloc(r->fidx, r->capfidx *
			    sizeof(*r->fidx));
		}
		r->fidx[r->nfidx++] = i;
	}
}

/*
 * Writes a row to the rejects file: file, line, field and reason, then
 * the row's own fields (row, as CSV with a leading comma).
 */
static void
put_reject(struct run *r, long line, const char *why, size_t whylen,
    const char *row, size_t rowlen)
{
	r->rejected++;
	fprintf(r->rejects, "%s,%ld,", csvr_name(r->in), line);
	fwrite(why, 1, whylen, r->rejects);
	fwrite(row, 1, rowlen, r->rejects);
	putc('\n', r->rejects);
}

/* The current row's fields as CSV, each after a comma, into out. */
static void
row_csv(struct run *r, struct buf *out)
{
	size_t i, n = row_nfields(r);
	const char *f;
	size_t len, k;
	int quote;

	for (i = 0; i < n; i++) {
		f = row_field(r, i);
		len = row_fieldlen(r, i);
		buf_addc(out, ',');
		quote = 0;
		for (k = 0; k < len; k++)
			if (f[k] == ',' || f[k] == '"' || f[k] == '\n' ||
			    f[k] == '\r')
				quote = 1;
		if (!quote) {
			buf_add(out, f, len);
			continue;
		}
		buf_addc(out, '"');
		for (k = 0; k < len; k++) {
			if (f[k] == '"')
				buf_addc(out, '"');
			buf_addc(out, f[k]);
		}
		buf_addc(out, '"');
	}
}

/* "field,reason" as CSV, into out. */
static void
why_csv(struct buf *out, const char *field, const char *why)
{
	const char *w[2] = { field, why };
	int k;

	for (k = 0; k < 2; k++) {
		if (k > 0)
			buf_addc(out, ',');
		if (strpbrk(w[k], ",\"\n\r") == NULL) {
			buf_adds(out, w[k]);
			continue;
		}
		buf_addc(out, '"');
		for (const char *p = w[k]; *p != '\0'; p++) {
			if (*p == '"')
				buf_addc(out, '"');
			buf_addc(out, *p);
		}
		buf_addc(out, '"');
	}
}

/*
 * With --skip-bad, keeps the current row of the order being built, with
 * the reason it is bad (why NULL: a good row), until the order is
 * stored or rejected whole.
 */
static void
hold_row(struct run *r, const char *field, const char *why)
{
	struct held *h;

	if (r->nheld == r->capheld) {
		r->capheld = r->capheld ? r->capheld * 2 : 16;
		r->held = xrealloc(r->held, r->capheld * sizeof(*r->held));
	}
	h = &r->held[r->nheld++];
	h->line = csvr_line(r->in);
	h->why_off = r->heldtxt.len;
	if (why != NULL)
		why_csv(&r->heldtxt, field, why);
	h->why_len = r->heldtxt.len - h->why_off;
	h->off = r->heldtxt.len;
	row_csv(r, &r->heldtxt);
	h->len = r->heldtxt.len - h->off;
}

/* The key of the current order in r->rejected: channel and number. */
static void
order_key(struct run *r, struct mapkey *k)
{
	buf_reset(&r->key);
	buf_add(&r->key, r->ord.channel.s, r->ord.channel.len + 1);
	buf_add(&r->key, r->ord.order_no.s, r->ord.order_no.len);
	keymap_key(r->key.s, r->key.len, k);
}

/* Whether this file rejected the current order whole at an earlier part. */
static int
rejected_before(struct run *r)
{
	struct mapkey k;
	int64_t v;

	if (r->rejected_orders == NULL)
		return 0;
	order_key(r, &k);
	return keymap_get(r->rejected_orders, &k, &v);
}

static void
drop_held(struct run *r)
{
	r->nheld = 0;
	buf_reset(&r->heldtxt);
}

/*
 * Reports a bad order (one found wrong only when all its rows are in, or
 * one of whose rows is bad).  Strict: prints it and returns -1 to stop
 * the run.  With --skip-bad the order is dropped and every row of it
 * written to the rejects file, each with its own fields (a bad row with
 * its reason, the others with this one), so that the file can be fixed
 * and imported again; the run goes on.
 */
static int
order_bad(struct run *r, int f, const char *why)
{
	const char *field = HAS(r, f) ? r->map.hdr[f].s :
	    field_names[f];
	struct buf w = { 0 };
	size_t i;

	if (r->rejects == NULL) {
		warnx("%s:%ld: field '%s': %s", csvr_name(r->in), r->ord.line,
		    field, why);
		return -1;
	}
	why_csv(&w, field, why);
	for (i = 0; i < r->nheld; i++) {
		const struct held *h = &r->held[i];

		if (h->why_len > 0)
			put_reject(r, h->line, r->heldtxt.s + h->why_off,
			    h->why_len, r->heldtxt.s + h->off, h->len);
		else
			put_reject(r, h->line, w.s, w.len, r->heldtxt.s +
			    h->off, h->len);
	}
	if (rejected_before(r))
		goto done;		/* a later part: counted once */
	r->o_rejected++;
	if (r->rejected_orders == NULL)
		r->rejected_orders = keymap_new(MOVED);
	if (r->rejected_orders != NULL) {
		struct mapkey k;

		order_key(r, &k);
		keymap_put(r->rejected_orders, &k, 1);	/* full: no more */
	}
done:
	buf_free(&w);
	drop_held(r);
	order_clear(&r->ord);
	return 0;
}

/* Says so when the order is dated after the run's day. */
static void
check_future(struct run *r)
{
	static int64_t today = -1;
	char d[11], t[11];

	if (today < 0)
		today = day_of(tz_now_local());
	if (day_of(r->ord.ordered_at) <= today)
		return;
	r->future++;
	if (!r->quiet)
		warnx("%s:%ld: order %s is dated %s, after today (%s)",
		    csvr_name(r->in), r->ord.line, r->ord.order_no.s,
		    day_format(day_of(r->ord.ordered_at), d),
		    day_format(today, t));
}

/*
 * The redemption the points_used of order r->ord (of customer cid, 0:
 * none known; settled as st) makes: points used, kept under the order's
 * number in its channel, at its time.  None used, or a cancelled order
 * (the points go back to the member with it), takes back what an
 * earlier import of the order stored.  Returns 0, 1 when a part of the
 * order earlier in this file used other points (r->bad_msg says so), or
 * -1.
 */
static int
order_points(struct run *r, int64_t cid, enum status st)
{
	struct order *o = &r->ord;
	int rc;

	if (o->points_used == 0 || st == S_CANCELLED)
		return write_redemption_drop(r, o->channel.s, o->order_no.s);
	rc = write_redemption(r, o->channel.s, o->order_no.s, cid,
	    o->ordered_at, o->points_used);
	if (rc < 0)
		return -1;
	if (rc == RED_CLASH) {
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "%lld points used, but a part of order "
		    "%s earlier in this file gives others: an order uses its "
		    "points once", (long long)o->points_used, o->order_no.s);
		return 1;
	}
	r->red[rc]++;
	return 0;
}

/*
 * Settles the assembled order and stores it, with its buyer (see
 * settle.c and write_order); an order with no account, phone or email
 * (nor a name at an address) is an order of no known buyer, stored for
 * the shop's figures.  Returns 0, or -1 to stop the run.
 */
int
flush_order(struct run *r)
{
	struct order *o = &r->ord;
	struct settled v;
	int64_t cid = 0;
	int rc;

	if (!o->open)
		return 0;
	if (o->bad) {
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "another row of order %s is bad",
		    o->order_no.s);
		return order_bad(r, F_ORDER_ID, r->bad_msg.s);
	}
	if (settle(o, &v) != 0)
		return order_bad(r, F_PAID_TOTAL, "order total too large");
	if (o->account.len == 0 && o->phone.len == 0 && o->email.len == 0 &&
	    (o->address.len == 0 || o->name.len == 0)) {
		buf_reset(&r->buyer);
		r->guests++;
	} else if ((cid = resolve_customer(r)) < 0)
		return -1;
	if (o->has_points && (rc = order_points(r, cid, v.status)) != 0)
		return rc < 0 ? -1 : order_bad(r, F_POINTS_USED, r->bad_msg.s);
	switch ((rc = write_order(r, &v, cid))) {
	case 0:
		break;
	case -2:
		return order_bad(r, F_PAID_TOTAL, "order total too large");
	default:
		return -1;
	}
	check_future(r);
	drop_held(r);
	order_clear(o);
	return 0;
}
/* status_parse, remembering the last word: orders in a row mostly share
 * one, and the format's words and the common ones are a long list. */
static int
row_status(struct run *r, const char *s, enum status *st)
{
	if (r->st_fmt == r->fmt && r->st_word.s != NULL &&
	    strcmp(r->st_word.s, s) == 0) {
		*st = r->st_last;
		return 0;
	}
	if (status_parse(r->fmt, s, st) != 0)
		return -1;
	buf_reset(&r->st_word);
	buf_adds(&r->st_word, s);
	r->st_fmt = r->fmt;
	r->st_last = *st;
	return 0;
}

/* Sets the reason the current row is bad; returns 1 for the callers. */
static int
bad(struct run *r, int f, const char *why)
{
	r->bad_field = HAS(r, f) ? r->map.hdr[f].s : field_names[f];
	r->bad_why = why;
	return 1;
}

static int
parse_money_field(struct run *r, int f, int64_t *v, int *has)
{
	const char *why;

	if (has != NULL)
		*has = 0;
	if (!HAS(r, f) || r->val[f].len == 0 ||
	    strcmp(r->val[f].s, "-") == 0)
		return 0;
	if (money_parse(r->val[f].s, v, &why) != 0) {
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "%s: '%s'", why, r->val[f].s);
		return bad(r, f, r->bad_msg.s);
	}
	if (has != NULL)
		*has = 1;
	return 0;
}

/* Normalises an identifying value; masked values count as absent. */
static int
ident_field(struct run *r, int f, struct buf *out,
    enum ident_status (*norm)(const char *, struct buf *), const char *what)
{
	switch (norm(r->val[f].s != NULL ? r->val[f].s : "", out)) {
	case ID_OK:
		return 0;
	case ID_EMPTY:
	case ID_MASKED:
		buf_reset(out);
		return 0;
	case ID_INVALID:
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "'%s' is not %s", f == F_PHONE ||
		    f == F_EMAIL ? crm_mask(r->val[f].s, r->masked) :
		    r->val[f].s, what);
		return bad(r, f, r->bad_msg.s);
	}
	return 0;
}

static void
fill_if_empty(struct buf *dst, const struct buf *src)
{
	if (dst->len == 0 && src->len > 0)
		buf_add(dst, src->s, src->len);
}

/*
 * Whether the row's cancel reason is one the format says is no
 * cancellation (Shopee's lost-parcel compensation, 遺失).
 */
static int
excused(struct run *r)
{
	const struct fmt_entry *e = format_get(r->fmt, "cancel_unless");
	size_t i;

	for (i = 0; e != NULL && i < e->nvals; i++)
		if (strstr(r->val[F_CANCEL_REASON].s, e->vals[i]) != NULL)
			return 1;
	return 0;
}

/*
 * Bytes of a bidi control at s (n bytes left): U+200E, U+200F, U+202A
 * to U+202E, U+2066 to U+2069, U+061C; else 0.
 */
static size_t
bidi_len(const unsigned char *s, size_t n)
{
	if (n >= 3 && s[0] == 0xe2 && ((s[1] == 0x80 && (s[2] == 0x8e ||
	    s[2] == 0x8f || (s[2] >= 0xaa && s[2] <= 0xae))) ||
	    (s[1] == 0x81 && s[2] >= 0xa6 && s[2] <= 0xa9)))
		return 3;
	if (n >= 2 && s[0] == 0xd8 && s[1] == 0x9c)
		return 2;
	return 0;
}

/*
 * Control characters in a field's text.  C0 controls but tab, line feed
 * and carriage return, DEL and the C1 controls are refused: an ESC or a
 * BEL stored in a name would reach terminals and reports.  Bidi controls
 * (an override makes "gpj.exe" show as "exe.jpg") are dropped, with a
 * warning for the first field of a file that had them.  Returns 0, or 1
 * with the reason set.
 */
static int
text_controls(struct run *r, int f)
{
	struct buf *v = &r->val[f];
	unsigned char *s = (unsigned char *)v->s;
	size_t i, o, k, n = v->len;
	unsigned c;
	int dropped = 0;

	for (i = 0; i < n; i++)
		if (s[i] < 0x20 || s[i] == 0x7f || s[i] == 0xc2 ||
		    s[i] == 0xd8 || s[i] == 0xe2)
			break;
	for (o = i; i < n; ) {
		c = s[i];
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') ||
		    c == 0x7f || (c == 0xc2 && i + 1 < n && s[i + 1] >= 0x80 &&
		    s[i + 1] <= 0x9f)) {
			buf_reset(&r->bad_msg);
			buf_printf(&r->bad_msg, "control character U+%04X in "
			    "the text", c == 0xc2 ? s[i + 1] : c);
			return bad(r, f, r->bad_msg.s);
		}
		if ((k = bidi_len(s + i, n - i)) > 0) {
			if (!dropped++ && r->bidi++ == 0 && !r->quiet)
				warnx("%s:%ld: field '%s': bidi control "
				    "characters removed", csvr_name(r->in),
				    csvr_line(r->in), HAS(r, f) ?
				    r->map.hdr[f].s : field_names[f]);
			i += k;
			continue;
		}
		s[o++] = s[i++];
	}
	if (o < n) {
		v->len = o;
		s[o] = '\0';
	}
	return 0;
}

/*
 * Normalises the current row's fields into r->val: for each field, the
 * first of its columns that is not empty.  Returns 0, or 1 with the
 * reason set.
 */
static int
row_values(struct run *r)
{
	int f, k;
	long c;

	for (f = 0; f < NFIELDS; f++) {
		buf_reset(&r->val[f]);
		for (k = 0; k < r->map.ncol[f] && r->val[f].len == 0; k++) {
			c = r->map.col[f][k];
			if (text_norm(row_field(r, (size_t)c),
			    row_fieldlen(r, (size_t)c), &r->val[f]) != 0) {
				bad(r, f, strcmp(csvr_encoding(r->in),
				    "UTF-8") == 0 ? "invalid UTF-8 (if the file "
				    "is Big5, try --encoding CP950)" :
				    "invalid text");
				return 1;
			}
		}
		if (r->val[f].len > 0 && text_controls(r, f) != 0)
			return 1;
	}
	return 0;
}

/*
 * The current row's channel, in small letters: its channel column's,
 * else the file's.
 */
static void
row_channel(struct run *r, struct buf *chan)
{
	size_t i;

	buf_reset(chan);
	if (HAS(r, F_CHANNEL) && r->val[F_CHANNEL].len > 0) {
		for (i = 0; i < r->val[F_CHANNEL].len; i++)
			buf_addc(chan, (char)tolower(
			    (unsigned char)r->val[F_CHANNEL].s[i]));
	} else
		buf_adds(chan, r->channel);
}

/*
 * Reads a number of points from field f, at least lo: a whole number,
 * commas between groups of three digits and zeros after a point allowed
 * ("1,200", "120.0" from a spreadsheet).  Returns 0 with *v set, or 1
 * with the reason set.
 */
static int
points_field(struct run *r, int f, int64_t lo, int64_t *v)
{
	const char *s = r->val[f].s, *p = s, *why = NULL;
	int64_t n = 0;
	int neg = 0;

	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	if (!isdigit((unsigned char)*p))
		why = "not a whole number of points";
	for (; why == NULL && *p != '\0' && *p != '.'; p++) {
		if (*p == ',' && p > s && isdigit((unsigned char)p[-1]) &&
		    isdigit((unsigned char)p[1]) &&
		    isdigit((unsigned char)p[2]) &&
		    isdigit((unsigned char)p[3]) &&
		    !isdigit((unsigned char)p[4]))
			continue;
		if (!isdigit((unsigned char)*p))
			why = "not a whole number of points";
		else if (n > INT64_C(100000000000))
			why = "too many points";
		else
			n = n * 10 + (*p - '0');
	}
	if (why == NULL && *p == '.')
		for (p++; *p != '\0'; p++)
			if (*p != '0') {
				why = "not a whole number of points";
				break;
			}
	if (why == NULL && neg && n > 0)
		why = "negative points";
	if (why == NULL && n < lo)
		why = "0 points (a redemption uses 1 or more)";
	if (why != NULL) {
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "%s: '%s'", why, s);
		return bad(r, f, r->bad_msg.s);
	}
	*v = n;
	return 0;
}

/* One line of an order, as text, and the field it came from. */
struct linein {
	const char *sku, *product, *variation, *category;
	const char *qty;		/* NULL: no column, 1 unit */
	const char *returned;
	const char *price;		/* NULL: no column, 0 */
	const char *cost;		/* per unit */
	int	 from;			/* F_ITEMS, or -1: each its own */
};

static int
line_bad(struct run *r, const struct linein *li, int f, const char *why,
    const char *val)
{
	buf_reset(&r->bad_msg);
	if (val != NULL)
		buf_printf(&r->bad_msg, "%s: '%s'", why, val);
	else
		buf_adds(&r->bad_msg, why);
	return bad(r, li->from >= 0 ? li->from : f, r->bad_msg.s);
}

static int
opt_money(const char *s, int64_t *v, int *has, const char **why)
{
	*has = 0;
	if (s == NULL || *s == '\0' || strcmp(s, "-") == 0)
		return 0;
	if (money_parse(s, v, why) != 0)
		return -1;
	*has = 1;
	return 0;
}

/*
 * Reads a unit price for qty units.  A price may hold up to 8 decimals
 * (0.001 in some logs): it is kept rounded to the cent in *price, and
 * the line's amount, quantity x price rounded to the cent half away from
 * zero, computed exactly from the digits, in *amount.  Returns 0, or -1
 * with *why set.
 */
static int
price_parse(const char *s, int64_t qty, int64_t *price, int64_t *amount,
    const char **why)
{
	char text[128], *dot;
	size_t n = strlen(s), k = 0, i;
	int64_t cents, fine, tail = 0, scale = 1, half, q;
	int neg;

	if (money_parse(s, price, why) == 0)
		return money_mul(*price, qty, amount) == 0 ? 0 :
		    (*why = "amount too large", -1);
	if (strcmp(*why, "more than two decimals") != 0 || n >= sizeof(text))
		return -1;
	memcpy(text, s, n + 1);
	dot = strchr(text, '.');
	/* Take the digits after the second decimal off the text. */
	for (i = 3; isdigit((unsigned char)dot[i]); i++, k++) {
		if (k == 6) {
			*why = "more than eight decimals";
			return -1;
		}
		tail = tail * 10 + (dot[i] - '0');
		scale *= 10;
	}
	memmove(dot + 3, dot + i, strlen(dot + i) + 1);
	if (money_parse(text, &cents, why) != 0)
		return -1;
	neg = cents < 0 || strpbrk(text, "-(") != NULL;
	if (cents < 0)
		cents = -cents;
	q = qty < 0 ? -qty : qty;
	/* fine: the price in cents x scale; the amount, fine x q / scale. */
	if (__builtin_mul_overflow(cents, scale, &fine) ||
	    __builtin_add_overflow(fine, tail, &fine) ||
	    __builtin_mul_overflow(fine, q, amount)) {
		*why = "amount too large";
		return -1;
	}
	half = scale / 2;
	*amount = (*amount + half) / scale;
	*price = (fine + half) / scale;
	if (neg) {
		*amount = -*amount;
		*price = -*price;
	}
	if (qty < 0)
		*amount = -*amount;
	return 0;
}

/*
 * Adds a line to the order being built.  A negative quantity takes units
 * back.  Returns 0, 1 when the line is bad, -1 on a store error.
 */
static int
take_line(struct run *r, const struct linein *li)
{
	struct order *o = &r->ord;
	struct item it = { 0 };
	struct buf name = { 0 }, sku = { 0 }, cat = { 0 };
	const char *why;

	it.qty = 1;
	if (li->qty != NULL && qty_parse(li->qty, &it.qty, &why) != 0)
		return line_bad(r, li, F_QUANTITY, why, li->qty);
	if (it.qty == 0)
		return line_bad(r, li, F_QUANTITY, "0 units: a line sells 1 or "
		    "more, or takes units back with less than 0", NULL);
	if (li->returned != NULL && *li->returned != '\0' &&
	    (qty_parse(li->returned, &it.returned, &why) != 0 ||
	    it.returned < 0))
		return line_bad(r, li, F_RETURNED_QTY, "not a whole number of "
		    "0 or more", li->returned);
	if (li->price != NULL && *li->price == '\0')
		return line_bad(r, li, F_UNIT_PRICE, "empty amount", NULL);
	if (li->price != NULL && strcmp(li->price, "-") != 0 &&
	    price_parse(li->price, it.qty, &it.price, &it.amount, &why) != 0)
		return line_bad(r, li, F_UNIT_PRICE, why, li->price);
	if (opt_money(li->cost, &it.cost, &it.has_cost, &why) != 0)
		return line_bad(r, li, F_COST, why, li->cost);
	if (it.qty < 0) {
		o->negative++;
		it.qty = -it.qty;
		it.returned = it.qty;
		it.amount = -it.amount;
	} else if (it.qty > 0)
		o->positive++;
	if (it.returned > it.qty)
		return line_bad(r, li, F_RETURNED_QTY, "more returned than "
		    "bought", NULL);
	if (it.price < 0)
		return line_bad(r, li, F_UNIT_PRICE, "negative price", NULL);
	if (it.has_cost && money_mul(it.cost, it.qty, &it.cost) != 0)
		return line_bad(r, li, F_COST, "amount too large", NULL);
	/* Shopee splits a name into product and variation (烏龍茶梅 +
	 * 150g); the other channels write it whole. */
	buf_adds(&name, li->product != NULL ? li->product : "");
	if (li->variation != NULL && *li->variation != '\0') {
		if (name.len > 0)
			buf_addc(&name, ' ');
		buf_adds(&name, li->variation);
	}
	buf_adds(&sku, li->sku != NULL ? li->sku : "");
	buf_adds(&cat, li->category != NULL ? li->category : "");
	it.product_id = write_product(r, &sku, &name, &cat);
	buf_free(&name);
	buf_free(&sku);
	buf_free(&cat);
	if (it.product_id < 0)
		return -1;
	order_add_item(o, &it);
	return 0;
}

/*
 * Reads the lines of Shopee's older layout, all in one cell:
 *   [1] 商品名稱:烏龍茶梅; 商品選項名稱:150g; 價格: $ 180; 數量: 2;
 *   主商品貨號: SNK-006; [2] ...
 * Returns as take_line does.
 */
static int
take_items_cell(struct run *r)
{
	char *cell = xstrdup(r->val[F_ITEMS].s), *p, *start, *item, *next;
	char *kv, *colon, *k, *v, *e;
	int rc = 0, nitems = 0;

	for (p = cell; rc == 0 && p != NULL; p = next) {
		/* Find "[N]" starting this item and the next one. */
		start = strchr(p, '[');
		if (start == NULL)
			break;
		item = start + 1;
		while (isdigit((unsigned char)*item))
			item++;
		if (*item != ']' || item == start + 1) {
			next = start + 1;
			continue;
		}
		item++;
		for (next = item; (next = strchr(next, '[')) != NULL; next++) {
			e = next + 1;
			while (isdigit((unsigned char)*e))
				e++;
			if (*e == ']' && e > next + 1)
				break;
		}
		if (next != NULL)
			*next = '\0';
		struct linein li = { NULL, NULL, NULL, NULL, NULL, NULL, "",
		    NULL, F_ITEMS };
		for (kv = item; kv != NULL; kv = e) {
			if ((e = strchr(kv, ';')) != NULL)
				*e++ = '\0';
			if ((colon = strchr(kv, ':')) == NULL)
				continue;
			*colon = '\0';
			k = kv;
			while (isspace((unsigned char)*k))
				k++;
			v = colon + 1;
			while (*v == ' ')
				v++;
			for (char *t = v + strlen(v); t > v &&
			    isspace((unsigned char)t[-1]); )
				*--t = '\0';
			if (strcmp(k, "商品名稱") == 0)
				li.product = v;
			else if (strcmp(k, "商品選項名稱") == 0)
				li.variation = v;
			else if (strcmp(k, "價格") == 0)
				li.price = v;
			else if (strcmp(k, "數量") == 0)
				li.qty = v;
			else if (strcmp(k, "主商品貨號") == 0 ||
			    (strcmp(k, "商品選項貨號") == 0 && li.sku == NULL))
				li.sku = v;
		}
		if (next != NULL)
			*next = '[';
		rc = take_line(r, &li);
		nitems++;
	}
	if (rc == 0 && nitems == 0)
		rc = bad(r, F_ITEMS, "no '[1] 商品名稱:...' items in the cell");
	free(cell);
	return rc;
}

/*
 * Whether a credit column's value marks a credit note: any value but
 * empty, 0, false, no, n, f, - or 否.
 */
static int
marks_credit(const char *v)
{
	static const char *const no[] = { "0", "false", "no", "n", "f", "-",
	    "否" };
	size_t i;

	if (v == NULL || *v == '\0')
		return 0;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strcasecmp(v, no[i]) == 0)
			return 0;
	return 1;
}

/*
 * Whether the row names another buyer than the order's earlier rows in
 * field f (the order's value had, the row's val, both normalised); 1
 * with the reason set.  The values are not shown: they are personal.
 */
static int
other_buyer(struct run *r, int f, const struct buf *had,
    const struct buf *val)
{
	if (had->len == 0 || val->len == 0 || (had->len == val->len &&
	    memcmp(had->s, val->s, had->len) == 0))
		return 0;
	buf_reset(&r->bad_msg);
	buf_printf(&r->bad_msg, "another %s than an earlier row of order %s "
	    "gives (from line %ld): one order has one buyer", field_names[f],
	    r->ord.order_no.s, r->ord.line);
	return bad(r, f, r->bad_msg.s);
}

/*
 * Reads the order-level values of the current row into the order: its
 * time and status (from the first row that has them), cancel and return
 * marks, amounts, and the buyer's values the earlier rows lacked.
 * Returns 0, or 1 with the reason set.
 */
static int
take_order_values(struct run *r, int first, const struct buf *acct,
    const struct buf *phone, const struct buf *email)
{
	struct order *o = &r->ord;
	const char *why;
	enum status st;
	int64_t t;
	int has;

	if (r->val[F_ORDERED_AT].len > 0) {
		if (date_parse(r->val[F_ORDERED_AT].s, r->dorder, &t, &why)) {
			buf_reset(&r->bad_msg);
			buf_printf(&r->bad_msg, "%s: '%s'", why,
			    r->val[F_ORDERED_AT].s);
			return bad(r, F_ORDERED_AT, r->bad_msg.s);
		}
		/*
		 * One order, one day: a till may stamp each line as it is
		 * scanned (the earliest time counts), but another day is
		 * another order under the same number, or a mistake.
		 */
		if (o->has_time && day_of(t) != day_of(o->ordered_at)) {
			buf_reset(&r->bad_msg);
			buf_printf(&r->bad_msg, "'%s' is not the day an earlier "
			    "row of order %s gives (from line %ld): two orders "
			    "with one id?", r->val[F_ORDERED_AT].s,
			    o->order_no.s, o->line);
			return bad(r, F_ORDERED_AT, r->bad_msg.s);
		}
		if (!o->has_time || t < o->ordered_at)
			o->ordered_at = t;
		o->has_time = 1;
	} else if (first) {
		return bad(r, F_ORDERED_AT, "empty date");
	}
	if (HAS(r, F_STATUS) && r->val[F_STATUS].len > 0 &&
	    !o->has_status) {
		if (row_status(r, r->val[F_STATUS].s, &st) != 0) {
			buf_reset(&r->bad_msg);
			buf_printf(&r->bad_msg, "unknown status '%s' (known: "
			    "completed, pending, cancelled, returned, credit, 已完成, "
			    "待出貨, 已取消, 退貨, 退款 ...)",
			    r->val[F_STATUS].s);
			return bad(r, F_STATUS, r->bad_msg.s);
		}
		o->status = st;
		o->has_status = 1;
	} else if (first && HAS(r, F_STATUS)) {
		return bad(r, F_STATUS, "empty status");
	}
	if (r->val[F_CANCEL_REASON].len > 0) {
		if (excused(r))
			o->excused = 1;
		else
			o->cancelled = 1;
	}
	if (r->val[F_RETURN_STATUS].len > 0)
		o->returned = 1;
	if (marks_credit(r->val[F_CREDIT].s))
		o->credit = 1;
	fill_if_empty(&o->address, &r->val[F_ADDRESS]);
	if (parse_money_field(r, F_SHIPPING, &t, &has))
		return 1;
	if (has)
		o->shipping = t;
	if (parse_money_field(r, F_DISCOUNT, &t, &has))
		return 1;
	if (has)
		o->discount = t < 0 ? -t : t;
	if (parse_money_field(r, F_PAID_TOTAL, &t, &has))
		return 1;
	if (has) {
		o->paid_total = t;
		o->has_paid_total = 1;
	}
	if (parse_money_field(r, F_REFUND, &t, &has))
		return 1;
	if (has) {
		o->refund = t < 0 ? -t : t;
		o->has_refund = 1;
	}
	/* Points used count once an order: its rows give them once, or
	 * each the same. */
	if (r->val[F_POINTS_USED].len > 0 &&
	    strcmp(r->val[F_POINTS_USED].s, "-") != 0) {
		if (points_field(r, F_POINTS_USED, 0, &t))
			return 1;
		if (o->has_points && t != o->points_used) {
			buf_reset(&r->bad_msg);
			buf_printf(&r->bad_msg, "%lld points used, but an "
			    "earlier row of order %s gives %lld (from line "
			    "%ld): an order uses its points once",
			    (long long)t, o->order_no.s,
			    (long long)o->points_used, o->line);
			return bad(r, F_POINTS_USED, r->bad_msg.s);
		}
		o->points_used = t;
		o->has_points = 1;
	}
	/* One order has one buyer: a later row naming another is a second
	 * order with the same id, or a mistake. */
	if (other_buyer(r, F_ACCOUNT, &o->account, acct) ||
	    other_buyer(r, F_PHONE, &o->phone, phone) ||
	    other_buyer(r, F_EMAIL, &o->email, email))
		return 1;
	/* Order-level values fill in from later rows when the first lacks
	 * them (some exports put them on an order's first row only). */
	fill_if_empty(&o->account, acct);
	fill_if_empty(&o->phone, phone);
	fill_if_empty(&o->email, email);
	fill_if_empty(&o->name, &r->val[F_NAME]);
	fill_if_empty(&o->coupon, &r->val[F_COUPON]);
	return 0;
}

/*
 * Takes the current row into the order being built, flushing the previous
 * order when this row starts another.  Returns 0, 1 when the row is bad
 * (r->bad_field and r->bad_why say why), or -1 to stop the run.  With
 * --skip-bad a bad row of an order makes the whole order bad: it is
 * rejected with all its rows when it is complete (see order_bad).
 */
int
take_row(struct run *r)
{
	struct order *o = &r->ord;
	struct buf acct = { 0 }, phone = { 0 }, email = { 0 }, chan = { 0 };
	int rc = 1, first;
	size_t n = row_nfields(r);

	if (n != r->ncols) {
		/* Name the first column the row lacks, or the first extra. */
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "%s: the row has %zu fields, the header "
		    "%zu", n < r->ncols ? "missing" : "extra", n, r->ncols);
		buf_reset(&r->tmp);
		if (n < r->ncols)
			buf_adds(&r->tmp, r->cells[n]);
		else
			buf_printf(&r->tmp, "#%zu", r->ncols + 1);
		r->bad_field = r->tmp.s;
		r->bad_why = r->bad_msg.s;
		return 1;
	}
	if (row_values(r) != 0)
		return 1;
	if (r->val[F_ORDER_ID].len == 0)
		return bad(r, F_ORDER_ID, "empty order id");
	if (r->key_length > 0 && r->val[F_ORDER_ID].len > r->key_length) {
		/* momo: the first 14 characters are the order. */
		r->val[F_ORDER_ID].len = r->key_length;
		r->val[F_ORDER_ID].s[r->key_length] = '\0';
	}
	row_channel(r, &chan);

	first = !o->open || strcmp(o->order_no.s, r->val[F_ORDER_ID].s) != 0 ||
	    strcmp(o->channel.s, chan.s) != 0;
	if (first && o->open) {
		if ((rc = flush_order(r)) != 0)
			goto out;
		rc = 1;
	}
	if (first) {
		order_clear(o);
		drop_held(r);
		o->line = csvr_line(r->in);
		buf_add(&o->order_no, r->val[F_ORDER_ID].s,
		    r->val[F_ORDER_ID].len);
		buf_add(&o->channel, chan.s, chan.len);
		/* A later part of an order rejected whole goes too. */
		if (r->rejects != NULL && rejected_before(r))
			o->bad = o->open = 1;
	}
	if (o->bad) {
		/* Rejected anyway: read no more of it. */
		hold_row(r, NULL, NULL);
		rc = 0;
		goto out;
	}
	if (ident_field(r, F_ACCOUNT, &acct, account_norm, "an account") ||
	    ident_field(r, F_PHONE, &phone, phone_norm, "a phone number") ||
	    ident_field(r, F_EMAIL, &email, email_norm, "an email address") ||
	    take_order_values(r, first, &acct, &phone, &email) != 0)
		goto undo;
	if (HAS(r, F_ITEMS))
		rc = take_items_cell(r);
	else {
		struct linein li = {
			r->val[F_SKU].s, r->val[F_PRODUCT].s,
			r->val[F_VARIATION].s, r->val[F_CATEGORY].s,
			HAS(r, F_QUANTITY) ? r->val[F_QUANTITY].s : NULL,
			r->val[F_RETURNED_QTY].s,
			HAS(r, F_UNIT_PRICE) ? r->val[F_UNIT_PRICE].s : NULL,
			r->val[F_COST].s, -1,
		};
		rc = take_line(r, &li);
	}
	if (rc > 0)
		goto undo;
	if (rc < 0)
		goto out;
	if (r->rejects != NULL)
		hold_row(r, NULL, NULL);
	o->open = 1;
	goto out;
undo:
	rc = 1;
	if (r->rejects != NULL) {
		/* The order is bad: kept, to be rejected whole. */
		hold_row(r, r->bad_field, r->bad_why);
		o->bad = 1;
		o->open = 1;
		rc = 0;
	} else if (first)
		order_clear(o);	/* no half-built order behind */
out:
	buf_free(&acct);
	buf_free(&phone);
	buf_free(&email);
	buf_free(&chan);
	return rc;
}

/* Reads an optional date field into *t; 1 when bad, -1 when absent. */
static int
date_field(struct run *r, int f, int64_t *t)
{
	const char *why;

	if (r->val[f].len == 0 || strcmp(r->val[f].s, "-") == 0)
		return -1;
	if (date_parse(r->val[f].s, r->dorder, t, &why) != 0) {
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "%s: '%s'", why, r->val[f].s);
		return bad(r, f, r->bad_msg.s);
	}
	return 0;
}

static const struct {
	const char *word;
	const char *gender;
} genders[] = {
	{ "女", "F" }, { "女性", "F" }, { "f", "F" }, { "female", "F" },
	{ "男", "M" }, { "男性", "M" }, { "m", "M" }, { "male", "M" },
	{ "其他", "X" }, { "other", "X" }, { "x", "X" },
};

/* Tags in one cell, separated by commas (，、; too). */
static int
take_tags(struct run *r, int64_t cid)
{
	char *cell, *p, *t, *e;

	if (r->val[F_TAGS].len == 0)
		return 0;
	cell = xstrdup(r->val[F_TAGS].s);
	for (p = cell; *p != '\0'; p++)	/* ，、 become commas */
		if (strncmp(p, "\xef\xbc\x8c", 3) == 0 ||
		    strncmp(p, "\xe3\x80\x81", 3) == 0) {
			p[0] = ',';
			memmove(p + 1, p + 3, strlen(p + 3) + 1);
		} else if (*p == ';')
			*p = ',';
	for (t = cell; t != NULL; t = e) {
		if ((e = strchr(t, ',')) != NULL)
			*e++ = '\0';
		while (*t == ' ')
			t++;
		for (p = t + strlen(t); p > t && p[-1] == ' '; )
			*--p = '\0';
		if (*t == '\0')
			continue;
		if (write_tag(r, t, cid) != 0) {
			free(cell);
			return -1;
		}
	}
	free(cell);
	return 0;
}

/*
 * A member: someone who registered with the shop, who may never have
 * bought.  Matched to customers like a buyer (the member number is an
 * account within the channel), stored once per channel and number.
 */
int
take_member(struct run *r)
{
	struct order *o = &r->ord;
	struct buf acct = { 0 };
	const char *gender = NULL, *why;
	char bday[11];
	int64_t joined = 0, b, cid;
	int rc = 1, has_joined;
	size_t i;

	if (row_values(r) != 0)
		return 1;
	order_clear(o);
	o->line = csvr_line(r->in);
	buf_adds(&o->channel, r->val[F_CHANNEL].len ? r->val[F_CHANNEL].s :
	    r->channel);
	if (ident_field(r, F_MEMBER_NO, &acct, account_norm, "a member "
	    "number") || ident_field(r, F_PHONE, &o->phone, phone_norm,
	    "a phone number") || ident_field(r, F_EMAIL, &o->email,
	    email_norm, "an email address"))
		goto out;
	buf_add(&o->account, acct.s ? acct.s : "", acct.len);
	if (acct.len == 0 && o->phone.len == 0 && o->email.len == 0) {
		bad(r, HAS(r, F_MEMBER_NO) ? F_MEMBER_NO : F_PHONE,
		    "no member number, phone or email");
		goto out;
	}
	if ((has_joined = date_field(r, F_JOINED_AT, &joined)) > 0)
		goto out;
	bday[0] = '\0';
	if (r->val[F_BIRTHDAY].len > 0) {
		if (date_parse(r->val[F_BIRTHDAY].s, r->dorder, &b, &why) != 0) {
			buf_reset(&r->bad_msg);
			/* A birthday is personal: shown masked. */
			buf_printf(&r->bad_msg, "%s: '%s'", why,
			    crm_mask(r->val[F_BIRTHDAY].s, r->masked));
			bad(r, F_BIRTHDAY, r->bad_msg.s);
			goto out;
		}
		day_format(b / DAY_SECS, bday);
	}
	if (r->val[F_GENDER].len > 0) {
		for (i = 0; i < sizeof(genders) / sizeof(genders[0]); i++)
			if (strcasecmp(r->val[F_GENDER].s, genders[i].word) == 0)
				gender = genders[i].gender;
		if (gender == NULL) {
			bad(r, F_GENDER, "not a gender (女, 男, F, M, ...)");
			goto out;
		}
	}
	buf_add(&o->name, r->val[F_NAME].s ? r->val[F_NAME].s : "",
	    r->val[F_NAME].len);
	o->ordered_at = has_joined == 0 ? joined : tz_now_local();
	if ((cid = resolve_customer(r)) < 0) {
		rc = -1;
		goto out;
	}
	/* The member row: new, changed, or as it was. */
	if (write_member(r, cid, has_joined == 0 ? &joined : NULL,
	    bday[0] != '\0' ? bday : NULL, gender) != 0 ||
	    take_tags(r, cid) != 0) {
		rc = -1;
		goto out;
	}
	rc = 0;
out:
	order_clear(o);
	buf_free(&acct);
	return rc;
}

/* The time of an event or claim, which it cannot do without. */
static int
when(struct run *r, int64_t *at)
{
	int rc = date_field(r, F_AT, at);

	if (rc < 0)
		return bad(r, F_AT, "empty date");
	return rc;
}

static const struct {
	const char *word;
	const char *kind;
} event_words[] = {
	{ "delivered", "delivered" }, { "delivery", "delivered" },
	{ "sent", "delivered" }, { "送達", "delivered" },
	{ "opened", "opened" }, { "open", "opened" }, { "開信", "opened" },
	{ "開啟", "opened" },
	{ "clicked", "clicked" }, { "click", "clicked" }, { "點擊", "clicked" },
	{ "unsubscribed", "unsubscribed" }, { "unsubscribe", "unsubscribed" },
	{ "退訂", "unsubscribed" }, { "取消訂閱", "unsubscribed" },
	{ "bounced", "bounced" }, { "bounce", "bounced" }, { "退信", "bounced" },
};

/* An email event: delivered, opened, clicked, unsubscribed, bounced. */
int
take_event(struct run *r)
{
	struct buf email = { 0 };
	const char *kind = NULL;
	int64_t at, cid;
	size_t i;
	int rc = 1;

	if (row_values(r) != 0)
		return 1;
	if (ident_field(r, F_EMAIL, &email, email_norm, "an email address"))
		goto out;
	if (email.len == 0) {
		bad(r, F_EMAIL, "no email address");
		goto out;
	}
	for (i = 0; i < sizeof(event_words) / sizeof(event_words[0]); i++)
		if (strcasecmp(r->val[F_EVENT].s, event_words[i].word) == 0)
			kind = event_words[i].kind;
	if (kind == NULL) {
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "unknown event '%s' (delivered, opened, "
		    "clicked, unsubscribed, bounced)", r->val[F_EVENT].s);
		bad(r, F_EVENT, r->bad_msg.s);
		goto out;
	}
	if (when(r, &at) != 0)
		goto out;
	if ((cid = buyer_lookup(r, "email", r->no_merge ? r->channel : "",
	    email.s)) < 0) {
		rc = -1;
		goto out;
	}
	rc = write_event(r, kind, at, cid, email.s, r->val[F_CAMPAIGN].s ?
	    r->val[F_CAMPAIGN].s : "", "");
out:
	buf_free(&email);
	return rc;
}

/*
 * The buyer of a coupon claim or a redemption: an email, a phone, or an
 * account (within --channel when given, else in any channel), into who,
 * and the customer it points at into *cid (0: none known).  Returns 0,
 * 1 when the row names no buyer (the reason set), or -1 on a store
 * error.  The date (when) is read between the two, as claims always did.
 */
static int
row_buyer(struct run *r, struct buf *who, int64_t *at, int64_t *cid)
{
	const char *kind, *chan = r->no_merge ? r->channel : "";

	if (email_norm(r->val[F_BUYER].s, who) == ID_OK)
		kind = "email";
	else if (phone_norm(r->val[F_BUYER].s, who) == ID_OK)
		kind = "phone";
	else if (account_norm(r->val[F_BUYER].s, who) == ID_OK) {
		kind = "account";
		chan = r->channel_opt;
	} else
		return bad(r, F_BUYER, "no buyer (empty or masked)");
	if (when(r, at) != 0)
		return 1;
	if ((*cid = buyer_lookup(r, kind, chan, who->s)) < 0)
		return -1;
	return 0;
}

/* A coupon claim: a code, its buyer (see row_buyer) and when. */
int
take_claim(struct run *r)
{
	struct buf who = { 0 };
	int64_t at, cid;
	int rc = 1;

	if (row_values(r) != 0)
		return 1;
	if (r->val[F_COUPON].len == 0) {
		bad(r, F_COUPON, "no coupon code");
		goto out;
	}
	if ((rc = row_buyer(r, &who, &at, &cid)) != 0)
		goto out;
	rc = write_event(r, "coupon_claimed", at, cid, who.s, "",
	    r->val[F_COUPON].s);
out:
	buf_free(&who);
	return rc;
}

/*
 * Points a member used, from the shop's redemptions export: its
 * reference (kept once with the channel), the buyer as a claim's (see
 * row_buyer), when, and the points (1 or more).  A buyer no customer
 * matches is kept with no customer, as a claim is, and gets one when the
 * file is read again after the buyer is known.
 */
int
take_redemption(struct run *r)
{
	struct buf who = { 0 }, chan = { 0 };
	int64_t at, cid, points;
	int rc = 1;

	if (row_values(r) != 0)
		return 1;
	if (r->val[F_REF].len == 0) {
		bad(r, F_REF, "no redemption reference");
		goto out;
	}
	if ((rc = row_buyer(r, &who, &at, &cid)) != 0)
		goto out;
	rc = 1;
	if (r->val[F_POINTS].len == 0) {
		bad(r, F_POINTS, "no points");
		goto out;
	}
	if (points_field(r, F_POINTS, 1, &points))
		goto out;
	row_channel(r, &chan);
	switch ((rc = write_redemption(r, chan.s, r->val[F_REF].s, cid, at,
	    points))) {
	case RED_NEW:
		r->o_new++;
		break;
	case RED_UPDATED:
		r->o_updated++;
		break;
	case RED_SAME:
		r->o_unchanged++;
		break;
	case RED_CLASH:
		buf_reset(&r->bad_msg);
		buf_printf(&r->bad_msg, "redemption %s is given twice in this "
		    "file, with other values", r->val[F_REF].s);
		bad(r, F_REF, r->bad_msg.s);
		rc = 1;
		goto out;
	default:
		goto out;
	}
	if (cid == 0)
		r->c_unknown++;
	rc = 0;
out:
	buf_free(&who);
	buf_free(&chan);
	return rc;
}
