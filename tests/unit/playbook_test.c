/*
 * playbook_test.c: the playbook file reader, and the coupon code and
 * holdout hashes against values worked out with another SHA-256
 * (Python's hashlib and sha256sum).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"
#include "playbook/playbook.h"
#include "unit.h"

/* Reads text as a playbook named "t.pb"; returns playbook_read's code. */
static int
parse(const char *text, struct playbook *pb, struct buf *err)
{
	FILE *fp = fmemopen((void *)text, strlen(text), "r");
	int rc;

	if (fp == NULL)
		return -2;
	rc = playbook_read(fp, "t.pb", pb, err);
	fclose(fp);
	return rc;
}

/* The error text for a playbook that must fail, or "(parsed)". */
static const char *
error_of(const char *text)
{
	static struct buf err;
	struct playbook pb;

	if (parse(text, &pb, &err) == 0) {
		playbook_free(&pb);
		return "(parsed)";
	}
	return err.s;
}

/*
 * Checks that the error text of a failing playbook holds want as one of
 * its lines (the reader reports every mistake, one a line).
 */
#define CHECK_ERR(text, want) \
	CHECK_STR(error_line(text, want), want)

static const char *
error_line(const char *text, const char *want)
{
	const char *all = error_of(text), *p;
	size_t n = strlen(want);

	for (p = all; p != NULL; p = strchr(p, '\n'), p = p ? p + 1 : p)
		if (strncmp(p, want, n) == 0 && (p[n] == '\n' ||
		    p[n] == '\0'))
			return want;
	return all;
}

static void
test_full(void)
{
	const char *text =
	    "# a comment\n"
	    "playbook shop-1   # trailing comment\n"
	    "cap 7\n"
	    "seed 42\n"
	    "measure 21\n"
	    "\n"
	    "step thanks\n"
	    "\taudience new, active\n"
	    "\ttrigger 3 days after first purchase\n"
	    "\ttemplate thanks-1\n"
	    "\tcoupon SECOND\n"
	    "\tthreshold 1,000.50\n"
	    "\tdiscount 200\n"
	    "\tvalid 30\n"
	    "\tpriority -5\n"
	    "\tholdout 12.5%\n"
	    "\tvia sms\n"
	    "step bday\n"
	    "  audience everyone\n"
	    "  trigger 1 day before birthday\n"
	    "  template b\n"
	    "  coupon BDAY\n"
	    "  discount 15%\n"
	    "  valid 10\n"
	    "step seg\n"
	    "  audience segment tag = '#vip' and spent > 100 # why\n"
	    "  trigger from 2024-12-01 to 2024-12-24\n"
	    "  template s\n"
	    "step nth\n"
	    "  audience purchased\n"
	    "  trigger 14 days after 3rd purchase\n"
	    "  template n\n"
	    "step misc\n"
	    "  audience potential,lost\n"
	    "  trigger 0 days after joining\n"
	    "  template m\n";
	struct playbook pb;
	struct buf err = { 0 };
	const struct pb_step *s;

	CHECK_INT(parse(text, &pb, &err), 0);
	if (err.s != NULL)
		printf("# %s\n", err.s);
	CHECK_STR(pb.name, "shop-1");
	CHECK_INT(pb.cap, 7);
	CHECK_INT(pb.seed, 42);
	CHECK_INT(pb.measure, 21);
	CHECK_INT(pb.nsteps, 5);
	s = playbook_step(&pb, "thanks");
	CHECK(s != NULL);
	if (s == NULL)
		return;
	CHECK_INT(s->line, 7);
	CHECK_INT(s->aud, AUD_STAGES);
	CHECK_INT(s->stages, STAGE_NEW | STAGE_ACTIVE);
	CHECK_STR(s->audience, "new, active");
	CHECK_INT(s->aud_line, 8);
	CHECK_INT(s->trig, TRIG_FIRST);
	CHECK_INT(s->days, 3);
	CHECK_STR(s->template, "thanks-1");
	CHECK_STR(s->coupon, "SECOND");
	CHECK_INT(s->threshold, 100050);
	CHECK_INT(s->discount, 20000);
	CHECK_INT(s->discount_pct, 0);
	CHECK_INT(s->valid, 30);
	CHECK_INT(s->priority, -5);
	CHECK_INT(s->holdout, 1250);
	CHECK_INT(s->via, VIA_SMS);
	s = playbook_step(&pb, "bday");
	CHECK_INT(s->aud, AUD_EVERYONE);
	CHECK_INT(s->trig, TRIG_BIRTHDAY);
	CHECK_INT(s->days, 1);
	CHECK_INT(s->discount_pct, 15);
	CHECK_INT(s->threshold, 0);
	CHECK_INT(s->holdout, 0);
	CHECK_INT(s->via, VIA_ANY);
	s = playbook_step(&pb, "seg");
	CHECK_INT(s->aud, AUD_SEGMENT);
	CHECK_STR(s->segment, "tag = '#vip' and spent > 100");
	CHECK_INT(s->trig, TRIG_WINDOW);
	CHECK_INT(s->from, days_from_civil(2024, 12, 1));
	CHECK_INT(s->to, days_from_civil(2024, 12, 24));
	s = playbook_step(&pb, "nth");
	CHECK_INT(s->trig, TRIG_NTH);
	CHECK_INT(s->nth, 3);
	CHECK_INT(s->days, 14);
	CHECK_INT(s->stages, STAGE_PURCHASED);
	s = playbook_step(&pb, "misc");
	CHECK_INT(s->trig, TRIG_JOINED);
	CHECK_INT(s->stages, STAGE_POTENTIAL | STAGE_LOST);
	CHECK(playbook_step(&pb, "nope") == NULL);
	playbook_free(&pb);
	buf_free(&err);
}

