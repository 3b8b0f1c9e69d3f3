/*
 * playbook.c: the playbook file of crm-playbook(1).  A playbook is a
 * plain-text file of "key value" lines: a few settings, then steps, each
 * opened by a "step NAME" line.  The reader is strict: every key is
 * known, every value checked, and every mistake is reported as
 * "FILE:LINE: message", in the order of the lines.
 */
#include <ctype.h>
#include <err.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "playbook/playbook.h"
#include "segexpr.h"
#include "points/programme.h"

/* Step keys, in the order crm-playbook(1) lists them. */
enum key {
	K_AUDIENCE, K_TRIGGER, K_TEMPLATE, K_COUPON, K_THRESHOLD,
	K_DISCOUNT, K_VALID, K_PRIORITY, K_HOLDOUT, K_VIA, K_VARIANT, NKEYS
};

static const char *const key_names[NKEYS] = {
	"audience", "trigger", "template", "coupon", "threshold",
	"discount", "valid", "priority", "holdout", "via", "variant",
};

/* Settings before the first step. */
enum setting { S_PLAYBOOK, S_CAP, S_SEED, S_MEASURE, S_PROGRAMME,
	NSETTINGS };

static const char *const setting_names[NSETTINGS] = {
	"playbook", "cap", "seed", "measure", "programme",
};

#define MAX_DAYS	3650		/* ten years: any more is a typo */

/* One mistake in the file. */
struct perr {
	long	 line;
	size_t	 seq;			/* found as the seq-th */
	char	*msg;
};

struct parser {
	struct playbook *pb;
	struct perr *errs;		/* every mistake, in the order found */
	size_t	 nerrs;
	int	 bad_variant;		/* a variant line of the step failed */
	long	 line;			/* current line */
	long	 set_line[NSETTINGS];	/* where each setting was given */
	long	 key_line[NKEYS];	/* where the open step's keys were */
};

/* A stage's bit is 1 << its enum crm_stage: named by crm_stage_name[]. */
_Static_assert(STAGE_POTENTIAL == 1u << CRM_POTENTIAL &&
    STAGE_NEW == 1u << CRM_NEW && STAGE_ACTIVE == 1u << CRM_ACTIVE &&
    STAGE_LOST == 1u << CRM_LOST, "STAGE_* bits follow enum crm_stage");

unsigned
playbook_stage(const char *word)
{
	int i;

	for (i = 0; i < CRM_NSTAGES; i++)
		if (strcmp(word, crm_stage_name[i]) == 0)
			return 1u << i;
	if (strcmp(word, "purchased") == 0)
		return STAGE_PURCHASED;
	return 0;
}

