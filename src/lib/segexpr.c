/*
 * segexpr.c: the audience language of crm-segment(1).  An expression is
 * parsed once into a tree (segexpr_compile), then turned into one
 * INSERT ... SELECT over the customers known by the as-of day
 * (segexpr_select).  Every value the user wrote is a bound parameter;
 * the SQL text holds only what this file spells out.
 *
 *	expr	 = and { "or" and }
 *	and	 = unary { "and" unary }
 *	unary	 = "not" unary | "(" expr ")" | cond
 *	cond	 = name [ "(" args ")" ] [ op value
 *		   | [ "not" ] "between" value "and" value
 *		   | [ "not" ] "in" "(" value { "," value } ")"
 *		   | [ "not" ] ( "contains" | "matches" ) string ]
 */
#include <ctype.h>
#include <err.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "crm.h"
#include "rfm.h"
#include "segexpr.h"
#include "predict/predict.h"

#include "points/store.h"

/* The model's figures of the as-of day (predict_table()). */
#define SEGEXPR_MODEL	"segexpr_model"
/* The members' points of the as-of day (points_table()). */
#define SEGEXPR_POINTS	"segexpr_points"

/* ==== Fields ==== */

enum ftype {
	FT_INT,			/* a whole number */
	FT_MONEY,		/* an amount, minor units in the store */
	FT_DATE,		/* a day */
	FT_TEXT,		/* one text value */
	FT_SET,			/* a set of texts (tags, channels) */
	FT_BOOL,		/* true or false: no operator */
	FT_REAL			/* a number with decimals (0.3) */
};

enum fid {
	F_CUSTOMER_ID, F_ORDERS, F_PURCHASE_DAYS, F_SPENT, F_AOV,
	F_FIRST_ORDER, F_LAST_ORDER, F_DAYS_SINCE, F_STAGE, F_R, F_F, F_M,
	F_RFM, F_RFM_SEGMENT, F_NAME, F_EMAIL, F_PHONE, F_GENDER, F_AGE,
	F_BIRTHDAY_MONTH, F_JOINED, F_TAG, F_CHANNEL, F_MEMBER,
	F_POTENTIAL, F_NEW, F_ACTIVE, F_LOST, F_PURCHASED,
	/* the customer-base model (predict.h), as of the day */
	F_P_ALIVE, F_EXPECTED_ORDERS, F_CHURN_RISK, F_CLV,
	/* the points programme (points/store.h), as of the day */
	F_POINTS, F_TIER,
	/* functions */
	FN_ORDERS, FN_SPENT, FN_AOV, FN_BOUGHT, FN_UNITS, FN_OPENED,
	FN_CLICKED, FN_DELIVERED, FN_UNSUBSCRIBED, FN_BOUNCED, FN_CLAIMED,
	FN_POINTS_EXPIRING,
	/* fields of a product condition inside bought() and units() */
	P_SKU, P_PRODUCT, P_CATEGORY, P_CHANNEL
};

enum fctx { CTX_CUSTOMER, CTX_FUNC, CTX_PRODUCT };

static const struct field {
	const char *name;
	enum fid id;
	enum ftype type;
	enum fctx ctx;
} fields[] = {
	{ "customer_id",	F_CUSTOMER_ID,	FT_INT,	  CTX_CUSTOMER },
	{ "orders",		F_ORDERS,	FT_INT,	  CTX_CUSTOMER },
	{ "purchase_days",	F_PURCHASE_DAYS, FT_INT,  CTX_CUSTOMER },
	{ "spent",		F_SPENT,	FT_MONEY, CTX_CUSTOMER },
	{ "aov",		F_AOV,		FT_MONEY, CTX_CUSTOMER },
	{ "first_order",	F_FIRST_ORDER,	FT_DATE,  CTX_CUSTOMER },
	{ "last_order",		F_LAST_ORDER,	FT_DATE,  CTX_CUSTOMER },
	{ "days_since",		F_DAYS_SINCE,	FT_INT,	  CTX_CUSTOMER },
	{ "stage",		F_STAGE,	FT_TEXT,  CTX_CUSTOMER },
	{ "r",			F_R,		FT_INT,	  CTX_CUSTOMER },
	{ "f",			F_F,		FT_INT,	  CTX_CUSTOMER },
	{ "m",			F_M,		FT_INT,	  CTX_CUSTOMER },
	{ "rfm",		F_RFM,		FT_TEXT,  CTX_CUSTOMER },
	{ "rfm_segment",	F_RFM_SEGMENT,	FT_TEXT,  CTX_CUSTOMER },
	{ "name",		F_NAME,		FT_TEXT,  CTX_CUSTOMER },
	{ "email",		F_EMAIL,	FT_TEXT,  CTX_CUSTOMER },
	{ "phone",		F_PHONE,	FT_TEXT,  CTX_CUSTOMER },
	{ "gender",		F_GENDER,	FT_TEXT,  CTX_CUSTOMER },
	{ "age",		F_AGE,		FT_INT,	  CTX_CUSTOMER },
	{ "birthday_month",	F_BIRTHDAY_MONTH, FT_INT, CTX_CUSTOMER },
	{ "joined",		F_JOINED,	FT_DATE,  CTX_CUSTOMER },
	{ "tag",		F_TAG,		FT_SET,	  CTX_CUSTOMER },
	{ "channel",		F_CHANNEL,	FT_SET,	  CTX_CUSTOMER },
	{ "member",		F_MEMBER,	FT_BOOL,  CTX_CUSTOMER },
	{ "potential",		F_POTENTIAL,	FT_BOOL,  CTX_CUSTOMER },
	{ "new",		F_NEW,		FT_BOOL,  CTX_CUSTOMER },
	{ "active",		F_ACTIVE,	FT_BOOL,  CTX_CUSTOMER },
	{ "lost",		F_LOST,		FT_BOOL,  CTX_CUSTOMER },
	{ "purchased",		F_PURCHASED,	FT_BOOL,  CTX_CUSTOMER },
	{ "p_alive",		F_P_ALIVE,	FT_REAL,  CTX_CUSTOMER },
	{ "expected_orders",	F_EXPECTED_ORDERS, FT_REAL, CTX_CUSTOMER },
	{ "churn_risk",		F_CHURN_RISK,	FT_REAL,  CTX_CUSTOMER },
	{ "clv",		F_CLV,		FT_MONEY, CTX_CUSTOMER },
	{ "points",		F_POINTS,	FT_INT,	  CTX_CUSTOMER },
	{ "tier",		F_TIER,		FT_TEXT,  CTX_CUSTOMER },
	{ "orders",		FN_ORDERS,	FT_INT,	  CTX_FUNC },
	{ "spent",		FN_SPENT,	FT_MONEY, CTX_FUNC },
	{ "aov",		FN_AOV,		FT_MONEY, CTX_FUNC },
	{ "bought",		FN_BOUGHT,	FT_INT,	  CTX_FUNC },
	{ "units",		FN_UNITS,	FT_INT,	  CTX_FUNC },
	{ "opened",		FN_OPENED,	FT_INT,	  CTX_FUNC },
	{ "clicked",		FN_CLICKED,	FT_INT,	  CTX_FUNC },
	{ "delivered",		FN_DELIVERED,	FT_INT,	  CTX_FUNC },
	{ "unsubscribed",	FN_UNSUBSCRIBED, FT_INT,  CTX_FUNC },
	{ "bounced",		FN_BOUNCED,	FT_INT,	  CTX_FUNC },
	{ "claimed",		FN_CLAIMED,	FT_INT,	  CTX_FUNC },
	{ "points_expiring",	FN_POINTS_EXPIRING, FT_INT, CTX_FUNC },
	{ "sku",		P_SKU,		FT_TEXT,  CTX_PRODUCT },
	{ "product",		P_PRODUCT,	FT_TEXT,  CTX_PRODUCT },
	{ "category",		P_CATEGORY,	FT_TEXT,  CTX_PRODUCT },
	{ "channel",		P_CHANNEL,	FT_TEXT,  CTX_PRODUCT },
};
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))


/* ==== The tree ==== */

enum vkind {
	V_INT,			/* i: a number, or minor units */
	V_TEXT,			/* s */
	V_DAY,			/* i: an absolute day */
	V_REL,			/* i units of unit (d, w, m, y) from as-of */
	V_SHOP_AOV,		/* the shop's average order value */
	V_REAL			/* d */
};

struct val {
	enum vkind k;
	int64_t	 i;
	double	 d;
	char	*s;
	char	 unit;
};

enum op {
	OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE, OP_BETWEEN, OP_NBETWEEN,
	OP_IN, OP_NIN, OP_CONTAINS, OP_NCONTAINS, OP_MATCHES, OP_NMATCHES,
	OP_TRUE			/* a bare boolean field or count */
};

enum nkind { N_AND, N_OR, N_NOT, N_COND };

struct node {
	enum nkind k;
	struct node *a, *b;		/* operands of and, or, not */
	const struct field *f;		/* N_COND: the field */
	enum op	 op;
	struct val *v;			/* the values compared with */
	size_t	 nv;
	/* Arguments of a function. */
	int	 has_lo, has_hi;	/* the window has a start, an end */
	struct val lo, hi;		/* first and last day of the window */
	int	 lo_adj, hi_adj;	/* days added to them ("after" is +1) */
	struct node *prod;		/* bought(): the product condition */
	char	*arg;			/* opened('campaign'): NULL for any */
	int	 pos;			/* N_COND: where it starts */
};

