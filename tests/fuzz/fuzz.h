/*
 * fuzz.h: what the fuzzers share.  Each fuzz_*.c defines its entry point
 * under the name FUZZ_NAME, which is LLVMFuzzerTestOneInput unless the
 * includer says otherwise; tests/unit/fuzz_regress_test.c includes all of
 * them under other names to replay tests/fuzz/regress without libFuzzer.
 */
#ifndef FUZZ_H
#define FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crm.h"

/* A broken invariant is a crash, so that libFuzzer saves the input. */
#define FUZZ_ASSERT(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: invariant failed: %s\n",	\
		    __FILE__, __LINE__, #cond);				\
		abort();						\
	}								\
} while (0)

/* Returns a NUL-terminated copy of the input (which may hold NULs). */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = xmalloc(size + 1);

	memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Sets the shop's zone once, as every command does. */
static inline void
fuzz_zone(void)
{
	static int done;

	if (!done) {
		FUZZ_ASSERT(tz_set("Asia/Taipei") == 0);
		done = 1;
	}
}

#endif /* FUZZ_H */
