/*
 * unit.h: the unit tests' few macros.  A test program calls CHECK and
 * friends and ends with `return unit_done();`, which prints the closing
 * line 'N passed, N failed'.
 */
#ifndef UNIT_H
#define UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_pass, unit_fail;

#define CHECK(cond) do {						\
	if (cond)							\
		unit_pass++;						\
	else {								\
		unit_fail++;						\
		printf("not ok %s:%d: %s\n", __FILE__, __LINE__, #cond);\
	}								\
} while (0)

#define CHECK_STR(got, want) do {					\
	const char *g_ = (got), *w_ = (want);				\
	if (g_ != NULL && strcmp(g_, w_) == 0)				\
		unit_pass++;						\
	else {								\
		unit_fail++;						\
		printf("not ok %s:%d: got '%s', want '%s'\n", __FILE__,	\
		    __LINE__, g_ ? g_ : "(null)", w_);			\
	}								\
} while (0)

#define CHECK_INT(got, want) do {					\
	long long g_ = (long long)(got), w_ = (long long)(want);	\
	if (g_ == w_)							\
		unit_pass++;						\
	else {								\
		unit_fail++;						\
		printf("not ok %s:%d: %s = %lld, want %lld\n", __FILE__,	\
		    __LINE__, #got, g_, w_);				\
	}								\
} while (0)

static int
unit_done(void)
{
	printf("%d passed, %d failed\n", unit_pass, unit_fail);
	return unit_fail != 0;
}

#endif