#define HEAD "playbook p\ncap 3\n"
#define STEP "step s\naudience new\ntrigger 1 day after purchase\ntemplate t\n"

static void
test_errors(void)
{
	CHECK_STR(error_of(""), "t.pb:1: no steps (open one with 'step NAME')");
	CHECK_STR(error_of(HEAD STEP "size 3\n"), "t.pb:7: unknown key 'size'");
	CHECK_STR(error_of(HEAD STEP "audience\n"),
	    "t.pb:7: 'audience' wants a value");
	CHECK_STR(error_of("cap 3\n" STEP),
	    "t.pb:2: no 'playbook NAME' line before the first step");
	CHECK_ERR(("playbook a b\n"),
	    "t.pb:1: bad playbook name 'a b' (letters, digits, '.', '_' and "
	    "'-')");
	CHECK_ERR(("playbook p\ncap 0\n"),
	    "t.pb:2: 'cap' wants a whole number from 1 to 3650, not '0'");
	CHECK_ERR(("playbook p\nplaybook q\n"),
	    "t.pb:2: 'playbook' again (first on line 1)");
	CHECK_STR(error_of(HEAD "step s\naudience new\ntemplate t\n"),
	    "t.pb:3: step 's' has no 'trigger'");
	CHECK_STR(error_of(HEAD "step s\ntrigger 1 day after purchase\n"
	    "template t\n"), "t.pb:3: step 's' has no 'audience'");
	CHECK_STR(error_of(HEAD STEP "coupon lower\n"),
	    "t.pb:7: bad coupon prefix 'lower' (1 to 32 capital letters and "
	    "digits)");
	CHECK_STR(error_of(HEAD STEP "coupon X\nvalid 3\n"),
	    "t.pb:7: coupon 'X' has no 'discount'");
	CHECK_STR(error_of(HEAD STEP "coupon X\nvalid 3\ndiscount 0\n"),
	    "t.pb:9: the discount must be above 0");
	CHECK_STR(error_of(HEAD STEP "coupon X\nvalid 3\ndiscount 100%\n"),
	    "t.pb:9: bad discount '100%' (want an amount, or a whole percent "
	    "from 1% to 99%)");
	CHECK_STR(error_of(HEAD STEP "coupon X\nvalid 3\ndiscount 1.5%\n"),
	    "t.pb:9: bad discount '1.5%' (want an amount, or a whole percent "
	    "from 1% to 99%)");
	CHECK_STR(error_of(HEAD STEP "coupon X\nvalid 3\ndiscount abc\n"),
	    "t.pb:9: bad discount 'abc': not an amount");
	CHECK_STR(error_of(HEAD STEP "holdout 101%\n"),
	    "t.pb:7: bad holdout '101%' (want a percent from 0% to 100%, "
	    "like 10%)");
	CHECK_STR(error_of(HEAD STEP "holdout 1.234%\n"),
	    "t.pb:7: bad holdout '1.234%' (want a percent from 0% to 100%, "
	    "like 10%)");
	CHECK_STR(error_of(HEAD STEP "via fax\n"),
	    "t.pb:7: bad via 'fax' (want email, sms or any)");
	CHECK_STR(error_of(HEAD STEP "template two words\n"),
	    "t.pb:7: 'template' again in step 's' (first on line 6)");
	CHECK_ERR((HEAD "step s\ntemplate two words\n"),
	    "t.pb:4: bad template id 'two words' (one word)");
	CHECK_ERR((HEAD "step s\ntrigger from 2024-03-02 to "
	    "2024-03-01\n"), "t.pb:4: the window ends (2024-03-01) before it "
	    "starts (2024-03-02)");
	CHECK_ERR((HEAD "step s\ntrigger 3651 days after purchase\n"),
	    "t.pb:4: bad number of days '3651' (want 0 to 3650)");
	CHECK_ERR((HEAD "step s\ntrigger 3 days before purchase\n"),
	    "t.pb:4: bad trigger '3 days before purchase' (want 'N days after "
	    "first purchase', 'N days after purchase', 'N days after 2nd "
	    "purchase', 'N days after cycle', 'N days after lost', 'N days "
	    "after joining', 'N days before birthday', 'p_alive falls below "
	    "P', 'points lapse within N', 'tier reached', 'tier lost within "
	    "N' or 'from YYYY-MM-DD to YYYY-MM-DD')");
	CHECK_ERR((HEAD "step s\ntrigger tier reached\n"),
	    "t.pb:4: 'tier reached' needs a 'programme FILE' line before the "
	    "first step");
	CHECK_ERR((HEAD "programme p.programme\nstep s\ntrigger tier lost "
	    "within 0\n"), "t.pb:5: bad number of days '0' (want 1 to 3650)");
	CHECK_ERR((HEAD "step s\ntrigger tier lost within 30\n"),
	    "t.pb:4: 'tier lost within' needs a 'programme FILE' line before "
	    "the first step");
	CHECK_ERR((HEAD "step s\ntrigger tier reached soon\n"),
	    "t.pb:4: bad trigger 'tier reached soon' (want 'N days after "
	    "first purchase', 'N days after purchase', 'N days after 2nd "
	    "purchase', 'N days after cycle', 'N days after lost', 'N days "
	    "after joining', 'N days before birthday', 'p_alive falls below "
	    "P', 'points lapse within N', 'tier reached', 'tier lost within "
	    "N' or 'from YYYY-MM-DD to YYYY-MM-DD')");
	CHECK_ERR((HEAD "step s\ntrigger p_alive falls below 0\n"),
	    "t.pb:4: bad level '0' (want a number between 0 and 1, e.g. 0.3)");
	CHECK_ERR((HEAD "step s\ntrigger p_alive falls below 0.3x\n"),
	    "t.pb:4: bad level '0.3x' (want a number between 0 and 1, e.g. "
	    "0.3)");
	CHECK_ERR((HEAD "step s\ntrigger 3 days after 11st purchase\n"),
	    "t.pb:4: bad ordinal '11st' (want 2nd, 3rd, 4th, ...)");
	CHECK_ERR((HEAD "step s\naudience segment\n"),
	    "t.pb:4: 'audience segment' wants a crm-segment expression");
	CHECK_ERR((HEAD "step a/b\n"),
	    "t.pb:3: bad step name 'a/b' (letters, digits, '.', '_' and '-')");
	CHECK_STR(error_of(HEAD STEP "measure 3\n"),
	    "t.pb:7: 'measure' belongs before the first step");
	CHECK_ERR((HEAD "step s\naudience new\xff\n"),
	    "t.pb:4: not UTF-8");
	/* Every mistake, in the order of the lines. */
	CHECK_STR(error_of("cap 3\nstep a/b\ntrigger soon\nstep c\n"
	    "audience new\ntrigger 1 day after purchase\ntemplate t\n"
	    "coupon X\ndiscount 5\nvia fax\nstep c\n"),
	    "t.pb:2: no 'playbook NAME' line before the first step\n"
	    "t.pb:2: bad step name 'a/b' (letters, digits, '.', '_' and '-')\n"
	    "t.pb:2: step 'a/b' has no 'audience'\n"
	    "t.pb:2: step 'a/b' has no 'template'\n"
	    "t.pb:3: bad trigger 'soon' (want 'N days after first purchase', "
	    "'N days after purchase', 'N days after 2nd purchase', 'N days "
	    "after cycle', 'N days after lost', 'N days after joining', 'N "
	    "days before birthday', 'p_alive falls below P', 'points lapse "
	    "within N', 'tier reached', 'tier lost within N' or 'from "
	    "YYYY-MM-DD to YYYY-MM-DD')\n"
	    "t.pb:8: coupon 'X' has no 'valid' (days the code stays valid)\n"
	    "t.pb:10: bad via 'fax' (want email, sms or any)\n"
	    "t.pb:11: step 'c' again (first on line 4)\n"
	    "t.pb:11: step 'c' has no 'audience'\n"
	    "t.pb:11: step 'c' has no 'trigger'\n"
	    "t.pb:11: step 'c' has no 'template'");
	CHECK_STR(error_of(HEAD STEP), "(parsed)");
	CHECK_STR(error_of("\xef\xbb\xbf" HEAD "\r\n" STEP), "(parsed)");
	CHECK_STR(error_of(HEAD "step s\naudience new\ntrigger 2 days after "
	    "11th purchase\ntemplate t\n"), "(parsed)");
}