struct segexpr {
	struct node *root;
	int	 uses_rfm;
	int	 uses_stage;
	int	 uses_model;		/* 1: p_alive and the like, 2: clv */
	int	 uses_points;
	int64_t	 pdays[SEGEXPR_MAX_PDAYS];	/* points_expiring()'s days */
	size_t	 npdays;
	const struct programme *pg;	/* for points; NULL: none given */
	const struct rfm_rules *rules;	/* for rfm_segment; NULL: default */
};

/* ==== The lexer ==== */

enum tkind {
	T_END, T_NAME, T_STR, T_NUM, T_DAY, T_REL, T_LP, T_RP, T_COMMA,
	T_EQ, T_NE, T_LT, T_LE, T_GT, T_GE, T_BAD
};

struct tok {
	enum tkind k;
	int	 pos;			/* byte offset in the expression */
	struct buf s;			/* name (lower case), string, number */
	int64_t	 i;			/* T_DAY: the day; T_REL: the count */
	char	 unit;			/* T_REL: d, w, m, y */
};

struct parser {
	const char *src;
	int	 pos;			/* next byte to read */
	struct tok t;			/* the current token */
	struct buf *err;
	int	 failed;
	int	 uses_rfm;
	int	 uses_stage;
	int	 uses_model;
	int	 uses_points;
	int64_t	 pdays[SEGEXPR_MAX_PDAYS];
	size_t	 npdays;
	int	 depth;			/* open "(" and "not" around here */
	int	 nconds;		/* conditions so far */
	int	 nvals;			/* values so far */
	int	 njoins;		/* bought() and units() so far */
};

/* Bytes of a long expression shown either side of an error's column. */
#define ERR_SHOW 60

