/*
 * fuzz_segexpr.c: arbitrary text as a crm-segment expression.  A mistake
 * must come back as three lines (message, expression, caret) with the
 * caret within the expression's width; an expression that compiles must
 * become SQL that SQLite accepts and runs on a small store, as of two
 * days (fuzz_segexpr_run in fuzz.h).  Run it with
 * `sh tools/fuzz.sh segexpr`.
 */
#include "fuzz.h"

#ifndef FUZZ_NAME
#define FUZZ_NAME LLVMFuzzerTestOneInput
#endif

int	FUZZ_NAME(const uint8_t *, size_t);

int
FUZZ_NAME(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size);

	fuzz_segexpr_run(s);
	free(s);
	return 0;
}