/* Notes a mistake on line (the current one when 0); returns -1. */
static int
fail(struct parser *p, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
fail(struct parser *p, long line, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	p->errs = xrealloc(p->errs, (p->nerrs + 1) * sizeof(*p->errs));
	p->errs[p->nerrs].line = line > 0 ? line : p->line;
	p->errs[p->nerrs].seq = p->nerrs;
	p->errs[p->nerrs++].msg = xstrdup(msg);
	return -1;
}

/* Mistakes by line; those of one line in the order found. */
static int
perr_cmp(const void *a, const void *b)
{
	const struct perr *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
get_int(struct parser *p, const char *key, const char *v, long long lo,
    long long hi, int64_t *out)
{
	long long n;

	if (crm_parse_int(v, lo, hi, &n) != 0)
		return fail(p, 0, "'%s' wants a whole number from %lld to "
		    "%lld, not '%s'", key, lo, hi, v);
	*out = n;
	return 0;
}

/*
 * Percent with up to two decimals ("10%", "12.5%") as basis points;
 * the '%' is required so that "10" cannot be read as a fraction.
 */
static int
get_percent(const char *s, int *bp)
{
	long v = 0, scale = 100;
	int ndig = 0;

	for (; isdigit((unsigned char)*s); s++, ndig++)
		if ((v = v * 10 + (*s - '0')) > 100)
			return -1;
	if (ndig == 0)
		return -1;
	v *= 100;
	if (*s == '.') {
		for (s++; isdigit((unsigned char)*s) && scale > 1; s++) {
			scale /= 10;
			v += (*s - '0') * scale;
		}
		if (scale == 100)
			return -1;
	}
	if (strcmp(s, "%") != 0 || v > 10000)
		return -1;
	*bp = (int)v;
	return 0;
}

/* A discount: an amount above 0, or a whole percent from 1% to 99%. */
static int
get_discount(struct parser *p, const char *v, int64_t *amount, int *pct)
{
	const char *why;

	*amount = 0;
	*pct = 0;
	if (strchr(v, '%') != NULL) {
		if (get_percent(v, pct) != 0 || *pct % 100 != 0 ||
		    *pct < 100 || *pct > 9900)
			return fail(p, 0, "bad discount '%s' (want an amount, "
			    "or a whole percent from 1%% to 99%%)", v);
		*pct /= 100;
		return 0;
	}
	if (money_parse(v, amount, &why) != 0)
		return fail(p, 0, "bad discount '%s': %s", v, why);
	if (*amount <= 0)
		return fail(p, 0, "the discount must be above 0");
	return 0;
}

/* Splits s at whitespace into at most max words; returns their number. */
static size_t
split(char *s, char **w, size_t max)
{
	size_t n = 0;

	while (*s != '\0') {
		while (isspace((unsigned char)*s))
			*s++ = '\0';
		if (*s == '\0')
			break;
		if (n == max)
			return max + 1;
		w[n++] = s;
		while (*s != '\0' && !isspace((unsigned char)*s))
			s++;
	}
	return n;
}

/* "2nd", "3rd", "11th": n >= 1 with its English suffix. */
static int
get_ordinal(const char *s, int64_t *n)
{
	char *end;
	long v;
	const char *want;

	if (!isdigit((unsigned char)*s))
		return -1;
	v = strtol(s, &end, 10);
	if (v < 1 || v > 1000)
		return -1;
	if (v % 100 >= 11 && v % 100 <= 13)
		want = "th";
	else if (v % 10 == 1)
		want = "st";
	else if (v % 10 == 2)
		want = "nd";
	else if (v % 10 == 3)
		want = "rd";
	else
		want = "th";
	if (strcmp(end, want) != 0)
		return -1;
	*n = v;
	return 0;
}

static const char trigger_forms[] =
    "'N days after first purchase', 'N days after purchase', "
    "'N days after 2nd purchase', 'N days after cycle', "
    "'N days after lost', 'N days after joining', "
    "'N days before birthday', 'p_alive falls below P', "
    "'points lapse within N', 'tier reached', 'tier lost within N' or "
    "'from YYYY-MM-DD to YYYY-MM-DD'";

static int
get_trigger(struct parser *p, struct pb_step *s, const char *value)
{
	char *copy = xstrdup(value), *w[6];
	size_t n = split(copy, w, 5);
	long long days;
	int rc = -1;

	if (n == 4 && strcmp(w[0], "from") == 0 && strcmp(w[2], "to") == 0) {
		s->trig = TRIG_WINDOW;
		if (day_strict(w[1], &s->from) != 0)
			fail(p, 0, "bad date '%s' (want YYYY-MM-DD)", w[1]);
		else if (day_strict(w[3], &s->to) != 0)
			fail(p, 0, "bad date '%s' (want YYYY-MM-DD)", w[3]);
		else if (s->to < s->from)
			fail(p, 0, "the window ends (%s) before it starts (%s)",
			    w[3], w[1]);
		else
			rc = 0;
		goto out;
	}
	if (n == 4 && strcmp(w[0], "p_alive") == 0 &&
	    strcmp(w[1], "falls") == 0 && strcmp(w[2], "below") == 0) {
		char *end;

		s->trig = TRIG_P_ALIVE;
		s->level = strtod(w[3], &end);
		if (end == w[3] || *end != '\0' || !(s->level > 0 &&
		    s->level < 1))
			fail(p, 0, "bad level '%s' (want a number between 0 "
			    "and 1, e.g. 0.3)", w[3]);
		else
			rc = 0;
		goto out;
	}
	if ((n == 4 && strcmp(w[0], "points") == 0 &&
	    strcmp(w[1], "lapse") == 0 && strcmp(w[2], "within") == 0) ||
	    (n == 4 && strcmp(w[0], "tier") == 0 &&
	    strcmp(w[1], "lost") == 0 && strcmp(w[2], "within") == 0) ||
	    (n == 2 && strcmp(w[0], "tier") == 0 &&
	    strcmp(w[1], "reached") == 0)) {
		/* The programme's ledger triggers. */
		s->trig = w[0][0] == 'p' ? TRIG_POINTS_LAPSE : n == 2 ?
		    TRIG_TIER_REACHED : TRIG_TIER_LOST;
		if (n == 4 && crm_parse_int(w[3], 1, MAX_DAYS, &days) != 0)
			fail(p, 0, "bad number of days '%s' (want 1 to %d)",
			    w[3], MAX_DAYS);
		else if (p->pb->programme == NULL)
			fail(p, 0, "'%s %s%s' needs a 'programme FILE' line "
			    "before the first step", w[0], w[1], n == 4 ?
			    " within" : "");
		else {
			s->days = n == 4 ? days : 0;
			rc = 0;
		}
		goto out;
	}
	if (n < 4 || n > 5 || (strcmp(w[1], "days") != 0 &&
	    strcmp(w[1], "day") != 0)) {
		fail(p, 0, "bad trigger '%s' (want %s)", value, trigger_forms);
		goto out;
	}
	if (crm_parse_int(w[0], 0, MAX_DAYS, &days) != 0) {
		fail(p, 0, "bad number of days '%s' (want 0 to %d)", w[0],
		    MAX_DAYS);
		goto out;
	}
	s->days = days;
	rc = 0;
	if (n == 4 && strcmp(w[2], "before") == 0 &&
	    strcmp(w[3], "birthday") == 0)
		s->trig = TRIG_BIRTHDAY;
	else if (strcmp(w[2], "after") != 0)
		rc = -1;
	else if (n == 5 && strcmp(w[3], "first") == 0 &&
	    strcmp(w[4], "purchase") == 0)
		s->trig = TRIG_FIRST;
	else if (n == 5 && strcmp(w[4], "purchase") == 0) {
		s->trig = TRIG_NTH;
		if (get_ordinal(w[3], &s->nth) != 0) {
			rc = fail(p, 0, "bad ordinal '%s' (want 2nd, 3rd, 4th, "
			    "...)", w[3]);
			goto out;
		}
	} else if (n == 4 && strcmp(w[3], "purchase") == 0)
		s->trig = TRIG_PURCHASE;
	else if (n == 4 && strcmp(w[3], "cycle") == 0)
		s->trig = TRIG_CYCLE;
	else if (n == 4 && strcmp(w[3], "lost") == 0)
		s->trig = TRIG_LOST;
	else if (n == 4 && strcmp(w[3], "joining") == 0)
		s->trig = TRIG_JOINED;
	else
		rc = -1;
	if (rc != 0)
		fail(p, 0, "bad trigger '%s' (want %s)", value, trigger_forms);
out:
	free(copy);
	return rc;
}

static int
get_audience(struct parser *p, struct pb_step *s, const char *value)
{
	char *copy, *w, *next;
	unsigned bits;
	int rc = 0;

	s->audience = xstrdup(value);
	s->aud_line = p->line;
	if (strncmp(value, "segment", 7) == 0 &&
	    (value[7] == '\0' || isspace((unsigned char)value[7]))) {
		for (value += 7; isspace((unsigned char)*value); value++)
			;
		if (*value == '\0')
			return fail(p, 0, "'audience segment' wants a "
			    "crm-segment expression");
		s->aud = AUD_SEGMENT;
		s->segment = xstrdup(value);
		return 0;
	}
	if (strcmp(value, "everyone") == 0) {
		s->aud = AUD_EVERYONE;
		return 0;
	}
	/* Stages, separated by commas. */
	s->aud = AUD_STAGES;
	copy = xstrdup(value);
	for (w = copy; w != NULL && rc == 0; w = next) {
		if ((next = strchr(w, ',')) != NULL)
			*next++ = '\0';
		while (isspace((unsigned char)*w))
			w++;
		while (*w != '\0' && isspace((unsigned char)w[strlen(w) - 1]))
			w[strlen(w) - 1] = '\0';
		if ((bits = playbook_stage(w)) == 0)
			rc = fail(p, 0, "unknown audience '%s' (want stages "
			    "potential, new, active, lost or purchased, "
			    "separated by commas; 'everyone'; or 'segment "
			    "EXPRESSION')", w);
		s->stages |= bits;
	}
	free(copy);
	return rc;
}

/*
 * Checks a step's variants once the step is read, and gives them the
 * step's template and coupon terms where they do not set their own.
 */
static int
end_variants(struct parser *p, struct pb_step *s)
{
	struct pb_variant *v;
	size_t i;
	int total = 0;

	if (s->nvariants == 0 || p->bad_variant)
		return 0;	/* a broken variant line was reported */
	if (s->nvariants == 1)
		return fail(p, s->variants[0].line, "step '%s' has one "
		    "variant (an A/B test wants two or more)", s->name);
	for (i = 0; i < s->nvariants; i++) {
		v = &s->variants[i];
		total += v->share;
		if (s->coupon == NULL && (v->threshold >= 0 ||
		    v->discount > 0 || v->discount_pct > 0))
			return fail(p, v->line, "variant '%s' sets coupon "
			    "terms but step '%s' has no 'coupon'", v->name,
			    s->name);
		if (v->template == NULL)
			v->template = xstrdup(s->template);
		if (v->threshold < 0)
			v->threshold = s->threshold;
		if (v->discount == 0 && v->discount_pct == 0) {
			v->discount = s->discount;
			v->discount_pct = s->discount_pct;
		}
		if (v->discount_pct == 0 && v->threshold > 0 &&
		    v->discount >= v->threshold)
			return fail(p, v->line, "variant '%s': the discount "
			    "is not below the threshold", v->name);
	}
	if (total != 10000)
		return fail(p, s->variants[s->nvariants - 1].line, "the "
		    "variants of step '%s' share %d.%02d%%, not 100%%",
		    s->name, total / 100, total % 100);
	return 0;
}

/* Checks the open step once all its lines are read. */
static int
end_step(struct parser *p)
{
	struct pb_step *s;
	size_t i;
	int rc = 0;

	if (p->pb->nsteps == 0)
		return 0;
	s = &p->pb->steps[p->pb->nsteps - 1];
	for (i = K_AUDIENCE; i <= K_TEMPLATE; i++)
		if (p->key_line[i] == 0)
			rc = fail(p, s->line, "step '%s' has no '%s'", s->name,
			    key_names[i]);
	if (rc != 0)
		return rc;
	if (s->coupon == NULL) {
		for (i = K_THRESHOLD; i <= K_VALID; i++)
			if (p->key_line[i] != 0)
				return fail(p, p->key_line[i], "'%s' without "
				    "'coupon' in step '%s'", key_names[i],
				    s->name);
	} else {
		if (p->key_line[K_DISCOUNT] == 0)
			return fail(p, p->key_line[K_COUPON], "coupon '%s' has "
			    "no 'discount'", s->coupon);
		if (p->key_line[K_VALID] == 0)
			return fail(p, p->key_line[K_COUPON], "coupon '%s' has "
			    "no 'valid' (days the code stays valid)",
			    s->coupon);
		if (s->discount_pct == 0 && s->threshold > 0 &&
		    s->discount >= s->threshold)
			return fail(p, p->key_line[K_DISCOUNT], "the discount "
			    "is not below the threshold");
	}
	return end_variants(p, s);
}

static int
new_step(struct parser *p, const char *value)
{
	struct playbook *pb = p->pb;
	struct pb_step *s;
	size_t i;
	int rc;

	/* Each mistake is noted and the step opened all the same, so that
	 * its lines are read as its own. */
	rc = end_step(p);
	if (pb->nsteps == 0 && pb->name == NULL &&
	    p->set_line[S_PLAYBOOK] == 0)
		rc = fail(p, 0, "no 'playbook NAME' line before the first "
		    "step");
	if (pb->nsteps == 0 && p->set_line[S_CAP] == 0)
		rc = fail(p, 0, "no 'cap DAYS' line before the first step "
		    "(at most one message per customer in DAYS days)");
	if (!name_valid(value))
		rc = fail(p, 0, "bad step name '%s' (letters, digits, '.', "
		    "'_' and '-')", value);
	for (i = 0; i < pb->nsteps; i++)
		if (strcmp(pb->steps[i].name, value) == 0) {
			rc = fail(p, 0, "step '%s' again (first on line %ld)",
			    value, pb->steps[i].line);
			break;
		}
	pb->steps = xrealloc(pb->steps, (pb->nsteps + 1) * sizeof(*s));
	s = &pb->steps[pb->nsteps++];
	memset(s, 0, sizeof(*s));
	s->name = xstrdup(value);
	s->line = p->line;
	memset(p->key_line, 0, sizeof(p->key_line));
	p->bad_variant = 0;
	return rc;
}

/*
 * "variant NAME SHARE% [template ID] [threshold AMOUNT] [discount
 * AMOUNT|PCT%]": one arm of an A/B test.
 */
static int
get_variant(struct parser *p, struct pb_step *s, const char *value)
{
	char *copy = xstrdup(value), *w[9];
	struct pb_variant *v;
	const char *why;
	size_t n = split(copy, w, 8), i;
	int rc = -1, seen[3] = { 0, 0, 0 };

	if (n < 2 || n % 2 != 0) {
		fail(p, 0, "bad variant '%s' (want 'variant NAME SHARE%%', "
		    "then any of 'template ID', 'threshold AMOUNT', "
		    "'discount AMOUNT|PCT%%')", value);
		goto out;
	}
	if (!name_valid(w[0])) {
		fail(p, 0, "bad variant name '%s' (letters, digits, '.', "
		    "'_' and '-')", w[0]);
		goto out;
	}
	for (i = 0; i < s->nvariants; i++)
		if (strcmp(s->variants[i].name, w[0]) == 0) {
			fail(p, 0, "variant '%s' again (first on line %ld)",
			    w[0], s->variants[i].line);
			goto out;
		}
	s->variants = xrealloc(s->variants, (s->nvariants + 1) *
	    sizeof(*v));
	v = &s->variants[s->nvariants++];
	memset(v, 0, sizeof(*v));
	v->name = xstrdup(w[0]);
	v->line = p->line;
	v->threshold = -1;
	if (get_percent(w[1], &v->share) != 0 || v->share == 0) {
		fail(p, 0, "bad variant share '%s' (want a percent above 0%%, "
		    "like 50%%)", w[1]);
		goto out;
	}
	for (i = 2; i < n; i += 2) {
		const char *key = w[i], *val = w[i + 1];
		int k = strcmp(key, "template") == 0 ? 0 :
		    strcmp(key, "threshold") == 0 ? 1 :
		    strcmp(key, "discount") == 0 ? 2 : -1;

		if (k < 0) {
			fail(p, 0, "unknown variant key '%s' (want template, "
			    "threshold or discount)", key);
			goto out;
		}
		if (seen[k]++) {
			fail(p, 0, "'%s' twice in variant '%s'", key, v->name);
			goto out;
		}
		if (k == 0) {
			if (strlen(val) > 200) {
				fail(p, 0, "bad template id '%s'", val);
				goto out;
			}
			v->template = xstrdup(val);
		} else if (k == 1) {
			if (money_parse(val, &v->threshold, &why) != 0) {
				fail(p, 0, "bad threshold '%s': %s", val, why);
				goto out;
			}
			if (v->threshold < 0) {
				fail(p, 0, "negative threshold '%s'", val);
				goto out;
			}
		} else if (get_discount(p, val, &v->discount,
		    &v->discount_pct) != 0)
			goto out;
	}
	rc = 0;
out:
	free(copy);
	return rc;
}

static int
step_key(struct parser *p, enum key k, const char *v)
{
	struct pb_step *s = &p->pb->steps[p->pb->nsteps - 1];
	const char *why;

	if (k == K_VARIANT) {
		p->key_line[k] = p->line;
		if (get_variant(p, s, v) == 0)
			return 0;
		p->bad_variant = 1;
		return -1;
	}
	if (p->key_line[k] != 0)
		return fail(p, 0, "'%s' again in step '%s' (first on line "
		    "%ld)", key_names[k], s->name, p->key_line[k]);
	p->key_line[k] = p->line;
	switch (k) {
	case K_AUDIENCE:
		return get_audience(p, s, v);
	case K_TRIGGER:
		return get_trigger(p, s, v);
	case K_TEMPLATE:
		if (strpbrk(v, " \t") != NULL || strlen(v) > 200)
			return fail(p, 0, "bad template id '%s' (one word)", v);
		s->template = xstrdup(v);
		return 0;
	case K_COUPON:
		if (strlen(v) > 32 || strspn(v,
		    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(v))
			return fail(p, 0, "bad coupon prefix '%s' (1 to 32 "
			    "capital letters and digits)", v);
		s->coupon = xstrdup(v);
		return 0;
	case K_THRESHOLD:
		if (money_parse(v, &s->threshold, &why) != 0)
			return fail(p, 0, "bad threshold '%s': %s", v, why);
		if (s->threshold < 0)
			return fail(p, 0, "negative threshold '%s'", v);
		return 0;
	case K_DISCOUNT:
		return get_discount(p, v, &s->discount, &s->discount_pct);
	case K_VALID:
		return get_int(p, "valid", v, 1, MAX_DAYS, &s->valid);
	case K_PRIORITY:
		return get_int(p, "priority", v, -1000000, 1000000,
		    &s->priority);
	case K_HOLDOUT:
		if (get_percent(v, &s->holdout) != 0)
			return fail(p, 0, "bad holdout '%s' (want a percent "
			    "from 0%% to 100%%, like 10%%)", v);
		return 0;
	case K_VIA:
		if (strcmp(v, "any") == 0)
			s->via = VIA_ANY;
		else if (strcmp(v, "email") == 0)
			s->via = VIA_EMAIL;
		else if (strcmp(v, "sms") == 0)
			s->via = VIA_SMS;
		else
			return fail(p, 0, "bad via '%s' (want email, sms or "
			    "any)", v);
		return 0;
	case K_VARIANT:
	case NKEYS:
		break;
	}
	return -1;
}

static int
setting(struct parser *p, enum setting k, const char *v)
{
	struct playbook *pb = p->pb;

	if (pb->nsteps > 0)
		return fail(p, 0, "'%s' belongs before the first step",
		    setting_names[k]);
	if (p->set_line[k] != 0)
		return fail(p, 0, "'%s' again (first on line %ld)",
		    setting_names[k], p->set_line[k]);
	p->set_line[k] = p->line;
	switch (k) {
	case S_PLAYBOOK:
		if (!name_valid(v))
			return fail(p, 0, "bad playbook name '%s' (letters, "
			    "digits, '.', '_' and '-')", v);
		pb->name = xstrdup(v);
		return 0;
	case S_CAP:
		return get_int(p, "cap", v, 1, MAX_DAYS, &pb->cap);
	case S_SEED:
		return get_int(p, "seed", v, 0, INT64_MAX, &pb->seed);
	case S_MEASURE:
		return get_int(p, "measure", v, 1, MAX_DAYS, &pb->measure);
	case S_PROGRAMME:
		pb->programme = xstrdup(v);
		return 0;
	case NSETTINGS:
		break;
	}
	return -1;
}

static int
take_line(struct parser *p, char *line)
{
	char *key, *v, *end;
	int quote;
	int i;

	/* A '#' at the start or after a blank begins a comment, unless it
	 * is inside quotes (a segment expression's string). */
	for (end = line, quote = 0; *end != '\0'; end++) {
		if (quote != 0) {
			if (*end == quote)
				quote = 0;
		} else if (*end == '\'' || *end == '"')
			quote = *end;
		else if (*end == '#' && (end == line ||
		    isspace((unsigned char)end[-1]))) {
			*end = '\0';
			break;
		}
	}
	for (key = line; isspace((unsigned char)*key); key++)
		;
	for (end = key + strlen(key); end > key &&
	    isspace((unsigned char)end[-1]); end--)
		;
	*end = '\0';
	if (*key == '\0')
		return 0;
	if (!utf8_valid(key, strlen(key)))
		return fail(p, 0, "not UTF-8");
	for (v = key; *v != '\0' && !isspace((unsigned char)*v); v++)
		;
	if (*v != '\0')
		*v++ = '\0';
	while (isspace((unsigned char)*v))
		v++;
	if (strcmp(key, "step") == 0) {
		if (*v == '\0')
			return fail(p, 0, "'step' wants a name");
		return new_step(p, v);
	}
	for (i = 0; i < NSETTINGS; i++)
		if (strcmp(key, setting_names[i]) == 0) {
			if (*v == '\0')
				return fail(p, 0, "'%s' wants a value", key);
			return setting(p, i, v);
		}
	for (i = 0; i < NKEYS; i++)
		if (strcmp(key, key_names[i]) == 0) {
			if (p->pb->nsteps == 0)
				return fail(p, 0, "'%s' outside a step (open "
				    "one with 'step NAME')", key);
			if (*v == '\0')
				return fail(p, 0, "'%s' wants a value", key);
			return step_key(p, i, v);
		}
	return fail(p, 0, "unknown key '%s'", key);
}

int
playbook_read(FILE *fp, const char *file, struct playbook *pb,
    struct buf *err)
{
	struct parser p;
	char *line = NULL;
	size_t cap = 0, i;
	ssize_t n;

	memset(pb, 0, sizeof(*pb));
	memset(&p, 0, sizeof(p));
	pb->file = xstrdup(file);
	pb->measure = 30;
	p.pb = pb;
	while ((n = getline(&line, &cap, fp)) >= 0) {
		p.line++;
		if ((size_t)n != strlen(line))
			fail(&p, 0, "NUL byte in line");
		else if (p.line == 1 && strncmp(line, "\xef\xbb\xbf", 3) == 0)
			take_line(&p, line + 3);	/* a byte order mark */
		else
			take_line(&p, line);
	}
	free(line);
	if (ferror(fp))
		fail(&p, p.line > 0 ? p.line : 1, "%s", strerror(errno));
	end_step(&p);
	if (pb->nsteps == 0)
		fail(&p, p.line > 0 ? p.line : 1, "no steps (open one "
		    "with 'step NAME')");
	if (p.nerrs == 0)
		return 0;
	qsort(p.errs, p.nerrs, sizeof(*p.errs), perr_cmp);
	buf_reset(err);
	for (i = 0; i < p.nerrs; i++) {
		buf_printf(err, "%s%s:%ld: %s", i > 0 ? "\n" : "", pb->file,
		    p.errs[i].line, p.errs[i].msg);
		free(p.errs[i].msg);
	}
	free(p.errs);
	playbook_free(pb);
	return -1;
}

void
playbook_free(struct playbook *pb)
{
	size_t i, j;

	for (i = 0; i < pb->nsteps; i++) {
		free(pb->steps[i].name);
		free(pb->steps[i].segment);
		free(pb->steps[i].audience);
		free(pb->steps[i].template);
		free(pb->steps[i].coupon);
		for (j = 0; j < pb->steps[i].nvariants; j++) {
			free(pb->steps[i].variants[j].name);
			free(pb->steps[i].variants[j].template);
		}
		free(pb->steps[i].variants);
	}
	free(pb->steps);
	free(pb->name);
	free(pb->programme);
	if (pb->pg != NULL) {
		programme_free(pb->pg);
		free(pb->pg);
	}
	free(pb->file);
	memset(pb, 0, sizeof(*pb));
}

const struct pb_step *
playbook_step(const struct playbook *pb, const char *name)
{
	size_t i;

	for (i = 0; i < pb->nsteps; i++)
		if (strcmp(pb->steps[i].name, name) == 0)
			return &pb->steps[i];
	return NULL;
}

/* ==== Hashes ==== */

/* SHA-256 of the seed and the given strings, each ended by a NUL. */
static void
digest(const struct playbook *pb, const char *a, const char *b,
    const char *c, const char *d, unsigned char out[32])
{
	struct sha256 ctx;
	char hex[65], seed[24];
	size_t i;
	unsigned v;

	snprintf(seed, sizeof(seed), "%lld", (long long)pb->seed);
	sha256_init(&ctx);
	sha256_update(&ctx, seed, strlen(seed) + 1);
	sha256_update(&ctx, a, strlen(a) + 1);
	sha256_update(&ctx, b, strlen(b) + 1);
	sha256_update(&ctx, c, strlen(c) + 1);
	if (d != NULL)
		sha256_update(&ctx, d, strlen(d) + 1);
	sha256_hex(&ctx, hex);
	for (i = 0; i < 32; i++) {
		sscanf(hex + 2 * i, "%2x", &v);
		out[i] = (unsigned char)v;
	}
}

void
playbook_code(const struct playbook *pb, const struct pb_step *s,
    int64_t customer, int64_t day, char *out)
{
	/* Crockford's base 32: no I, L, O or U to misread. */
	static const char alpha[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
	unsigned char h[32];
	char cust[24], dbuf[11];
	size_t n, i;
	uint64_t bits = 0;

	snprintf(cust, sizeof(cust), "%lld", (long long)customer);
	day_format(day, dbuf);
	digest(pb, pb->name, s->name, cust, dbuf, h);
	for (i = 0; i < 8; i++)
		bits = bits << 8 | h[i];
	n = strlen(s->coupon);
	memcpy(out, s->coupon, n);
	out[n++] = '-';
	for (i = 0; i < PB_CODE_LEN; i++) {
		out[n++] = alpha[bits >> 59];
		bits <<= 5;
	}
	out[n] = '\0';
}

/*
 * A customer's draw for a step, 0 to 9999: SHA-256 of the seed, the
 * playbook, the step, the customer and salt (or none), its first four
 * bytes as a number, mod 10000.
 */
static int
draw(const struct playbook *pb, const struct pb_step *s, int64_t customer,
    const char *salt)
{
	unsigned char h[32];
	char cust[24];
	uint32_t v;

	snprintf(cust, sizeof(cust), "%lld", (long long)customer);
	digest(pb, pb->name, s->name, cust, salt, h);
	v = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	    (uint32_t)h[2] << 8 | h[3];
	return (int)(v % 10000);
}

int
playbook_holdout(const struct playbook *pb, const struct pb_step *s,
    int64_t customer)
{
	if (s->holdout <= 0)
		return 0;
	return draw(pb, s, customer, NULL) < s->holdout;
}

size_t
playbook_variant(const struct playbook *pb, const struct pb_step *s,
    int64_t customer)
{
	size_t i;
	int v = draw(pb, s, customer, "variant"), at = 0;

	for (i = 0; i + 1 < s->nvariants; i++)
		if (v < (at += s->variants[i].share))
			return i;
	return s->nvariants - 1;
}

/* Reads and checks a playbook; prints every error and returns -1. */
/* Reads pb's programme file, relative to the playbook's folder. */
static int
load_programme(struct playbook *pb, const char *path)
{
	struct buf file = { 0 };
	const char *slash = strrchr(path, '/');
	int rc;

	if (pb->programme[0] != '/' && slash != NULL && strcmp(path, "-") != 0)
		buf_add(&file, path, (size_t)(slash - path + 1));
	buf_adds(&file, pb->programme);
	pb->pg = xmalloc(sizeof(*pb->pg));
	if ((rc = programme_load(file.s, pb->pg)) != 0) {
		free(pb->pg);
		pb->pg = NULL;
	}
	buf_free(&file);
	return rc;
}

int
playbook_load(const char *path, struct playbook *pb)
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
	if (rc != 0) {
		char *p = e.s, *nl;

		for (; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			warnx("%.*s", (int)(nl - p), p);
		warnx("%s", p);
	}
	if (fp != stdin)
		fclose(fp);
	buf_free(&e);
	if (rc == 0 && pb->programme != NULL && load_programme(pb, path) != 0) {
		playbook_free(pb);
		rc = -1;
	}
	if (rc == 0 && pb->pg != NULL && pb->pg->ntiers == 0) {
		size_t i;

		/* A tier trigger needs tiers to watch. */
		for (i = 0; i < pb->nsteps; i++)
			if (pb->steps[i].trig == TRIG_TIER_REACHED ||
			    pb->steps[i].trig == TRIG_TIER_LOST) {
				warnx("%s:%ld: step '%s': the programme %s has "
				    "no tier", pb->file, pb->steps[i].line,
				    pb->steps[i].name, pb->programme);
				rc = -1;
			}
		if (rc != 0)
			playbook_free(pb);
	}
	return rc;
}

/*
 * Compiles the segment audiences (when sel is NULL, only to check them).
 * Returns 0, or -1 after printing "FILE:LINE: error".
 */
int
playbook_compile_segments(const struct playbook *pb, struct segexpr **sel)
{
	size_t i;
	int rc = 0;

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
			rc = -1;
			if (sel != NULL)
				break;
			continue;	/* check: every one */
		}
		buf_free(&e);
		if (segexpr_uses_points(x) && pb->pg == NULL) {
			warnx("%s:%ld: points, tier and points_expiring() need "
			    "a 'programme FILE' line before the first step",
			    pb->file, s->aud_line);
			segexpr_free(x);
			rc = -1;
			if (sel != NULL)
				break;
			continue;
		}
		segexpr_set_programme(x, pb->pg);
		if (sel != NULL)
			sel[i] = x;
		else
			segexpr_free(x);
	}
	return rc;
}

void
playbook_free_segments(const struct playbook *pb, struct segexpr **sel)
{
	size_t i;

	for (i = 0; i < pb->nsteps; i++)
		if (sel[i] != NULL) {
			segexpr_free(sel[i]);
			sel[i] = NULL;
		}
}
