/*
 * programme.c: the programme file of crm-points(1).  Plain text, one
 * "key value..." a line, '#' starts a comment.  Every line is checked
 * and every mistake reported as "FILE:LINE: message", all of them, so
 * that `crm-points check` shows a whole file's errors at once.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "points/programme.h"

enum key {
	K_PROGRAMME, K_START, K_EARN, K_PENDING, K_SIGNUP, K_BIRTHDAY,
	K_FIRST, K_EXPIRE, K_TIER, K_VALUE, K_HOLDOUT, K_SEED, NKEYS
};

static const char *const key_names[NKEYS] = {
	"programme", "start", "earn", "pending", "signup", "birthday",
	"first-purchase", "expire", "tier", "value", "holdout", "seed",
};

#define MAX_DAYS	3650		/* ten years: any more is a typo */
#define MAX_POINTS	1000000000LL
#define MAXWORDS	8

struct parser {
	struct programme *pg;
	struct buf *err;
	long	 line;
	long	 key_line[NKEYS];
	int	 nerr;
};

static void
fail(struct parser *p, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct parser *p, long line, const char *fmt, ...)
{
	va_list ap;

	buf_printf(p->err, "%s:%ld: ", p->pg->file, line > 0 ? line :
	    p->line);
	va_start(ap, fmt);
	{
		char msg[512];

		vsnprintf(msg, sizeof(msg), fmt, ap);
		buf_adds(p->err, msg);
	}
	va_end(ap);
	buf_addc(p->err, '\n');
	p->nerr++;
}

static int
get_int(struct parser *p, const char *key, const char *v, long long lo,
    long long hi, int64_t *out)
{
	long long n;

	if (crm_parse_int(v, lo, hi, &n) != 0) {
		fail(p, 0, "'%s' wants a whole number from %lld to %lld, not "
		    "'%s'", key, lo, hi, v);
		return -1;
	}
	*out = n;
	return 0;
}

/*
 * A decimal with at most `places` decimals as a whole number of
 * 10^-places, from 0 up to max (in those units); -1 when it is not.
 */
static int
get_fixed(const char *s, int places, int64_t max, int64_t *out)
{
	int64_t v = 0;
	int nd = 0, nf = -1;

	for (; *s != '\0'; s++) {
		if (*s == '.' && nf < 0) {
			nf = 0;
			continue;
		}
		if (!isdigit((unsigned char)*s))
			return -1;
		if (nf >= 0 && ++nf > places)
			return -1;
		if ((v = v * 10 + (*s - '0')) > max * 10)
			return -1;
		nd++;
	}
	if (nd == 0 || nf == 0)
		return -1;
	for (nf = nf < 0 ? 0 : nf; nf < places; nf++)
		v *= 10;
	if (v > max)
		return -1;
	*out = v;
	return 0;
}

static void
tier_line(struct parser *p, char **w, size_t n)
{
	struct programme *pg = p->pg;
	struct pt_tier *t;
	const char *why;
	int64_t v;
	int i;

	if (n != 4 && n != 6) {
		fail(p, 0, "'tier' wants NAME SPEND MONTHSm [multiplier X]");
		return;
	}
	if (pg->ntiers == PT_MAXTIERS) {
		fail(p, 0, "more than %d tiers", PT_MAXTIERS);
		return;
	}
	t = &pg->tier[pg->ntiers];
	memset(t, 0, sizeof(*t));
	t->mult = 100;
	if (!name_valid(w[1]))
		fail(p, 0, "bad tier name '%s' (letters, digits, '.', '_', "
		    "'-')", w[1]);
	for (i = 0; i < pg->ntiers; i++)
		if (strcmp(pg->tier[i].name, w[1]) == 0)
			fail(p, 0, "tier '%s' is given twice", w[1]);
	if (money_parse(w[2], &t->spend, &why) != 0)
		fail(p, 0, "bad tier spend '%s': %s", w[2], why);
	else if (t->spend <= 0)
		fail(p, 0, "a tier's spend must be above 0");
	else if (pg->ntiers > 0 && t->spend <= pg->tier[pg->ntiers - 1].spend)
		fail(p, 0, "tier '%s' must need more spend than '%s' before "
		    "it", w[1], pg->tier[pg->ntiers - 1].name);
	{
		size_t len = strlen(w[3]);
		long long m;

		if (len < 2 || w[3][len - 1] != 'm') {
			fail(p, 0, "bad tier window '%s' (months, as 12m)",
			    w[3]);
		} else {
			w[3][len - 1] = '\0';
			if (crm_parse_int(w[3], 1, 120, &m) != 0)
				fail(p, 0, "bad tier window '%sm' (1m to "
				    "120m)", w[3]);
			else
				t->months = (int)m;
		}
	}
	if (n == 6) {
		if (strcmp(w[4], "multiplier") != 0)
			fail(p, 0, "unknown tier term '%s' (multiplier)", w[4]);
		else if (get_fixed(w[5], 2, 10000, &v) != 0 || v < 100)
			fail(p, 0, "bad multiplier '%s' (1 to 100, at most "
			    "two decimals)", w[5]);
		else
			t->mult = (int)v;
	}
	t->name = xstrdup(w[1]);
	pg->ntiers++;
}