static void
fail(struct parser *p, int pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Records the first error: the message, the expression, and a caret
 * under the column (counted in terminal columns, for CJK text).
 */
static void
fail(struct parser *p, int pos, const char *fmt, ...)
{
	struct buf line = { 0 };
	va_list ap;
	char *pre;
	int w, n, i, start, end;

	if (p->failed)
		return;
	p->failed = 1;
	if (p->err == NULL)
		return;
	buf_reset(p->err);
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	pre = xmalloc((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(pre, (size_t)n + 1, fmt, ap);
	va_end(ap);
	if (pos > (int)strlen(p->src))
		pos = (int)strlen(p->src);
	buf_add(&line, p->src, (size_t)pos);
	w = text_width(line.s != NULL ? line.s : "");
	if (w < 0)
		w = pos;
	buf_printf(p->err, "expression, column %d: %s\n  ", w + 1, pre);
	/*
	 * A long expression is shown around the column only, from a
	 * character's first byte, with "..." where it was cut.
	 */
	start = 0;
	end = (int)strlen(p->src);
	if (end > 2 * ERR_SHOW) {
		if (pos > ERR_SHOW)
			start = pos - ERR_SHOW;
		while (start > 0 && (p->src[start] & 0xc0) == 0x80)
			start--;
		if (end - pos > ERR_SHOW)
			end = pos + ERR_SHOW;
		while (end > pos && (p->src[end] & 0xc0) == 0x80)
			end--;
	}
	if (start > 0) {
		buf_adds(p->err, "...");
		buf_reset(&line);
		buf_add(&line, p->src + start, (size_t)(pos - start));
		w = text_width(line.s != NULL ? line.s : "");
		if (w < 0)
			w = pos - start;
		w += 3;
	}
	for (i = start; i < end; i++)
		buf_addc(p->err, p->src[i] == '\n' || p->src[i] == '\t' ||
		    p->src[i] == '\r' ? ' ' : p->src[i]);
	if (p->src[end] != '\0')
		buf_adds(p->err, "...");
	buf_printf(p->err, "\n  %*s^", w, "");
	free(pre);
	buf_free(&line);
}

static int
is_name_char(int c)
{
	return isalnum(c) || c == '_';
}

/* Reads a YYYY-MM-DD date at s; returns its length, or 0. */
static int
lex_day(struct parser *p, const char *s, int64_t *day)
{
	char tmp[11];
	const char *why;
	int64_t t;
	int i;

	for (i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' :
		    !isdigit((unsigned char)s[i]))
			return 0;
	if (is_name_char((unsigned char)s[10]))
		return 0;
	memcpy(tmp, s, 10);
	tmp[10] = '\0';
	if (date_parse(tmp, DATE_MDY, &t, &why) != 0) {
		fail(p, (int)(s - p->src), "bad date '%s': %s", tmp, why);
		return -1;
	}
	*day = t / DAY_SECS;
	return 10;
}

/* Reads the next token into p->t. */
static void
next(struct parser *p)
{
	const char *s = p->src, *q;
	struct tok *t = &p->t;
	int n, sign;
	char quote;

	while (isspace((unsigned char)s[p->pos]))
		p->pos++;
	buf_reset(&t->s);
	t->pos = p->pos;
	q = s + p->pos;
	switch (*q) {
	case '\0':
		t->k = T_END;
		return;
	case '(':
		t->k = T_LP;
		p->pos++;
		return;
	case ')':
		t->k = T_RP;
		p->pos++;
		return;
	case ',':
		t->k = T_COMMA;
		p->pos++;
		return;
	case '=':
		t->k = T_EQ;
		p->pos += q[1] == '=' ? 2 : 1;
		return;
	case '!':
		if (q[1] == '=') {
			t->k = T_NE;
			p->pos += 2;
			return;
		}
		break;
	case '<':
		t->k = q[1] == '=' ? T_LE : q[1] == '>' ? T_NE : T_LT;
		p->pos += t->k == T_LT ? 1 : 2;
		return;
	case '>':
		t->k = q[1] == '=' ? T_GE : T_GT;
		p->pos += t->k == T_GT ? 1 : 2;
		return;
	case '\'':
	case '"':
		/* A quote inside is doubled, as in SQL: 'Can''t Lose Them'. */
		quote = *q++;
		for (;;) {
			if (*q == '\0') {
				t->k = T_BAD;
				fail(p, t->pos, "unterminated %c-quoted text",
				    quote);
				return;
			}
			if (*q == quote) {
				if (q[1] != quote)
					break;
				q++;
			}
			buf_addc(&t->s, *q++);
		}
		if (t->s.s == NULL)
			buf_adds(&t->s, "");
		if (!utf8_valid(t->s.s, t->s.len)) {
			t->k = T_BAD;
			fail(p, t->pos, "text is not UTF-8");
			return;
		}
		t->k = T_STR;
		p->pos = (int)(q + 1 - s);
		return;
	default:
		break;
	}
	if (isdigit((unsigned char)*q)) {
		if ((n = lex_day(p, q, &t->i)) < 0) {
			t->k = T_BAD;
			return;
		}
		if (n > 0) {
			t->k = T_DAY;
			p->pos += n;
			return;
		}
	}
	if (isdigit((unsigned char)*q) || ((*q == '-' || *q == '+') &&
	    isdigit((unsigned char)q[1]))) {
		sign = *q == '-' ? -1 : 1;
		if (*q == '-' || *q == '+')
			buf_addc(&t->s, *q++);
		while (isdigit((unsigned char)*q) || *q == '.')
			buf_addc(&t->s, *q++);
		if (strchr("dwmy", *q) != NULL && *q != '\0' &&
		    !is_name_char((unsigned char)q[1]) &&
		    strchr(t->s.s, '.') == NULL) {
			/* A relative date: -30d, -3m, -1y, +2w. */
			t->unit = *q++;
			if (crm_parse_int(t->s.s + (t->s.s[0] == '-' ||
			    t->s.s[0] == '+'), 0, 100000,
			    (long long *)&t->i) != 0) {
				t->k = T_BAD;
				fail(p, t->pos, "relative date out of range");
				return;
			}
			t->i *= sign;
			t->k = T_REL;
			p->pos = (int)(q - s);
			return;
		}
		if (is_name_char((unsigned char)*q)) {
			t->k = T_BAD;
			fail(p, (int)(q - s), "bad number or relative date "
			    "(write e.g. 30, 1500.50, -30d, -3m, -1y)");
			return;
		}
		t->k = T_NUM;
		p->pos = (int)(q - s);
		return;
	}
	if (isalpha((unsigned char)*q) || *q == '_') {
		while (is_name_char((unsigned char)*q))
			buf_addc(&t->s, (char)tolower((unsigned char)*q++));
		t->k = T_NAME;
		p->pos = (int)(q - s);
		if (strcmp(t->s.s, "today") == 0) {
			t->k = T_REL;
			t->i = 0;
			t->unit = 'd';
		}
		return;
	}
	t->k = T_BAD;
	n = 1;
	while ((q[n] & 0xc0) == 0x80)
		n++;
	fail(p, t->pos, "unexpected '%.*s'", n, q);
}

static int
is_kw(const struct parser *p, const char *kw)
{
	return p->t.k == T_NAME && strcmp(p->t.s.s, kw) == 0;
}

static const char *
tok_desc(const struct parser *p)
{
	static char b[80];
	int n;

	switch (p->t.k) {
	case T_END:
		return "the end";
	case T_STR:
		return "quoted text";
	case T_NAME:
		snprintf(b, sizeof(b), "'%.60s'", p->t.s.s);
		return b;
	default:
		n = p->pos - p->t.pos;
		snprintf(b, sizeof(b), "'%.*s'", n > 60 ? 60 : n,
		    p->src + p->t.pos);
		return b;
	}
}

/* ==== The parser ==== */

static void node_free(struct node *n);
static struct node *parse_or(struct parser *p, enum fctx ctx);
static int sql_too_deep(struct parser *p, const struct node *root);

static struct node *
node_new(enum nkind k)
{
	struct node *n = xmalloc(sizeof(*n));

	memset(n, 0, sizeof(*n));
	n->k = k;
	return n;
}

static void
val_free(struct val *v)
{
	free(v->s);
	v->s = NULL;
}

static void
node_free(struct node *n)
{
	size_t i;

	if (n == NULL)
		return;
	node_free(n->a);
	node_free(n->b);
	node_free(n->prod);
	for (i = 0; i < n->nv; i++)
		val_free(&n->v[i]);
	free(n->v);
	val_free(&n->lo);
	val_free(&n->hi);
	free(n->arg);
	free(n);
}

static const char *
type_want(enum ftype t)
{
	switch (t) {
	case FT_INT:
		return "a whole number";
	case FT_MONEY:
		return "an amount (e.g. 3000 or 1499.50) or shop_aov";
	case FT_DATE:
		return "a date (2024-11-11, -30d, -3m, -1y or today)";
	case FT_REAL:
		return "a number (e.g. 0.3 or 2)";
	default:
		return "quoted text";
	}
}

/* Reads one value of type ft into v; 0, or -1 after fail(). */
static int
parse_value(struct parser *p, const struct field *f, struct val *v)
{
	const char *why;
	long long n;
	size_t i;
	int pos = p->t.pos;

	memset(v, 0, sizeof(*v));
	if (p->t.k == T_BAD)
		return -1;
	switch (f->type) {
	case FT_INT:
		if (p->t.k != T_NUM || crm_parse_int(p->t.s.s +
		    (p->t.s.s[0] == '+'), INT64_MIN / 4, INT64_MAX / 4,
		    &n) != 0) {
			fail(p, pos, "'%s' wants %s here, not %s", f->name,
			    type_want(f->type), tok_desc(p));
			return -1;
		}
		v->k = V_INT;
		v->i = n;
		break;
	case FT_REAL:
		if (p->t.k != T_NUM) {
			fail(p, pos, "'%s' wants %s here, not %s", f->name,
			    type_want(f->type), tok_desc(p));
			return -1;
		}
		v->k = V_REAL;
		v->d = strtod(p->t.s.s, NULL);
		break;
	case FT_MONEY:
		if (is_kw(p, "shop_aov")) {
			v->k = V_SHOP_AOV;
			break;
		}
		if (p->t.k != T_NUM) {
			fail(p, pos, "'%s' wants %s here, not %s", f->name,
			    type_want(f->type), tok_desc(p));
			return -1;
		}
		if (money_parse(p->t.s.s, &v->i, &why) != 0) {
			fail(p, pos, "bad amount '%s': %s", p->t.s.s, why);
			return -1;
		}
		v->k = V_INT;
		break;
	case FT_DATE:
		if (p->t.k == T_DAY) {
			v->k = V_DAY;
			v->i = p->t.i;
		} else if (p->t.k == T_REL) {
			v->k = V_REL;
			v->i = p->t.i;
			v->unit = p->t.unit;
		} else {
			fail(p, pos, "'%s' wants %s here, not %s", f->name,
			    type_want(f->type), tok_desc(p));
			return -1;
		}
		break;
	case FT_TEXT:
	case FT_SET:
		if (p->t.k != T_STR) {
			fail(p, pos, "'%s' wants %s here, not %s", f->name,
			    type_want(f->type), tok_desc(p));
			return -1;
		}
		if (f->id == F_STAGE) {
			for (i = 0; i < CRM_NSTAGES; i++)
				if (strcasecmp(p->t.s.s, crm_stage_name[i]) == 0)
					break;
			if (i == CRM_NSTAGES) {
				fail(p, pos, "unknown stage '%s' (stages are "
				    "potential, new, active, lost)", p->t.s.s);
				return -1;
			}
			v->s = xstrdup(crm_stage_name[i]);
		} else
			v->s = xstrdup(p->t.s.s);
		v->k = V_TEXT;
		break;
	case FT_BOOL:
		return -1;
	}
	next(p);
	return 0;
}

static void
add_val(struct node *n, const struct val *v)
{
	n->v = xrealloc(n->v, (n->nv + 1) * sizeof(n->v[0]));
	n->v[n->nv++] = *v;
}

static const struct field *
find_field(const char *name, enum fctx ctx)
{
	size_t i;

	for (i = 0; i < NFIELDS; i++)
		if (fields[i].ctx == ctx && strcmp(fields[i].name, name) == 0)
			return &fields[i];
	return NULL;
}

static const char *
field_list(enum fctx ctx)
{
	switch (ctx) {
	case CTX_PRODUCT:
		return "sku, product, category, channel";
	case CTX_FUNC:
		return "orders, spent, aov, bought, units, opened, clicked, "
		    "delivered, unsubscribed, bounced, claimed";
	default:
		return "orders, spent, aov, first_order, last_order, "
		    "days_since, purchase_days, stage, r, f, m, rfm, "
		    "rfm_segment, tag, channel, name, email, phone, gender, "
		    "age, birthday_month, joined, member, customer_id; "
		    "see crm-segment(1)";
	}
}

/* The known name closest to name, when it is close, else NULL. */
static const char *
nearest(const char *name, enum fctx ctx)
{
	const char *best = NULL;
	size_t i;
	int d, bd = 3;

	if (strlen(name) < 3)
		return NULL;
	for (i = 0; i < NFIELDS; i++) {
		if (fields[i].ctx != ctx)
			continue;
		d = text_distance(name, fields[i].name);
		if (d < bd) {
			bd = d;
			best = fields[i].name;
		}
	}
	return best;
}

/* Reads a window day after since/after/until/before/between. */
static int
parse_wday(struct parser *p, struct val *v)
{
	static const struct field wf = { "window", F_FIRST_ORDER, FT_DATE,
	    CTX_FUNC };

	return parse_value(p, &wf, v);
}

/*
 * Reads a function's arguments, after its "(": windows ("since D",
 * "after D", "until D", "before D", "between D and D"), "any", and for
 * bought()/units() product conditions, for the e-mail functions a
 * campaign (coupon code for claimed) in quotes.  Commas mean "and".
 */
static int
parse_args(struct parser *p, struct node *n)
{
	struct node *c, *and;
	int id = n->f->id, pos;

	if (p->t.k == T_RP) {
		next(p);
		return 0;
	}
	for (;;) {
		pos = p->t.pos;
		if (is_kw(p, "since") || is_kw(p, "after")) {
			if (n->has_lo) {
				fail(p, pos, "the window already has a start");
				return -1;
			}
			n->lo_adj = is_kw(p, "after");
			next(p);
			if (parse_wday(p, &n->lo) != 0)
				return -1;
			n->has_lo = 1;
		} else if (is_kw(p, "until") || is_kw(p, "before")) {
			if (n->has_hi) {
				fail(p, pos, "the window already has an end");
				return -1;
			}
			n->hi_adj = is_kw(p, "before") ? -1 : 0;
			next(p);
			if (parse_wday(p, &n->hi) != 0)
				return -1;
			n->has_hi = 1;
		} else if (is_kw(p, "between")) {
			if (n->has_lo || n->has_hi) {
				fail(p, pos, "the window already has a start "
				    "or an end");
				return -1;
			}
			next(p);
			if (parse_wday(p, &n->lo) != 0)
				return -1;
			if (!is_kw(p, "and")) {
				fail(p, p->t.pos, "expected 'and' after the "
				    "first date of 'between'");
				return -1;
			}
			next(p);
			if (parse_wday(p, &n->hi) != 0)
				return -1;
			n->has_lo = n->has_hi = 1;
		} else if (is_kw(p, "any")) {
			next(p);
		} else if (id >= FN_OPENED && p->t.k == T_STR) {
			if (n->arg != NULL) {
				fail(p, pos, "one campaign only (use or)");
				return -1;
			}
			n->arg = xstrdup(p->t.s.s);
			next(p);
		} else if (id == FN_BOUGHT || id == FN_UNITS) {
			if ((c = parse_or(p, CTX_PRODUCT)) == NULL)
				return -1;
			if (n->prod == NULL)
				n->prod = c;
			else {
				and = node_new(N_AND);
				and->a = n->prod;
				and->b = c;
				n->prod = and;
			}
		} else {
			fail(p, pos, "expected %s, not %s", id == FN_BOUGHT ||
			    id == FN_UNITS ? "a product condition (sku, "
			    "product, category, channel) or a window (since, "
			    "after, until, before, between)" : id >= FN_OPENED ?
			    "a campaign in quotes, any, or a window (since, "
			    "after, until, before, between)" : "a window "
			    "(since, after, until, before, between)",
			    tok_desc(p));
			return -1;
		}
		if (p->t.k == T_COMMA) {
			next(p);
			continue;
		}
		if (p->t.k == T_RP) {
			next(p);
			return 0;
		}
		fail(p, p->t.pos, "expected ',' or ')' in the arguments of "
		    "'%s', not %s", n->f->name, tok_desc(p));
		return -1;
	}
}

static int
ops_ok(const struct field *f, enum op op)
{
	switch (f->type) {
	case FT_INT:
	case FT_MONEY:
	case FT_DATE:
	case FT_REAL:
		return op <= OP_NIN;
	case FT_TEXT:
	case FT_SET:
		return op == OP_EQ || op == OP_NE || op == OP_IN ||
		    op == OP_NIN || op >= OP_CONTAINS;
	default:
		return 0;
	}
}

/* points_expiring(N): N days, 1 to 3650, and ")". */
static int
parse_days_arg(struct parser *p, struct node *n)
{
	long long v;
	size_t i;

	if (p->t.k != T_NUM || crm_parse_int(p->t.s.s, 1, 3650, &v) != 0) {
		fail(p, p->t.pos, "'points_expiring' wants a number of days "
		    "from 1 to 3650, as in points_expiring(30)");
		return -1;
	}
	n->lo.k = V_INT;
	n->lo.i = v;
	next(p);
	if (p->t.k != T_RP) {
		fail(p, p->t.pos, "expected ')' after the days");
		return -1;
	}
	next(p);
	for (i = 0; i < p->npdays && p->pdays[i] != v; i++)
		;
	if (i == p->npdays) {
		if (p->npdays == SEGEXPR_MAX_PDAYS) {
			fail(p, n->pos, "at most %d different days in "
			    "points_expiring()", SEGEXPR_MAX_PDAYS);
			return -1;
		}
		p->pdays[p->npdays++] = v;
	}
	return 0;
}

static struct node *
parse_cond(struct parser *p, enum fctx ctx)
{
	const struct field *f = NULL;
	struct node *n;
	struct val v;
	char name[64];
	int pos = p->t.pos, oppos, neg = 0;
	enum op op;

	if (p->t.k != T_NAME) {
		fail(p, pos, "expected a condition, not %s", tok_desc(p));
		return NULL;
	}
	snprintf(name, sizeof(name), "%s", p->t.s.s);
	next(p);
	if (p->t.k == T_LP && ctx == CTX_CUSTOMER)
		f = find_field(name, CTX_FUNC);
	if (f == NULL)
		f = find_field(name, ctx);
	if (f == NULL) {
		const char *kind = p->t.k == T_LP && ctx == CTX_CUSTOMER ?
		    "function" : ctx == CTX_PRODUCT ? "product field" : "field";
		const char *near = nearest(name, p->t.k == T_LP &&
		    ctx == CTX_CUSTOMER ? CTX_FUNC : ctx);

		if (near != NULL)
			fail(p, pos, "unknown %s '%s'; did you mean '%s'?",
			    kind, name, near);
		else
			fail(p, pos, "unknown %s '%s' (%ss are %s)", kind,
			    name, kind, field_list(p->t.k == T_LP &&
			    ctx == CTX_CUSTOMER ? CTX_FUNC : ctx));
		return NULL;
	}
	if (f->ctx == CTX_FUNC && p->t.k != T_LP) {
		fail(p, p->t.pos, "expected '(' after '%s'", name);
		return NULL;
	}
	if (f->id >= F_R && f->id <= F_RFM_SEGMENT)
		p->uses_rfm = 1;
	if (f->id == F_STAGE || (f->id >= F_POTENTIAL && f->id <= F_LOST))
		p->uses_stage = 1;
	if (f->id == F_POINTS || f->id == F_TIER ||
	    f->id == FN_POINTS_EXPIRING)
		p->uses_points = 1;
	if (f->id >= F_P_ALIVE && f->id <= F_CLV && p->uses_model <
	    (f->id == F_CLV ? 2 : 1))
		p->uses_model = f->id == F_CLV ? 2 : 1;
	if (++p->nconds > SEGEXPR_MAX_CONDS) {
		fail(p, pos, "expression has more than %d conditions",
		    SEGEXPR_MAX_CONDS);
		return NULL;
	}
	/* SQLite joins at most 64 tables; the query has 3 of its own. */
	if ((f->id == FN_BOUGHT || f->id == FN_UNITS) &&
	    ++p->njoins > SEGEXPR_MAX_JOINS) {
		fail(p, pos, "expression has more than %d bought() and "
		    "units() conditions", SEGEXPR_MAX_JOINS);
		return NULL;
	}
	n = node_new(N_COND);
	n->f = f;
	n->pos = pos;
	if (f->id == FN_POINTS_EXPIRING) {
		next(p);
		if (parse_days_arg(p, n) != 0)
			goto bad;
	} else if (f->ctx == CTX_FUNC) {
		next(p);
		if (parse_args(p, n) != 0)
			goto bad;
	}
	oppos = p->t.pos;
	if (is_kw(p, "not")) {
		neg = 1;
		next(p);
	}
	switch (p->t.k) {
	case T_EQ:	op = OP_EQ;	break;
	case T_NE:	op = OP_NE;	break;
	case T_LT:	op = OP_LT;	break;
	case T_LE:	op = OP_LE;	break;
	case T_GT:	op = OP_GT;	break;
	case T_GE:	op = OP_GE;	break;
	default:
		if (is_kw(p, "between"))
			op = OP_BETWEEN;
		else if (is_kw(p, "in"))
			op = OP_IN;
		else if (is_kw(p, "contains"))
			op = OP_CONTAINS;
		else if (is_kw(p, "matches"))
			op = OP_MATCHES;
		else if (neg) {
			fail(p, p->t.pos, "expected between, in, contains or "
			    "matches after 'not'");
			goto bad;
		} else
			op = OP_TRUE;
		break;
	}
	if (neg && op < OP_BETWEEN) {
		fail(p, p->t.pos, "write 'not' before the condition, not "
		    "before '%s'", op == OP_EQ ? "=" : "an operator");
		goto bad;
	}
	if (op == OP_TRUE) {
		if (f->type == FT_BOOL || (f->ctx == CTX_FUNC &&
		    f->type == FT_INT)) {
			n->op = OP_TRUE;
			return n;
		}
		fail(p, oppos, "expected an operator (= != < <= > >= between "
		    "in%s) after '%s', not %s", f->type == FT_TEXT ||
		    f->type == FT_SET ? " contains matches" : "", f->name,
		    tok_desc(p));
		goto bad;
	}
	if (f->type == FT_BOOL) {
		fail(p, oppos, "'%s' is true or false by itself: write '%s' "
		    "or 'not %s'", f->name, f->name, f->name);
		goto bad;
	}
	if (neg)
		op++;			/* OP_NBETWEEN, OP_NIN, ... */
	if (!ops_ok(f, op)) {
		fail(p, oppos, "'%s' cannot be compared that way (%s)",
		    f->name, f->type == FT_TEXT || f->type == FT_SET ?
		    "text takes = != in contains matches" :
		    "numbers and dates take = != < <= > >= between in");
		goto bad;
	}
	n->op = op;
	next(p);
	if (op == OP_BETWEEN || op == OP_NBETWEEN) {
		if (parse_value(p, f, &v) != 0)
			goto bad;
		add_val(n, &v);
		if (!is_kw(p, "and")) {
			fail(p, p->t.pos, "expected 'and' in 'between ... and "
			    "...', not %s", tok_desc(p));
			goto bad;
		}
		next(p);
		if (parse_value(p, f, &v) != 0)
			goto bad;
		add_val(n, &v);
	} else if (op == OP_IN || op == OP_NIN) {
		if (p->t.k != T_LP) {
			fail(p, p->t.pos, "expected '(' after 'in'");
			goto bad;
		}
		next(p);
		for (;;) {
			if (n->nv >= 1000) {
				fail(p, p->t.pos, "more than 1000 values");
				goto bad;
			}
			if (parse_value(p, f, &v) != 0)
				goto bad;
			add_val(n, &v);
			if (p->t.k == T_COMMA) {
				next(p);
				continue;
			}
			if (p->t.k == T_RP) {
				next(p);
				break;
			}
			fail(p, p->t.pos, "expected ',' or ')' in the list, "
			    "not %s", tok_desc(p));
			goto bad;
		}
	} else if (op >= OP_CONTAINS) {
		if (p->t.k != T_STR) {
			fail(p, p->t.pos, "expected quoted text after "
			    "'%s'", op <= OP_NCONTAINS ? "contains" :
			    "matches");
			goto bad;
		}
		v.k = V_TEXT;
		v.s = xstrdup(p->t.s.s);
		add_val(n, &v);
		next(p);
	} else {
		if (parse_value(p, f, &v) != 0)
			goto bad;
		add_val(n, &v);
	}
	if ((p->nvals += (int)n->nv) > SEGEXPR_MAX_VALUES) {
		fail(p, pos, "expression has more than %d values",
		    SEGEXPR_MAX_VALUES);
		goto bad;
	}
	return n;
bad:
	node_free(n);
	return NULL;
}

static struct node *
parse_unary(struct parser *p, enum fctx ctx)
{
	struct node *n, *a;
	int pos;

	if (p->t.k == T_BAD)
		return NULL;
	if ((is_kw(p, "not") || p->t.k == T_LP) &&
	    p->depth >= SEGEXPR_MAX_DEPTH) {
		fail(p, p->t.pos, "expression nests deeper than %d",
		    SEGEXPR_MAX_DEPTH);
		return NULL;
	}
	if (is_kw(p, "not")) {
		next(p);
		p->depth++;
		a = parse_unary(p, ctx);
		p->depth--;
		if (a == NULL)
			return NULL;
		n = node_new(N_NOT);
		n->a = a;
		return n;
	}
	if (p->t.k == T_LP) {
		pos = p->t.pos;
		next(p);
		p->depth++;
		n = parse_or(p, ctx);
		p->depth--;
		if (n == NULL)
			return NULL;
		if (p->t.k != T_RP) {
			fail(p, p->t.pos,
			    "expected ')' to close the '(' at column %d, not "
			    "%s", pos + 1, tok_desc(p));
			node_free(n);
			return NULL;
		}
		next(p);
		return n;
	}
	return parse_cond(p, ctx);
}

static struct node *
parse_and(struct parser *p, enum fctx ctx)
{
	struct node *n, *b, *m;

	if ((n = parse_unary(p, ctx)) == NULL)
		return NULL;
	while (is_kw(p, "and")) {
		next(p);
		if ((b = parse_unary(p, ctx)) == NULL) {
			node_free(n);
			return NULL;
		}
		m = node_new(N_AND);
		m->a = n;
		m->b = b;
		n = m;
	}
	return n;
}

static struct node *
parse_or(struct parser *p, enum fctx ctx)
{
	struct node *n, *b, *m;

	if ((n = parse_and(p, ctx)) == NULL)
		return NULL;
	while (is_kw(p, "or")) {
		next(p);
		if ((b = parse_and(p, ctx)) == NULL) {
			node_free(n);
			return NULL;
		}
		m = node_new(N_OR);
		m->a = n;
		m->b = b;
		n = m;
	}
	return n;
}

struct segexpr *
segexpr_compile(const char *expr, struct buf *err)
{
	struct parser p;
	struct segexpr *e;
	struct node *root;

	memset(&p, 0, sizeof(p));
	p.src = expr;
	p.err = err;
	if (strlen(expr) > SEGEXPR_MAX_LEN) {
		fail(&p, SEGEXPR_MAX_LEN, "expression is longer than %d "
		    "bytes", SEGEXPR_MAX_LEN);
		return NULL;
	}
	next(&p);
	if (p.t.k == T_END && !p.failed) {
		fail(&p, 0, "empty expression");
		buf_free(&p.t.s);
		return NULL;
	}
	root = parse_or(&p, CTX_CUSTOMER);
	if (root != NULL && p.t.k != T_END) {
		fail(&p, p.t.pos, "expected and, or or the end, not %s",
		    tok_desc(&p));
		node_free(root);
		root = NULL;
	}
	buf_free(&p.t.s);
	if (root == NULL) {
		if (!p.failed)
			fail(&p, p.pos, "syntax error");
		return NULL;
	}
	if (sql_too_deep(&p, root)) {
		node_free(root);
		return NULL;
	}
	e = xmalloc(sizeof(*e));
	e->root = root;
	e->uses_rfm = p.uses_rfm;
	e->uses_stage = p.uses_stage;
	e->uses_model = p.uses_model;
	e->uses_points = p.uses_points;
	memcpy(e->pdays, p.pdays, sizeof(e->pdays));
	e->npdays = p.npdays;
	e->pg = NULL;
	e->rules = NULL;
	return e;
}

int
segexpr_uses_points(const struct segexpr *e)
{
	return e->uses_points;
}

void
segexpr_set_programme(struct segexpr *e, const struct programme *pg)
{
	e->pg = pg;
}

int
segexpr_uses_rfm(const struct segexpr *e)
{
	return e->uses_rfm;
}

int
segexpr_uses_stage(const struct segexpr *e)
{
	return e->uses_stage;
}

void
segexpr_set_rules(struct segexpr *e, const struct rfm_rules *rules)
{
	e->rules = rules;
}

/*
 * One name compared with = != in() not in(): known[] (n of them) holds
 * the names there are.  A segment name (nocase) is the toolkit's: any
 * case matches, and the value takes the table's spelling.  Returns 0, or
 * -1 after writing why to err.
 */
static int
check_name(struct val *v, const char *what, const char *const *known,
    size_t n, int nocase, struct buf *err)
{
	size_t i, j;

	for (i = 0; i < n; i++)
		if (nocase ? strcasecmp(v->s, known[i]) == 0 :
		    strcmp(v->s, known[i]) == 0)
			break;
	if (i < n) {
		if (nocase && strcmp(v->s, known[i]) != 0) {
			free(v->s);
			v->s = xstrdup(known[i]);
		}
		return 0;
	}
	buf_printf(err, "unknown %s '%s'", what, v->s);
	/* The same name in another case, or one that begins the other. */
	for (i = 0; i < n; i++)
		if (strcasecmp(v->s, known[i]) == 0 || (strlen(v->s) >= 4 &&
		    strlen(known[i]) >= 4 && strncasecmp(v->s, known[i],
		    strlen(v->s) < strlen(known[i]) ? strlen(v->s) :
		    strlen(known[i])) == 0)) {
			buf_printf(err, " (did you mean '%s'?)", known[i]);
			return -1;
		}
	buf_printf(err, " (%ss: ", what);
	for (j = 0; j < n; j++)
		buf_printf(err, "%s%s", j ? ", " : "", known[j]);
	buf_adds(err, n ? ")" : "none)");
	return -1;
}

static int
check_node(struct node *n, int neg, const char *const *segs, size_t nsegs,
    const char *const *tags, size_t ntags, struct buf *err)
{
	size_t i;

	if (n == NULL)
		return 0;
	if (n->k != N_COND) {
		neg ^= n->k == N_NOT;
		return check_node(n->a, neg, segs, nsegs, tags, ntags, err) ||
		    check_node(n->b, neg, segs, nsegs, tags, ntags, err) ?
		    -1 : 0;
	}
	if (n->op != OP_EQ && n->op != OP_NE && n->op != OP_IN &&
	    n->op != OP_NIN)
		return 0;
	for (i = 0; i < n->nv; i++) {
		if (n->v[i].k != V_TEXT)
			continue;
		if (n->f->id == F_RFM_SEGMENT && check_name(&n->v[i],
		    "segment", segs, nsegs, 1, err) != 0)
			return -1;
		/* A tag no one has yet may rightly be excluded. */
		if (n->f->id == F_TAG &&
		    (n->op == OP_EQ || n->op == OP_IN) != neg &&
		    check_name(&n->v[i], "tag", tags, ntags, 0, err) != 0)
			return -1;
	}
	return 0;
}

/*
 * Segment names (of the rules set, or the default table) compared with
 * = != in() not in(), and tags (the store's) asked for with = or in(),
 * must exist: a misspelt one would match nobody, or everybody, without
 * a word.  Returns 0, -1 after writing why to err, or -2
 * on a store error.
 */
int
segexpr_check_names(sqlite3 *db, struct segexpr *e, struct buf *err)
{
	struct rfm_rules *dflt = NULL;
	const struct rfm_rules *rules = e->rules;
	const char **segs = NULL, **tags = NULL;
	size_t nsegs = 0, ntags = 0, cap = 0, i;
	sqlite3_stmt *st;
	int rc = -2;

	if (rules == NULL)
		rules = dflt = rfm_rules_default();
	segs = xmalloc((rules->n + 1) * sizeof(*segs));
	for (i = 0; i < rules->n; i++) {
		size_t j;

		for (j = 0; j < nsegs && strcmp(segs[j], rules->v[i].name); j++)
			;
		if (j == nsegs)
			segs[nsegs++] = rules->v[i].name;
	}
	if ((st = store_prepare(db, "SELECT DISTINCT tag FROM tags"
	    " ORDER BY 1")) == NULL)
		goto done;
	while (store_step(st) == SQLITE_ROW) {
		if (ntags == cap) {
			cap = cap ? cap * 2 : 16;
			tags = xrealloc(tags, cap * sizeof(*tags));
		}
		tags[ntags++] = xstrdup((const char *)
		    sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	rc = check_node(e->root, 0, segs, nsegs, tags, ntags, err);
done:
	for (i = 0; i < ntags; i++)
		free((char *)tags[i]);
	free(tags);
	free(segs);
	if (dflt != NULL)
		rfm_rules_free(dflt);
	return rc;
}

void
segexpr_free(struct segexpr *e)
{
	if (e == NULL)
		return;
	node_free(e->root);
	free(e);
}

/* ==== The SQL's nesting ==== */

/*
 * How the and, or and not of the tree become SQL.  SQLite's parser has a
 * stack of 100 entries (YYSTACKDEPTH), and "x AND" stays on it while it
 * reads what follows.  So a chain's deepest operand comes first, alone,
 * and the rest follow as a balanced tree of pairs, (a op b) op (c op d),
 * which stays log2(n) deep; and "not not" is dropped (a condition is 0
 * or 1).  The order of operands changes nothing else: each is 0 or 1 and
 * has no side effect.  sql_cost() tells what that costs on the stack.
 */

/* Appends to *v the operands of the chain of n->k (and, or) at n. */
static void
chain_collect(const struct node *n, enum nkind k, const struct node ***v,
    size_t *nv)
{
	while (n->k == k) {
		chain_collect(n->a, k, v, nv);
		n = n->b;
	}
	*v = xrealloc(*v, (*nv + 1) * sizeof(**v));
	(*v)[(*nv)++] = n;
}

/* The operands of a chain, deepest first; c[] their costs. */
struct chain {
	const struct node **v;
	int	*c;			/* the stack each needs */
	int	*at;			/* where its costliest condition is */
	size_t	 n;
};

static int sql_cost(const struct node *n, int prod, int *pos);

/* Collects the chain at n in the order gen_chain writes it. */
static void
chain_order(const struct node *n, int prod, struct chain *ch)
{
	const struct node *t;
	size_t i, j;
	int c, pos;

	ch->v = NULL;
	ch->n = 0;
	chain_collect(n, n->k, &ch->v, &ch->n);
	ch->c = xmalloc(ch->n * sizeof(ch->c[0]));
	ch->at = xmalloc(ch->n * sizeof(ch->at[0]));
	/* A stable insertion sort: equal costs keep the written order. */
	for (i = 0; i < ch->n; i++) {
		t = ch->v[i];
		c = sql_cost(t, prod, &pos);
		for (j = i; j > 0 && ch->c[j - 1] < c; j--) {
			ch->v[j] = ch->v[j - 1];
			ch->c[j] = ch->c[j - 1];
			ch->at[j] = ch->at[j - 1];
		}
		ch->v[j] = t;
		ch->c[j] = c;
		ch->at[j] = pos;
	}
}

static void
chain_free(struct chain *ch)
{
	free(ch->v);
	free(ch->c);
	free(ch->at);
}

/* The stack a balanced tree of the operands c[0..n) needs. */
static int
balanced_cost(const int *c, size_t n)
{
	size_t half = n - n / 2;
	int l, r;

	if (n == 1)
		return c[0];
	/* "(" then the left; "(", left, op then the right. */
	l = 1 + balanced_cost(c, half);
	r = 3 + balanced_cost(c + half, n - half);
	return l > r ? l : r;
}

/*
 * Stack entries of a condition's own SQL, and what the statement around
 * may take, measured with SQLite 3.40 on the deepest conditions (age,
 * category in): the where clause overflows at a cost of 79, a product
 * condition of bought() at 85.
 */
#define COST_COND	24
#define COST_PROD	8
#define COST_MAX	72

/*
 * The entries SQLite's parser stack needs for the SQL of n (a product
 * condition when prod), as gen_node and gen_prod write it; *pos is where
 * the costliest condition starts.
 */
static int
sql_cost(const struct node *n, int prod, int *pos)
{
	struct chain ch;
	int c, rest;

	switch (n->k) {
	case N_AND:
	case N_OR:
		/* "(" then the first; "(", first, op then the rest. */
		chain_order(n, prod, &ch);
		c = 1 + ch.c[0];
		*pos = ch.at[0];
		rest = 3 + balanced_cost(ch.c + 1, ch.n - 1);
		if (rest > c) {
			c = rest;
			*pos = ch.at[1];
		}
		chain_free(&ch);
		return c;
	case N_NOT:
		if (!prod && n->a->k == N_NOT)
			return sql_cost(n->a->a, prod, pos);
		/* "NOT x", or "NOT coalesce(x, 0)" in a product condition */
		return (prod ? 4 : 1) + sql_cost(n->a, prod, pos);
	default:
		*pos = n->pos;
		return prod ? COST_PROD : COST_COND;
	}
}

/* The costliest product condition of bought() and units() in n. */
static int
prod_cost(const struct node *n, int *pos)
{
	int c = 0, d, at;

	if (n == NULL)
		return 0;
	if (n->k == N_COND)
		return n->prod != NULL ? sql_cost(n->prod, 1, pos) : 0;
	while (n->k == N_AND || n->k == N_OR) {
		if ((d = prod_cost(n->b, &at)) > c) {
			c = d;
			*pos = at;
		}
		n = n->a;
	}
	if ((d = prod_cost(n->k == N_NOT ? n->a : n, &at)) > c) {
		c = d;
		*pos = at;
	}
	return c;
}

/*
 * Fails with the costliest condition when the SQL of root would overflow
 * SQLite's parser stack; returns nonzero then.
 */
static int
sql_too_deep(struct parser *p, const struct node *root)
{
	int pos = 0;

	if (sql_cost(root, 0, &pos) > COST_MAX ||
	    prod_cost(root, &pos) > COST_MAX) {
		fail(p, pos, "expression nests too deep for SQLite's "
		    "parser");
		return 1;
	}
	return 0;
}

/* ==== SQL ==== */

struct bind {
	int	 text;
	int	 real;
	double	 d;
	int64_t	 i;
	const char *s;			/* points into the tree or the gen */
	char	*own;			/* allocated here (LIKE patterns) */
};

struct gen {
	struct buf *out;		/* where SQL goes now */
	struct buf where;		/* the condition */
	struct buf joins;		/* LEFT JOINs of bought(), units() */
	struct bind *b;
	int	 nb;
	int64_t	 asof;
	int	 njoin;
};

static int
bind_int(struct gen *g, int64_t v)
{
	g->b = xrealloc(g->b, (size_t)(g->nb + 1) * sizeof(g->b[0]));
	memset(&g->b[g->nb], 0, sizeof(g->b[0]));
	g->b[g->nb].i = v;
	return ++g->nb;
}

static int
bind_real(struct gen *g, double v)
{
	g->b = xrealloc(g->b, (size_t)(g->nb + 1) * sizeof(g->b[0]));
	memset(&g->b[g->nb], 0, sizeof(g->b[0]));
	g->b[g->nb].real = 1;
	g->b[g->nb].d = v;
	return ++g->nb;
}

static int
bind_text(struct gen *g, const char *s, char *own)
{
	g->b = xrealloc(g->b, (size_t)(g->nb + 1) * sizeof(g->b[0]));
	memset(&g->b[g->nb], 0, sizeof(g->b[0]));
	g->b[g->nb].text = 1;
	g->b[g->nb].s = own != NULL ? own : s;
	g->b[g->nb].own = own;
	return ++g->nb;
}

/* Writes the operands v[0..n) as a balanced tree of pairs. */
static void
gen_balanced(struct gen *g, const struct node **v, size_t n, const char *op,
    void (*one)(struct gen *, const struct node *))
{
	size_t half = n - n / 2;

	if (n == 1) {
		one(g, v[0]);
		return;
	}
	buf_adds(g->out, "(");
	gen_balanced(g, v, half, op, one);
	buf_adds(g->out, op);
	gen_balanced(g, v + half, n - half, op, one);
	buf_adds(g->out, ")");
}

/* An and or or chain at n, each operand written by one: (v0 op rest). */
static void
gen_chain(struct gen *g, const struct node *n, int prod, const char *op,
    void (*one)(struct gen *, const struct node *))
{
	struct chain ch;

	chain_order(n, prod, &ch);
	buf_adds(g->out, "(");
	one(g, ch.v[0]);
	buf_adds(g->out, op);
	gen_balanced(g, ch.v + 1, ch.n - 1, op, one);
	buf_adds(g->out, ")");
	chain_free(&ch);
}

static int
mdays(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30,
	    31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* The day a date value stands for, as of day asof. */
static int64_t
val_day(const struct val *v, int64_t asof)
{
	int y, m, d;
	int64_t mm;

	if (v->k == V_DAY)
		return v->i;
	switch (v->unit) {
	case 'w':
		return asof + 7 * v->i;
	case 'm':
	case 'y':
		civil_from_days(asof, &y, &m, &d);
		mm = (int64_t)y * 12 + (m - 1) + (v->unit == 'm' ? v->i :
		    12 * v->i);
		y = (int)(mm >= 0 ? mm / 12 : (mm - 11) / 12);
		m = (int)(mm - (int64_t)y * 12) + 1;
		if (d > mdays(y, m))
			d = mdays(y, m);
		return days_from_civil(y, m, d);
	default:
		return asof + v->i;
	}
}

/* Appends the SQL for one value of field type ft. */
static void
gen_val(struct gen *g, const struct field *f, const struct val *v, int op)
{
	struct buf pat = { 0 };
	const char *s;

	switch (v->k) {
	case V_SHOP_AOV:
		buf_adds(g->out, "(SELECT SUM(spent) * 1.0 / SUM(purchases)"
		    " FROM temp.asof_stats)");
		return;
	case V_DAY:
	case V_REL:
		buf_printf(g->out, "?%d", bind_int(g, val_day(v,
		    g->asof)));
		return;
	case V_INT:
		buf_printf(g->out, "?%d", bind_int(g, v->i));
		return;
	case V_REAL:
		buf_printf(g->out, "?%d", bind_real(g, v->d));
		return;
	case V_TEXT:
		if (op == OP_CONTAINS || op == OP_NCONTAINS) {
			/* LIKE, its wildcards escaped: a plain substring. */
			buf_addc(&pat, '%');
			for (s = v->s; *s != '\0'; s++) {
				if (*s == '%' || *s == '_' || *s == '\\')
					buf_addc(&pat, '\\');
				buf_addc(&pat, *s);
			}
			buf_addc(&pat, '%');
			buf_printf(g->out, "?%d ESCAPE '\\'",
			    bind_text(g, NULL, pat.s));
			return;
		}
		buf_printf(g->out, "?%d%s", bind_text(g, v->s, NULL),
		    f->id == F_GENDER ? " COLLATE NOCASE" : "");
		return;
	}
}

/* Appends "<lhs> <op> <values>" for a scalar left-hand side. */
static void
gen_cmp(struct gen *g, const struct node *n, const char *lhs)
{
	static const char *const ops[] = { " = ", " <> ", " < ", " <= ",
	    " > ", " >= " };
	size_t i;

	buf_adds(g->out, lhs);
	switch (n->op) {
	case OP_EQ: case OP_NE: case OP_LT: case OP_LE: case OP_GT: case OP_GE:
		buf_adds(g->out, ops[n->op]);
		gen_val(g, n->f, &n->v[0], n->op);
		break;
	case OP_BETWEEN:
	case OP_NBETWEEN:
		buf_adds(g->out, n->op == OP_NBETWEEN ? " NOT BETWEEN " :
		    " BETWEEN ");
		gen_val(g, n->f, &n->v[0], n->op);
		buf_adds(g->out, " AND ");
		gen_val(g, n->f, &n->v[1], n->op);
		break;
	case OP_IN:
	case OP_NIN:
		buf_adds(g->out, n->op == OP_NIN ? " NOT IN (" : " IN (");
		for (i = 0; i < n->nv; i++) {
			if (i > 0)
				buf_adds(g->out, ", ");
			gen_val(g, n->f, &n->v[i], n->op);
		}
		buf_adds(g->out, ")");
		break;
	case OP_CONTAINS:
	case OP_NCONTAINS:
		buf_adds(g->out, n->op == OP_NCONTAINS ? " NOT LIKE " :
		    " LIKE ");
		gen_val(g, n->f, &n->v[0], n->op);
		break;
	case OP_MATCHES:
	case OP_NMATCHES:
		buf_adds(g->out, n->op == OP_NMATCHES ? " NOT GLOB " :
		    " GLOB ");
		gen_val(g, n->f, &n->v[0], n->op);
		break;
	case OP_TRUE:
		buf_adds(g->out, " >= 1");
		break;
	}
}

/* The window of a function as [lo, hi) in local seconds. */
static void
gen_window(struct gen *g, const struct node *n, const char *col)
{
	int64_t lo = 0, hi = g->asof;

	if (n->has_lo)
		lo = val_day(&n->lo, g->asof) + n->lo_adj;
	if (n->has_hi) {
		hi = val_day(&n->hi, g->asof) + n->hi_adj;
		if (hi > g->asof)
			hi = g->asof;
	}
	if (n->has_lo)
		buf_printf(g->out, " AND %s >= ?%d", col,
		    bind_int(g, lo * DAY_SECS));
	buf_printf(g->out, " AND %s < ?%d", col,
	    bind_int(g, (hi + 1) * DAY_SECS));
}

#define PURCHASE CRM_PURCHASE("")
#define BIRTHDAY "(SELECT coalesce(nullif(c.birthday, ''), " \
	"(SELECT mb.birthday FROM " \
	"members mb WHERE mb.customer_id = u.customer_id AND mb.birthday " \
	"GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' ORDER BY mb.id " \
	"LIMIT 1)))"

static void gen_node(struct gen *g, const struct node *n);

/* A condition on the products of an order line: p.*, o.channel. */
static void
gen_prod(struct gen *g, const struct node *n)
{
	static const char *const col[] = { "p.sku", "p.name", "p.category",
	    "o.channel" };

	switch (n->k) {
	case N_AND:
	case N_OR:
		gen_chain(g, n, 1, n->k == N_AND ? " AND " : " OR ",
		    gen_prod);
		break;
	case N_NOT:
		buf_adds(g->out, "NOT coalesce(");
		gen_prod(g, n->a);
		buf_adds(g->out, ", 0)");
		break;
	case N_COND:
		buf_adds(g->out, "(");
		gen_cmp(g, n, col[n->f->id - P_SKU]);
		buf_adds(g->out, ")");
		break;
	}
}

/*
 * bought() and units(): a LEFT JOIN of the per-customer count of
 * purchases (and units) with a matching line in the window.  There is
 * no index on a line's product, so one pass over the lines beats a
 * lookup per customer.  The join's SQL goes to g->joins.
 */
static void
gen_bought(struct gen *g, const struct node *n)
{
	struct buf join = { 0 }, lhs = { 0 }, *out = g->out;
	int k = ++g->njoin;

	g->out = &join;
	buf_printf(g->out, "LEFT JOIN (SELECT o.customer_id AS cid,"
	    " COUNT(DISTINCT o.id) AS n, SUM(i.quantity - i.returned_qty)"
	    " AS q FROM order_items i JOIN orders o ON o.id = i.order_id"
	    " JOIN products p ON p.id = i.product_id WHERE o." PURCHASE
	    " AND i.quantity > i.returned_qty");
	gen_window(g, n, "o.ordered_at");
	if (n->prod != NULL) {
		buf_adds(g->out, " AND ");
		gen_prod(g, n->prod);
	}
	buf_printf(g->out, " GROUP BY o.customer_id) AS b%d ON b%d.cid ="
	    " u.customer_id\n", k, k);
	buf_add(&g->joins, join.s, join.len);
	g->out = out;
	buf_printf(&lhs, "coalesce(b%d.%s, 0)", k,
	    n->f->id == FN_UNITS ? "q" : "n");
	gen_cmp(g, n, lhs.s);
	buf_free(&join);
	buf_free(&lhs);
}

/*
 * A set field (tag, channel): "=" means one of its values is equal,
 * "!=" that none is, and so on.
 */
static void
gen_set(struct gen *g, const struct node *n)
{
	struct node m = *n;
	int negate = n->op == OP_NE || n->op == OP_NIN ||
	    n->op == OP_NCONTAINS || n->op == OP_NMATCHES;

	switch (n->op) {
	case OP_NE:
		m.op = OP_EQ;
		break;
	case OP_NIN:
		m.op = OP_IN;
		break;
	case OP_NCONTAINS:
		m.op = OP_CONTAINS;
		break;
	case OP_NMATCHES:
		m.op = OP_MATCHES;
		break;
	default:
		break;
	}
	buf_adds(g->out, negate ? "NOT (" : "(");
	if (n->f->id == F_TAG) {
		buf_adds(g->out, "EXISTS (SELECT 1 FROM tags t WHERE "
		    "t.customer_id = u.customer_id AND ");
		gen_cmp(g, &m, "t.tag");
		buf_adds(g->out, ")");
	} else {
		/* The channels bought on; for a member who never bought,
		 * the channel they came from. */
		buf_adds(g->out, "EXISTS (SELECT 1 FROM orders o WHERE "
		    "o.customer_id = u.customer_id AND o." PURCHASE);
		buf_printf(g->out, " AND o.ordered_at < ?%d AND ",
		    bind_int(g, (g->asof + 1) * DAY_SECS));
		gen_cmp(g, &m, "o.channel");
		buf_adds(g->out, ") OR (s.customer_id IS NULL AND "
		    "coalesce(");
		gen_cmp(g, &m, "c.channel");
		buf_adds(g->out, ", 0))");
	}
	buf_adds(g->out, ")");
}

static void
gen_event(struct gen *g, const struct node *n)
{
	static const char *const kinds[] = { "opened", "clicked",
	    "delivered", "unsubscribed", "bounced", "coupon_claimed" };
	struct buf lhs = { 0 }, *out = g->out;

	g->out = &lhs;
	buf_printf(g->out, "(SELECT COUNT(*) FROM events e WHERE "
	    "e.customer_id = u.customer_id AND e.kind = ?%d",
	    bind_text(g, kinds[n->f->id - FN_OPENED], NULL));
	if (n->arg != NULL)
		buf_printf(g->out, " AND e.%s = ?%d", n->f->id ==
		    FN_CLAIMED ? "coupon" : "campaign",
		    bind_text(g, n->arg, NULL));
	gen_window(g, n, "e.at");
	buf_adds(g->out, ")");
	g->out = out;
	gen_cmp(g, n, lhs.s);
	buf_free(&lhs);
}

static void
gen_orders(struct gen *g, const struct node *n)
{
	struct buf lhs = { 0 }, *out = g->out;

	/* As spent and aov: the window's purchases less its credit notes,
	 * over its purchases. */
	g->out = &lhs;
	if (n->f->id == FN_ORDERS)
		buf_adds(g->out, "(SELECT COUNT(*) FROM orders o WHERE"
		    " o.customer_id = u.customer_id AND o." PURCHASE);
	else
		buf_printf(g->out, "(SELECT %s FROM orders o WHERE"
		    " o.customer_id = u.customer_id AND " CRM_REVENUE("o."),
		    n->f->id == FN_SPENT ? "coalesce(SUM(o.net), 0)" :
		    "SUM(o.net) * 1.0 / NULLIF(SUM(o." PURCHASE "), 0)");
	gen_window(g, n, "o.ordered_at");
	buf_adds(g->out, ")");
	g->out = out;
	gen_cmp(g, n, lhs.s);
	buf_free(&lhs);
}

static void
gen_cond(struct gen *g, const struct node *n)
{
	struct buf lhs = { 0 };
	char md[6];
	int y, m, d;
	int64_t asof = g->asof;

	switch (n->f->id) {
	case F_TAG:
	case F_CHANNEL:
		gen_set(g, n);
		return;
	case FN_BOUGHT:
	case FN_UNITS:
		gen_bought(g, n);
		return;
	case FN_ORDERS:
	case FN_SPENT:
	case FN_AOV:
		gen_orders(g, n);
		return;
	case FN_OPENED: case FN_CLICKED: case FN_DELIVERED:
	case FN_UNSUBSCRIBED: case FN_BOUNCED: case FN_CLAIMED:
		gen_event(g, n);
		return;
	case F_MEMBER:
		/* Registered by the as-of day (or on a day not known). */
		buf_printf(g->out, "(EXISTS (SELECT 1 FROM members mm WHERE "
		    "mm.customer_id = u.customer_id AND (mm.joined_at IS NULL "
		    "OR mm.joined_at < ?%d)) OR (c.is_member = 1 AND NOT "
		    "EXISTS (SELECT 1 FROM members mn WHERE mn.customer_id = "
		    "u.customer_id)))", bind_int(g, (asof + 1) * DAY_SECS));
		return;
	case F_POTENTIAL: case F_NEW: case F_ACTIVE: case F_LOST:
		buf_printf(g->out, "u.stage = ?%d", bind_text(g,
		    crm_stage_name[n->f->id - F_POTENTIAL], NULL));
		return;
	case F_PURCHASED:
		buf_adds(g->out, "s.customer_id IS NOT NULL");
		return;
	case F_CUSTOMER_ID:
		buf_adds(&lhs, "u.customer_id");
		break;
	case F_ORDERS:
		buf_adds(&lhs, "coalesce(s.purchases, 0)");
		break;
	case F_PURCHASE_DAYS:
		buf_adds(&lhs, "coalesce(s.purchase_days, 0)");
		break;
	case F_SPENT:
		buf_adds(&lhs, "coalesce(s.spent, 0)");
		break;
	case F_AOV:
		buf_adds(&lhs, "(s.spent * 1.0 / s.purchases)");
		break;
	case F_FIRST_ORDER:
		buf_adds(&lhs, "s.first_day");
		break;
	case F_LAST_ORDER:
		buf_adds(&lhs, "s.last_day");
		break;
	case F_DAYS_SINCE:
		buf_printf(&lhs, "(?%d - s.last_day)", bind_int(g, asof));
		break;
	case F_STAGE:
		buf_adds(&lhs, "u.stage");
		break;
	case F_P_ALIVE:
		buf_adds(&lhs, "pm.p_alive");
		break;
	case F_EXPECTED_ORDERS:
		buf_adds(&lhs, "pm.expected_orders");
		break;
	case F_CHURN_RISK:
		buf_adds(&lhs, "pm.churn_risk");
		break;
	case F_CLV:
		buf_adds(&lhs, "pm.clv");
		break;
	case F_POINTS:
		buf_adds(&lhs, "sp.points");
		break;
	case F_TIER:
		buf_adds(&lhs, "sp.tier");
		break;
	case FN_POINTS_EXPIRING:
		buf_printf(&lhs, "(SELECT pl.within FROM temp." SEGEXPR_POINTS
		    "_lapse pl WHERE pl.customer_id = u.customer_id AND"
		    " pl.days = ?%d)", bind_int(g, n->lo.i));
		break;
	case F_R: case F_F: case F_M: case F_RFM: case F_RFM_SEGMENT:
		/* rfm(): the scores of rfm.c, as crm-rfm gives them. */
		buf_printf(&lhs, "rfm(%d, s.last_day, s.purchases, s.spent)",
		    n->f->id - F_R);
		break;
	case F_NAME:
		buf_adds(&lhs, "c.name");
		break;
	case F_EMAIL:
		buf_adds(&lhs, "c.email");
		break;
	case F_PHONE:
		buf_adds(&lhs, "c.phone");
		break;
	case F_GENDER:
		buf_adds(&lhs, "coalesce(nullif(c.gender, ''), (SELECT "
		    "mg.gender FROM members mg WHERE mg.customer_id = "
		    "u.customer_id AND mg.gender <> '' ORDER BY mg.id "
		    "LIMIT 1))");
		break;
	case F_AGE:
		/* Whole years between the birthday and the as-of day. */
		civil_from_days(asof, &y, &m, &d);
		snprintf(md, sizeof(md), "%02d-%02d", m, d);
		buf_printf(&lhs, "(?%d - CAST(substr(" BIRTHDAY ", 1, 4) AS "
		    "INTEGER)", bind_int(g, y));
		buf_printf(&lhs, " - (substr(" BIRTHDAY ", 6, 5) > ?%d))",
		    bind_text(g, NULL, xstrdup(md)));
		break;
	case F_BIRTHDAY_MONTH:
		buf_adds(&lhs, "CAST(substr(" BIRTHDAY ", 6, 2) AS INTEGER)");
		break;
	case F_JOINED:
		buf_adds(&lhs, "(SELECT crm_day(MIN(mj.joined_at)) FROM members "
		    "mj WHERE mj.customer_id = u.customer_id)");
		break;
	default:
		buf_adds(&lhs, "NULL");
		break;
	}
	gen_cmp(g, n, lhs.s);
	buf_free(&lhs);
}

/*
 * Every condition is 0 or 1, never NULL (a customer without a value
 * fails it), so that "not" is the exact complement.
 */
static void
gen_node(struct gen *g, const struct node *n)
{
	switch (n->k) {
	case N_AND:
	case N_OR:
		gen_chain(g, n, 0, n->k == N_AND ? "\n AND " : "\n OR ",
		    gen_node);
		break;
	case N_NOT:
		/* A condition is 0 or 1, so "not not" is no-op. */
		if (n->a->k == N_NOT) {
			gen_node(g, n->a->a);
			break;
		}
		buf_adds(g->out, "NOT ");
		gen_node(g, n->a);
		break;
	case N_COND:
		buf_adds(g->out, "coalesce((");
		gen_cond(g, n);
		buf_adds(g->out, "), 0)");
		break;
	}
}

int
segexpr_select(sqlite3 *db, const struct segexpr *e, int64_t asof,
    int64_t lost_days, const char *into)
{
	struct gen g;
	struct buf sql = { 0 };
	sqlite3_stmt *st = NULL;
	char *q = NULL;
	int i, rc = -1;

	memset(&g, 0, sizeof(g));
	g.out = &g.where;
	g.asof = asof;
	if (e->uses_rfm && rfm_sql_function(db, 5, e->rules, NULL) != 0)
		return -1;
	if (e->uses_model && predict_table(db, asof, SEGEXPR_MODEL,
	    e->uses_model > 1 ? PD_USE_CLV : 0) != 0)
		return -1;
	if (e->uses_points && e->pg == NULL) {
		warnx("points, tier and points_expiring() need the points "
		    "programme: name its file with --programme FILE");
		return -1;
	}
	if (e->uses_points && points_table(db, e->pg, asof, SEGEXPR_POINTS,
	    e->pdays, e->npdays, 0) != 0)
		return -1;
	/* Every condition looks customers up here: index it once (a
	 * view of customer_stats has the table's key already). */
	if (asof_stats_is_table(db) && store_exec(db, "CREATE UNIQUE INDEX IF"
	    " NOT EXISTS temp.asof_stats_id ON asof_stats(customer_id)") != 0)
		return -1;
	gen_node(&g, e->root);
	q = sqlite3_mprintf("DROP TABLE IF EXISTS temp.\"%w\";\n"
	    "CREATE TEMP TABLE \"%w\" (customer_id INTEGER PRIMARY KEY)",
	    into, into);
	if (q == NULL || store_exec(db, q) != 0)
		goto done;
	sqlite3_free(q);
	q = sqlite3_mprintf("INSERT INTO temp.\"%w\"\n", into);
	if (q == NULL)
		goto done;
	buf_adds(&sql, q);
	/* Everyone with a stage, read as the stages are made: no table of
	 * every customer for one list.  LIMIT -1 (none) keeps SQLite from
	 * pushing the conditions down into the query's two arms, which
	 * nests a chain of 1,000 ANDs one level deeper than it allows. */
	sqlite3_free(q);
	if ((q = lifecycle_select(asof, lost_days)) == NULL)
		goto done;
	buf_printf(&sql, "SELECT u.customer_id FROM (%s LIMIT -1) u\n", q);
	buf_adds(&sql,
	    "LEFT JOIN temp.asof_stats s ON s.customer_id = u.customer_id\n"
	    "LEFT JOIN customers c ON c.id = u.customer_id\n");
	if (e->uses_model)
		buf_adds(&sql, "LEFT JOIN temp." SEGEXPR_MODEL " pm ON"
		    " pm.customer_id = u.customer_id\n");
	if (e->uses_points)
		buf_adds(&sql, "LEFT JOIN temp." SEGEXPR_POINTS " sp ON"
		    " sp.customer_id = u.customer_id\n");
	if (g.joins.len > 0)
		buf_add(&sql, g.joins.s, g.joins.len);
	buf_adds(&sql, "WHERE ");
	buf_add(&sql, g.where.s, g.where.len);
	if (getenv("CRM_DEBUG_SQL") != NULL)
		fprintf(stderr, "%s\n", sql.s);
	if ((st = store_prepare(db, sql.s)) == NULL)
		goto done;
	for (i = 0; i < g.nb; i++) {
		if (g.b[i].text)
			sqlite3_bind_text(st, i + 1, g.b[i].s, -1,
			    SQLITE_STATIC);
		else if (g.b[i].real)
			sqlite3_bind_double(st, i + 1, g.b[i].d);
		else
			sqlite3_bind_int64(st, i + 1, g.b[i].i);
	}
	if (store_step(st) == SQLITE_DONE)
		rc = 0;
done:
	sqlite3_finalize(st);
	sqlite3_free(q);
	for (i = 0; i < g.nb; i++)
		free(g.b[i].own);
	free(g.b);
	buf_free(&g.where);
	buf_free(&g.joins);
	buf_free(&sql);
	return rc;
}
