/*
 * fuzz_regress_test.c: replays every input in tests/fuzz/regress/NAME
 * (inputs that once crashed a fuzzer or broke one of its invariants) and
 * the seeds in tests/fuzz/corpus/NAME through the fuzzers' own code,
 * without libFuzzer, so that what was fixed stays fixed.  Each input runs
 * in a child process, so one crash is reported with its file name and the
 * rest still run.  Run from the top of the tree, as tests/run.sh does.
 */
#include <sys/types.h>
#include <sys/wait.h>

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"

#define FUZZ_NAME fuzz_csv
#include "../fuzz/fuzz_csv.c"
#undef FUZZ_NAME
#define FUZZ_NAME fuzz_date
#include "../fuzz/fuzz_date.c"
#undef FUZZ_NAME
#define FUZZ_NAME fuzz_money
#include "../fuzz/fuzz_money.c"
#undef FUZZ_NAME
#define FUZZ_NAME fuzz_phone
#include "../fuzz/fuzz_phone.c"
#undef FUZZ_NAME
#define FUZZ_NAME fuzz_playbook
#include "../fuzz/fuzz_playbook.c"
#undef FUZZ_NAME
#define FUZZ_NAME fuzz_segexpr
#include "../fuzz/fuzz_segexpr.c"
#undef FUZZ_NAME

static const struct {
	const char *name;
	int	  (*fn)(const uint8_t *, size_t);
} fuzzers[] = {
	{ "csv", fuzz_csv },
	{ "date", fuzz_date },
	{ "money", fuzz_money },
	{ "phone", fuzz_phone },
	{ "playbook", fuzz_playbook },
	{ "segexpr", fuzz_segexpr },
};

/* Reads the whole file at path into a fresh buffer; NULL on error. */
static uint8_t *
slurp(const char *path, size_t *n)
{
	struct buf b = { 0 };
	char chunk[8192];
	size_t k;
	FILE *fp;

	if ((fp = fopen(path, "rb")) == NULL)
		return NULL;
	buf_add(&b, "", 0);
	while ((k = fread(chunk, 1, sizeof(chunk), fp)) > 0)
		buf_add(&b, chunk, k);
	fclose(fp);
	*n = b.len;
	return (uint8_t *)b.s;
}

/* Runs fn on the file at path in a child; returns 0 if it came back. */
static int
replay(int (*fn)(const uint8_t *, size_t), const char *path)
{
	uint8_t *data;
	size_t n;
	pid_t pid;
	int status;

	fflush(stdout);
	if ((pid = fork()) == -1) {
		perror("fork");
		return -1;
	}
	if (pid == 0) {
		if ((data = slurp(path, &n)) == NULL) {
			perror(path);
			exit(3);
		}
		fn(data, n);
		free(data);
		exit(0);	/* exit, not _exit: LeakSanitizer runs */
	}
	if (waitpid(pid, &status, 0) == -1) {
		perror("waitpid");
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFSIGNALED(status))
		printf("not ok %s: killed by signal %d\n", path,
		    WTERMSIG(status));
	else
		printf("not ok %s: exit %d\n", path, WEXITSTATUS(status));
	return -1;
}

/* Replays every file in dir through fn; returns how many there were. */
static int
replay_dir(int (*fn)(const uint8_t *, size_t), const char *dir)
{
	struct dirent *de;
	char path[1024];
	DIR *d;
	int n = 0;

	if ((d = opendir(dir)) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (replay(fn, path) == 0) {
			unit_pass++;
			printf("ok %s\n", path);
		} else
			unit_fail++;
		n++;
	}
	closedir(d);
	return n;
}

int
main(void)
{
	char dir[256];
	size_t i;
	int n;

	if (access("tests/fuzz", F_OK) != 0) {
		printf("not ok: no tests/fuzz here; run from the top of the "
		    "tree\n");
		unit_fail++;
		return unit_done();
	}
	for (i = 0; i < sizeof(fuzzers) / sizeof(fuzzers[0]); i++) {
		snprintf(dir, sizeof(dir), "tests/fuzz/regress/%s",
		    fuzzers[i].name);
		n = replay_dir(fuzzers[i].fn, dir);
		snprintf(dir, sizeof(dir), "tests/fuzz/corpus/%s",
		    fuzzers[i].name);
		n += replay_dir(fuzzers[i].fn, dir);
		/* Every fuzzer has seeds: none found means a broken tree. */
		CHECK(n > 0);
	}
	return unit_done();
}
