/*
 * fuzz_playbook.c: arbitrary text through playbook_read.  Checks that a
 * playbook is either read whole (a name, a cap, steps that each have an
 * audience, a trigger and a template, coupons with a discount and a
 * validity) or refused with messages "fuzz.pb:LINE: message", the first
 * on a line inside the input; and that reading it twice gives the same
 * answer.  A segment audience then goes through the expression compiler
 * and runs on a small store, as crm-playbook check and run do with it.
 * Run it with `sh tools/fuzz.sh playbook`.
 */
#include "fuzz.h"
#include "playbook/playbook.h"

#ifndef FUZZ_NAME
#define FUZZ_NAME LLVMFuzzerTestOneInput
#endif

int	FUZZ_NAME(const uint8_t *, size_t);

/* Reads data as a playbook; returns playbook_read's answer. */
static int
fpb_read(const uint8_t *data, size_t size, struct playbook *pb,
    struct buf *err)
{
	FILE *fp;
	int rc;

	if (size == 0)
		fp = fopen("/dev/null", "r");
	else
		fp = fmemopen((void *)data, size, "r");
	FUZZ_ASSERT(fp != NULL);
	rc = playbook_read(fp, "fuzz.pb", pb, err);
	fclose(fp);
	return rc;
}

int
FUZZ_NAME(const uint8_t *data, size_t size)
{
	struct playbook pb, again;
	struct buf err = { 0 }, err2 = { 0 };
	size_t i, lines = 1;
	long line;
	char *end;
	int rc;

	for (i = 0; i < size; i++)
		if (data[i] == '\n')
			lines++;
	rc = fpb_read(data, size, &pb, &err);
	FUZZ_ASSERT(fpb_read(data, size, &again, &err2) == rc);
	if (rc != 0) {
		FUZZ_ASSERT(err.s != NULL &&
		    strncmp(err.s, "fuzz.pb:", 8) == 0);
		line = strtol(err.s + 8, &end, 10);
		FUZZ_ASSERT(line >= 1 && (size_t)line <= lines);
		FUZZ_ASSERT(strncmp(end, ": ", 2) == 0 && end[2] != '\0');
		FUZZ_ASSERT(strcmp(err.s, err2.s) == 0);
	} else {
		FUZZ_ASSERT(pb.name != NULL && pb.cap >= 1);
		FUZZ_ASSERT(pb.nsteps >= 1 && pb.nsteps == again.nsteps);
		for (i = 0; i < pb.nsteps; i++) {
			const struct pb_step *s = &pb.steps[i];

			FUZZ_ASSERT(s->name != NULL && s->template != NULL);
			FUZZ_ASSERT(s->audience != NULL);
			FUZZ_ASSERT(playbook_step(&pb, s->name) == s);
			FUZZ_ASSERT(s->aud != AUD_SEGMENT || s->segment != NULL);
			if (s->aud == AUD_SEGMENT)
				(void)fuzz_segexpr_run(s->segment);
			FUZZ_ASSERT(s->aud != AUD_STAGES || s->stages != 0);
			FUZZ_ASSERT(s->holdout >= 0 && s->holdout <= 10000);
			FUZZ_ASSERT(s->trig != TRIG_WINDOW || s->from <= s->to);
			if (s->coupon != NULL) {
				FUZZ_ASSERT(s->valid >= 1);
				FUZZ_ASSERT(s->discount > 0 ||
				    (s->discount_pct >= 1 &&
				    s->discount_pct <= 99));
			}
		}
		playbook_free(&again);
		playbook_free(&pb);
	}
	buf_free(&err);
	buf_free(&err2);
	return 0;
}