/* "holdout 10%": basis points, 0 to 50%. */
static void
holdout_line(struct parser *p, const char *v)
{
	size_t len = strlen(v);
	char num[32];
	int64_t bp;

	if (len < 2 || len >= sizeof(num) || v[len - 1] != '%') {
		fail(p, 0, "bad holdout '%s' (a percent, as 10%%)", v);
		return;
	}
	memcpy(num, v, len - 1);
	num[len - 1] = '\0';
	if (get_fixed(num, 2, 5000, &bp) != 0 || bp == 0)
		fail(p, 0, "bad holdout '%s' (above 0%% and at most 50%%)", v);
	else
		p->pg->holdout = (int)bp;
}

static void
line_of(struct parser *p, char **w, size_t n)
{
	struct programme *pg = p->pg;
	const char *why;
	int k;

	for (k = 0; k < NKEYS; k++)
		if (strcmp(w[0], key_names[k]) == 0)
			break;
	if (k == NKEYS) {
		fail(p, 0, "unknown key '%s'", w[0]);
		return;
	}
	if (k != K_TIER && p->key_line[k] != 0) {
		fail(p, 0, "'%s' is already given on line %ld", w[0],
		    p->key_line[k]);
		return;
	}
	p->key_line[k] = p->line;
	if (k == K_TIER) {
		tier_line(p, w, n);
		return;
	}
	if (k == K_EARN) {
		if (n != 4 || strcmp(w[2], "per") != 0) {
			fail(p, 0, "'earn' wants POINTS per AMOUNT");
			return;
		}
		get_int(p, "earn", w[1], 1, MAX_POINTS, &pg->earn_points);
		if (money_parse(w[3], &pg->earn_per, &why) != 0)
			fail(p, 0, "bad amount '%s': %s", w[3], why);
		else if (pg->earn_per <= 0)
			fail(p, 0, "the amount per points must be above 0");
		return;
	}
	if (n != 2) {
		fail(p, 0, "'%s' wants one value", w[0]);
		return;
	}
	switch (k) {
	case K_PROGRAMME:
		if (!name_valid(w[1]))
			fail(p, 0, "bad programme name '%s' (letters, digits, "
			    "'.', '_', '-')", w[1]);
		else
			pg->name = xstrdup(w[1]);
		break;
	case K_START:
		if (day_strict(w[1], &pg->start) != 0)
			fail(p, 0, "bad start date '%s' (YYYY-MM-DD)", w[1]);
		break;
	case K_PENDING:
		get_int(p, w[0], w[1], 0, MAX_DAYS, &pg->pending);
		break;
	case K_SIGNUP:
		get_int(p, w[0], w[1], 1, MAX_POINTS, &pg->signup);
		break;
	case K_BIRTHDAY:
		get_int(p, w[0], w[1], 1, MAX_POINTS, &pg->birthday);
		break;
	case K_FIRST:
		get_int(p, w[0], w[1], 1, MAX_POINTS, &pg->first);
		break;
	case K_EXPIRE:
		get_int(p, w[0], w[1], 1, MAX_DAYS, &pg->expire);
		break;
	case K_VALUE:
		if (get_fixed(w[1], 6, 1000000000LL, &pg->value) != 0)
			fail(p, 0, "bad value '%s' (an amount, at most six "
			    "decimals)", w[1]);
		else
			pg->has_value = 1;
		break;
	case K_HOLDOUT:
		holdout_line(p, w[1]);
		break;
	case K_SEED:
		get_int(p, w[0], w[1], 0, INT64_MAX, &pg->seed);
		break;
	}
}

