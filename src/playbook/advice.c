/*
 * advice.c: what crm-playbook results says in words: the advice column of
 * each row, the review a shop owner reads at the end (which steps work,
 * which cannot be judged yet and what they need, the one change to try
 * next per the seeds' rules), and the numbers as the review writes them.
 * No SQLite and no output: the command writes what this composes.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "playbook/advice.h"
#include "table.h"

/* Formats a share with four decimals, never "-0.0000". */
const char *
pb_fmt_rate(double v, char *out, size_t n)
{
	snprintf(out, n, "%.4f", v);
	if (strcmp(out, "-0.0000") == 0)
		snprintf(out, n, "0.0000");
	return out;
}

/* Minor units (a mean, not whole) as an amount, rounded. */
const char *
pb_fmt_mean_money(double minor, char out[32])
{
	return money_format((int64_t)llround(minor), out);
}

/* Percentage points with one decimal and a sign: "+4.4", never "-0.0". */
static const char *
fmt_points(double v, char *out, size_t n)
{
	snprintf(out, n, "%+.1f", v * 100);
	if (strcmp(out, "-0.0") == 0)
		snprintf(out, n, "+0.0");
	return out;
}

/* "+4.4 [-23.4, +7.0]": a difference and its interval, in points. */
const char *
pb_fmt_diff(double d, double lo, double hi, char *out, size_t n)
{
	char a[16], b[16], c[16];

	snprintf(out, n, "%s [%s, %s]", fmt_points(d, a, sizeof(a)),
	    fmt_points(lo, b, sizeof(b)), fmt_points(hi, c, sizeof(c)));
	return out;
}

const char *const pb_by_name[] = {
	[PB_BY_STEP] = "step", [PB_BY_VARIANT] = "variant",
	[PB_BY_VERSUS] = "versus", [PB_BY_COUPON] = "coupon",
	[PB_BY_AUDIENCE] = "audience",
};