static void
test_hashes(void)
{
	struct playbook pb;
	struct pb_step s;
	char code[PB_CODE_MAX];

	memset(&pb, 0, sizeof(pb));
	memset(&s, 0, sizeof(s));
	/* python3: sha256(b"13\0timeline\0thanks\0002\0002024-03-04\0") */
	pb.name = "timeline";
	pb.seed = 13;
	s.name = "thanks";
	s.coupon = "SECOND";
	playbook_code(&pb, &s, 2, days_from_civil(2024, 3, 4), code);
	CHECK_STR(code, "SECOND-5AH3AD7D7B");
	pb.name = "p";
	pb.seed = 0;
	s.name = "s";
	s.coupon = "X";
	playbook_code(&pb, &s, 42, days_from_civil(2026, 1, 31), code);
	CHECK_STR(code, "X-E36YTVYKK7");
	/* The same inputs, the same code; another day, another code. */
	playbook_code(&pb, &s, 42, days_from_civil(2026, 2, 1), code);
	CHECK(strcmp(code, "X-E36YTVYKK7") != 0);
	CHECK_INT(strlen(code), 2 + PB_CODE_LEN);

	/* sha256sum of "7\0timeline\0thanks\0001\0": 5424 of 10000. */
	pb.name = "timeline";
	pb.seed = 7;
	s.name = "thanks";
	s.holdout = 5425;
	CHECK_INT(playbook_holdout(&pb, &s, 1), 1);
	s.holdout = 5424;
	CHECK_INT(playbook_holdout(&pb, &s, 1), 0);
	s.holdout = 0;
	CHECK_INT(playbook_holdout(&pb, &s, 1), 0);
	s.holdout = 10000;
	CHECK_INT(playbook_holdout(&pb, &s, 1), 1);
}