int
programme_read(FILE *fp, const char *file, struct programme *pg,
    struct buf *err)
{
	struct parser p;
	char *line = NULL, *w[MAXWORDS + 1], *s;
	size_t cap = 0, n;
	ssize_t len;

	memset(pg, 0, sizeof(*pg));
	memset(&p, 0, sizeof(p));
	pg->file = xstrdup(file);
	p.pg = pg;
	p.err = err;
	buf_reset(err);
	while ((len = getline(&line, &cap, fp)) != -1) {
		p.line++;
		if (strlen(line) != (size_t)len || !utf8_valid(line, len)) {
			fail(&p, 0, "not a line of UTF-8 text");
			continue;
		}
		if ((s = strchr(line, '#')) != NULL)
			*s = '\0';
		for (n = 0, s = line; n <= MAXWORDS; ) {
			while (isspace((unsigned char)*s))
				*s++ = '\0';
			if (*s == '\0')
				break;
			w[n++] = s;
			while (*s != '\0' && !isspace((unsigned char)*s))
				s++;
		}
		if (n == 0)
			continue;
		if (n > MAXWORDS) {
			fail(&p, 0, "too many words");
			continue;
		}
		line_of(&p, w, n);
	}
	free(line);
	if (ferror(fp))
		fail(&p, 0, "cannot read the file");
	if (p.key_line[K_PROGRAMME] == 0)
		fail(&p, 1, "no 'programme NAME' line");
	if (p.key_line[K_START] == 0)
		fail(&p, 1, "no 'start YYYY-MM-DD' line");
	if (p.key_line[K_EARN] == 0)
		fail(&p, 1, "no 'earn POINTS per AMOUNT' line");
	if (pg->expire > 0 && pg->pending >= pg->expire)
		fail(&p, p.key_line[K_EXPIRE], "points would lapse (expire "
		    "%lld) before they are usable (pending %lld)",
		    (long long)pg->expire, (long long)pg->pending);
	if (p.key_line[K_SEED] != 0 && p.key_line[K_HOLDOUT] == 0)
		fail(&p, p.key_line[K_SEED], "'seed' without 'holdout' "
		    "draws nothing");
	if (pg->name == NULL)
		pg->name = xstrdup("");
	return p.nerr > 0 ? -1 : 0;
}

void
programme_free(struct programme *pg)
{
	int i;

	for (i = 0; i < pg->ntiers; i++)
		free(pg->tier[i].name);
	free(pg->file);
	free(pg->name);
	memset(pg, 0, sizeof(*pg));
}

int
programme_holdout(const struct programme *pg, int64_t customer)
{
	struct sha256 ctx;
	unsigned char h[32];
	char seed[24], cust[24];
	uint32_t v;

	if (pg->holdout <= 0)
		return 0;
	snprintf(seed, sizeof(seed), "%lld", (long long)pg->seed);
	snprintf(cust, sizeof(cust), "%lld", (long long)customer);
	sha256_init(&ctx);
	sha256_update(&ctx, seed, strlen(seed) + 1);
	sha256_update(&ctx, pg->name, strlen(pg->name) + 1);
	sha256_update(&ctx, "holdout", 8);
	sha256_update(&ctx, cust, strlen(cust) + 1);
	sha256_final(&ctx, h);
	v = (uint32_t)h[0] << 24 | (uint32_t)h[1] << 16 |
	    (uint32_t)h[2] << 8 | h[3];
	return (int)(v % 10000) < pg->holdout;
}

/*
 * The window of a tier: from the day after the same date `months`
 * months before (a day past the month's end counts as its last day).
 */
int64_t
programme_window(int64_t day, int months)
{
	int y, m, d, dim;
	int64_t mi, first;

	civil_from_days(day, &y, &m, &d);
	mi = (int64_t)y * 12 + (m - 1) - months;
	first = days_from_civil((int)(mi / 12), (int)(mi % 12) + 1, 1);
	dim = (int)(days_from_civil((int)((mi + 1) / 12),
	    (int)((mi + 1) % 12) + 1, 1) - first);
	return first + (d < dim ? d : dim);
}

int
programme_load(const char *path, struct programme *pg)
{
	struct buf err = { 0 };
	FILE *fp;
	int rc;

	if ((fp = fopen(path, "r")) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", crm_prog, path,
		    strerror(errno));
		return -1;
	}
	rc = programme_read(fp, path, pg, &err);
	fclose(fp);
	if (rc != 0)
		fprintf(stderr, "%s", err.s);
	buf_free(&err);
	return rc;
}