static void
review_add(struct pb_review *x, const char *playbook, const char *step,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void
review_add(struct pb_review *x, const char *playbook, const char *step,
    const char *fmt, ...)
{
	struct pb_review_line *r;
	struct buf b = { 0 };
	va_list ap;
	char line[512];

	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	buf_adds(&b, line);
	x->rv = xrealloc(x->rv, (x->nrv + 1) * sizeof(*x->rv));
	r = &x->rv[x->nrv++];
	r->playbook = xstrdup(playbook);
	r->step = xstrdup(step);
	r->text = b.s;
}

/* The seeds' rules, one candidate per playbook: a low claim rate first
 * (nothing unclaimed can be used), then unused claims; of one rule, the
 * step with the most contacts. */
static void
next_consider(struct pb_review *x, const char *playbook, const char *step,
    const struct pb_group *g, const struct pb_eval *e)
{
	struct pb_nextchange *n = NULL;
	size_t i;
	int rule = e->low_claim ? 1 : e->low_use ? 2 : 0;

	for (i = 0; i < x->nnx; i++)
		if (strcmp(x->nx[i].playbook, playbook) == 0)
			n = &x->nx[i];
	if (n == NULL) {
		x->nx = xrealloc(x->nx, (x->nnx + 1) * sizeof(*x->nx));
		n = &x->nx[x->nnx++];
		memset(n, 0, sizeof(*n));
		n->playbook = xstrdup(playbook);
	}
	n->measuring += g->measuring;
	if (rule == 0 || (n->rule != 0 && (n->rule < rule ||
	    (n->rule == rule && n->contacted >= g->contacted))))
		return;
	free(n->step);
	n->step = xstrdup(step);
	n->rule = rule;
	n->contacted = g->contacted;
	n->rate = rule == 1 ? (double)g->claimed / (double)g->coupons :
	    (double)g->used / (double)g->claimed;
}

/* What a row needs, as words: "480 more contacted and 55 more held out". */
static const char *
fmt_needs(const struct pb_eval *e, const char *first, const char *second,
    char *out, size_t n)
{
	if (e->need > 0 && e->hneed > 0)
		snprintf(out, n, "%lld more %s and %lld more %s",
		    (long long)e->need, first, (long long)e->hneed, second);
	else if (e->need > 0)
		snprintf(out, n, "%lld more %s", (long long)e->need, first);
	else
		snprintf(out, n, "%lld more %s", (long long)e->hneed, second);
	return out;
}

/*
 * The winner of a pair "STEP/A vs B" (A when the interval lies above 0,
 * B when below) into out, or NULL.
 */
const char *
pb_winner(const char *name, const struct pb_eval *e, char *out, size_t n)
{
	const char *a = strrchr(name, '/'), *vs = strstr(name, " vs ");

	if (a == NULL || vs == NULL || vs < a)
		return NULL;
	if (e->verdict == PV_WORKS)
		snprintf(out, n, "%.*s", (int)(vs - a - 1), a + 1);
	else if (e->verdict == PV_HURTS)
		snprintf(out, n, "%s", vs + 4);
	else
		return NULL;
	return out;
}

/* 1 when the row is a step of the file with no holdout share. */
static int
no_holdout(const struct pb_review *x, enum pb_by by, const char *name)
{
	const struct pb_step *s;

	return by == PB_BY_STEP && (s = playbook_step(x->pb, name)) != NULL &&
	    s->holdout == 0;
}

/* The advice column, and the review's line for a step or a pair. */
void
pb_advise(struct pb_review *x, const char *playbook, enum pb_by by,
    const char *name, const struct pb_group *g, const struct pb_eval *e,
    struct buf *advice)
{
	char d[64], need[96], win[80];
	const char *sep = "", *w;
	int pts = (int)(PB_DETECT * 100 + 0.5), versus = by == PB_BY_VERSUS;

	if (e->low_claim) {
		buf_adds(advice, "low claim rate: raise the discount");
		sep = "; ";
	}
	if (e->low_use) {
		buf_printf(advice, "%sclaimed but not used: lower the "
		    "threshold", sep);
		sep = "; ";
	}
	d[0] = need[0] = '\0';
	if (e->has_d)
		pb_fmt_diff(e->d, e->lo, e->hi, d, sizeof(d));
	if (e->verdict == PV_TOOSMALL)
		fmt_needs(e, versus ? "for the first" : "contacted",
		    versus ? "for the second" : "held out", need,
		    sizeof(need));
	w = versus ? pb_winner(name, e, win, sizeof(win)) : NULL;
	switch (e->verdict) {
	case PV_WORKS:
	case PV_HURTS:
		if (versus)
			buf_printf(advice, "%s%s wins", sep, w);
		else if (e->verdict == PV_WORKS)
			buf_printf(advice, "%sworks: keep it", sep);
		else
			buf_printf(advice, "%sfewer buy than in the holdout: "
			    "stop the step", sep);
		break;
	case PV_NOUPLIFT:
		buf_printf(advice, "%sno difference of %d points: %s", sep,
		    pts, versus ? "keep the cheaper" :
		    "change or stop the step");
		break;
	case PV_TOOSMALL:
		buf_printf(advice, "%stoo small to tell: %s would show %d "
		    "points", sep, need, pts);
		break;
	case PV_NONE:
		if (!versus && g->contacted > 0 && g->held_out == 0)
			buf_printf(advice, "%s%s: cannot tell", sep,
			    no_holdout(x, by, name) ? "no holdout" :
			    "nobody held out yet");
		break;
	}
	if (by != PB_BY_STEP && !versus)
		return;

	/* The review: steps and pairs of variants only. */
	if (by == PB_BY_STEP)
		next_consider(x, playbook, name, g, e);
	switch (e->verdict) {
	case PV_WORKS:
	case PV_HURTS:
		if (versus)
			review_add(x, playbook, name, "%s: %s wins (%s points "
			    "bought, first less second)", name, w, d);
		else if (e->verdict == PV_WORKS)
			review_add(x, playbook, name, "%s works: %s points "
			    "bought over the holdout", name, d);
		else
			review_add(x, playbook, name, "%s does harm: %s points "
			    "bought against the holdout; stop it", name, d);
		break;
	case PV_NOUPLIFT:
		review_add(x, playbook, name, "%s: no difference of %d points "
		    "(%s): %s", name, pts, d, versus ? "keep the cheaper" :
		    "change or stop it");
		break;
	case PV_TOOSMALL:
		if (versus)
			review_add(x, playbook, name, "%s cannot be judged yet "
			    "(%s): %s would show %d points", name, d, need,
			    pts);
		else
			review_add(x, playbook, name, "%s cannot be judged yet "
			    "(%s): %s would show %d points (with a 50%% "
			    "holdout, %lld in each group)", name, d, need, pts,
			    (long long)e->even);
		break;
	case PV_NONE:
		if (versus)
			break;
		if (g->contacted > 0 && g->held_out == 0 &&
		    no_holdout(x, by, name))
			review_add(x, playbook, name, "%s cannot be judged: "
			    "it has no holdout (give it one, like 10%%)", name);
		else if (g->contacted > 0 && g->held_out == 0)
			review_add(x, playbook, name, "%s cannot be judged "
			    "yet: nobody held out so far", name);
		else if (g->held_out > 0 && g->contacted == 0)
			review_add(x, playbook, name, "%s cannot be judged "
			    "yet: nobody contacted so far", name);
		else if (g->measuring > 0)
			review_add(x, playbook, name, "%s cannot be judged "
			    "yet: every contact is still measuring", name);
		break;
	}
}

/* FNV-1a of the row's name: each row's bootstrap has a seed of its own
 * that does not hang on the rows before it. */
uint64_t
pb_row_seed(const char *playbook, enum pb_by by, const char *name)
{
	unsigned char b = (unsigned char)by;	/* a few values: one byte */
	uint64_t h;

	h = fnv(FNV_BASIS, playbook, strlen(playbook));
	h = fnv(h, &b, 1);
	return fnv(h, name, strlen(name));
}

/*
 * Ends the review: per playbook, the one change to try next and what is
 * still measuring, after the lines pb_advise() added.
 */
void
pb_review_close(struct pb_review *x)
{
	size_t i;
	char rate[16];

	for (i = 0; i < x->nnx; i++) {
		struct pb_nextchange *c = &x->nx[i];

		if (c->rule == 1)
			review_add(x, c->playbook, c->step, "try next: raise "
			    "the discount of %s (claim rate %s, below %lld%%), "
			    "as a variant beside the present one", c->step,
			    pb_fmt_rate(c->rate, rate, sizeof(rate)),
			    (long long)x->lim.min_claim);
		else if (c->rule == 2)
			review_add(x, c->playbook, c->step, "try next: lower "
			    "the threshold of %s (use rate %s, below %lld%%), "
			    "as a variant beside the present one", c->step,
			    pb_fmt_rate(c->rate, rate, sizeof(rate)),
			    (long long)x->lim.min_use);
		else
			review_add(x, c->playbook, "", "try next: nothing "
			    "yet: no coupon is surely below the claim or use "
			    "limits");
	}
	for (i = 0; i < x->nnx; i++)
		if (x->nx[i].measuring > 0)
			review_add(x, x->nx[i].playbook, "", "still measuring: "
			    "%lld contact%s whose window has not closed",
			    (long long)x->nx[i].measuring,
			    x->nx[i].measuring == 1 ? "" : "s");
}

void
pb_review_free(struct pb_review *x)
{
	size_t i;

	for (i = 0; i < x->nrv; i++) {
		free(x->rv[i].playbook);
		free(x->rv[i].step);
		free(x->rv[i].text);
	}
	for (i = 0; i < x->nnx; i++) {
		free(x->nx[i].playbook);
		free(x->nx[i].step);
	}
	free(x->rv);
	free(x->nx);
}

/* The columns of results: CSV name, table heading, flags. */
const struct pb_result_col pb_result_cols[] = {
	{ "playbook", NULL, TC_LEFT | TC_OPTIONAL },
	{ "by", NULL, TC_LEFT },
	{ "name", NULL, TC_LEFT | TC_WRAP },
	{ "measuring", "still measuring", TC_OPTIONAL },
	{ "contacted", NULL, 0 },
	{ "held_out", "held out", 0 },
	{ "claimed", NULL, TC_CSVONLY },
	{ "claim_rate", "claimed", TC_OPTIONAL },
	{ "used", NULL, TC_CSVONLY },
	{ "use_rate", "used", TC_OPTIONAL },
	{ "bought", NULL, TC_CSVONLY },
	{ "bought_rate", "bought", 0 },
	{ "holdout_bought", NULL, TC_CSVONLY },
	{ "holdout_rate", "held out bought", 0 },
	{ "uplift", "uplift, points [95%]", TC_WRAP },
	{ "ci_low", NULL, TC_CSVONLY },
	{ "ci_high", NULL, TC_CSVONLY },
	{ "revenue", NULL, TC_OPTIONAL },
	{ "holdout_revenue", "held out revenue", TC_OPTIONAL },
	{ "revenue_uplift", "revenue per contact [95%]", TC_OPTIONAL },
	{ "revenue_ci_low", NULL, TC_CSVONLY },
	{ "revenue_ci_high", NULL, TC_CSVONLY },
	{ "coupon_revenue", "coupon revenue", TC_OPTIONAL },
	{ "discount_cost", "discount", TC_OPTIONAL },
	{ "claim_uplift", "claimed, points", TC_OPTIONAL },
	{ "claim_ci_low", NULL, TC_CSVONLY },
	{ "claim_ci_high", NULL, TC_CSVONLY },
	{ "use_uplift", "used, points", TC_OPTIONAL },
	{ "use_ci_low", NULL, TC_CSVONLY },
	{ "use_ci_high", NULL, TC_CSVONLY },
	{ "winner", NULL, TC_OPTIONAL },
	{ "advice", NULL, TC_LEFT | TC_WRAP },
};

const size_t pb_nresult_cols = sizeof(pb_result_cols) /
    sizeof(pb_result_cols[0]);