/*
 * Variants: each takes the step's template and coupon terms unless it
 * sets its own, and the draw (sha256sum of "42\0shop-1\0ab\0N\0variant\0",
 * the first four bytes mod 10000) falls in the shares laid end to end:
 * A [0, 2000), B [2000, 7000), C [7000, 10000).
 */
static void
test_variants(void)
{
	const char *text =
	    "playbook shop-1\n"
	    "cap 1\n"
	    "seed 42\n"
	    "step ab\n"
	    "  audience new\n"
	    "  trigger 3 days after purchase\n"
	    "  template t\n"
	    "  coupon AB\n"
	    "  threshold 1000\n"
	    "  discount 200\n"
	    "  valid 10\n"
	    "  variant A 20% template t2\n"
	    "  variant B 50% threshold 500\n"
	    "  variant C 30% discount 10%\n";
	static const struct {
		int64_t customer;
		int draw;		/* worked out with sha256sum */
		size_t want;
	} draws[] = {
		{ 1, 1638, 0 }, { 8, 260, 0 }, { 2, 6872, 1 }, { 3, 5831, 1 },
		{ 4, 8733, 2 }, { 5, 9801, 2 },
	};
	struct playbook pb;
	struct buf err = { 0 };
	const struct pb_step *s;
	size_t i;

	CHECK_INT(parse(text, &pb, &err), 0);
	if (err.s != NULL)
		printf("# %s\n", err.s);
	if ((s = playbook_step(&pb, "ab")) == NULL || s->nvariants != 3) {
		CHECK(0);
		return;
	}
	CHECK_STR(s->variants[0].name, "A");
	CHECK_INT(s->variants[0].share, 2000);
	CHECK_INT(s->variants[0].line, 12);
	CHECK_STR(s->variants[0].template, "t2");
	CHECK_INT(s->variants[0].threshold, 100000);
	CHECK_INT(s->variants[0].discount, 20000);
	CHECK_STR(s->variants[1].template, "t");
	CHECK_INT(s->variants[1].threshold, 50000);
	CHECK_INT(s->variants[1].discount, 20000);
	CHECK_INT(s->variants[2].threshold, 100000);
	CHECK_INT(s->variants[2].discount, 0);
	CHECK_INT(s->variants[2].discount_pct, 10);
	for (i = 0; i < sizeof(draws) / sizeof(draws[0]); i++)
		CHECK_INT(playbook_variant(&pb, s, draws[i].customer),
		    draws[i].want);
	playbook_free(&pb);
	CHECK_STR(error_of("playbook p\ncap 1\nstep s\n audience new\n"
	    " trigger 1 day after purchase\n template t\n variant A\n"),
	    "t.pb:7: bad variant 'A' (want 'variant NAME SHARE%', then any "
	    "of 'template ID', 'threshold AMOUNT', 'discount AMOUNT|PCT%')");
	CHECK_STR(error_of("playbook p\ncap 1\nstep s\n audience new\n"
	    " trigger 1 day after purchase\n template t\n variant A 0%\n"),
	    "t.pb:7: bad variant share '0%' (want a percent above 0%, like "
	    "50%)");
	CHECK_STR(error_of("playbook p\ncap 1\nstep s\n audience new\n"
	    " trigger 1 day after purchase\n template t\n"
	    " variant A 50% colour red\n variant B 50%\n"),
	    "t.pb:7: unknown variant key 'colour' (want template, threshold "
	    "or discount)");
	CHECK_STR(error_of("playbook p\ncap 1\nstep s\n audience new\n"
	    " trigger 1 day after purchase\n template t\n coupon X\n"
	    " threshold 500\n discount 100\n valid 5\n"
	    " variant A 50% discount 600\n variant B 50%\n"),
	    "t.pb:11: variant 'A': the discount is not below the threshold");
}

int
main(void)
{
	test_full();
	test_errors();
	test_hashes();
	test_variants();
	return unit_done();
}
