/*
 * killshim.c: an LD_PRELOAD shim for the kill tests.  It counts the
 * calls that change a store's files on disk (write, pwrite, pwrite64,
 * fsync, fdatasync, ftruncate, unlink) on the store named by
 * CRM_KILL_DB and its -wal, -shm and -journal files, and at the Nth
 * (CRM_KILL_AT=N) kills its own process with SIGKILL before the call
 * happens: the disk then holds every earlier write and none from N on,
 * which is what a kill -9 (or a crash of the program) at that moment
 * leaves.  With CRM_KILL_LOG set, each counted call is appended to that
 * file as "N call file" so a test can count them and find the commit
 * and the checkpoint among them.
 *
 *	cc -shared -fPIC -o killshim.so killshim.c -ldl
 *	CRM_KILL_DB=s.db CRM_KILL_LOG=calls LD_PRELOAD=./killshim.so cmd
 *	CRM_KILL_DB=s.db CRM_KILL_AT=17 LD_PRELOAD=./killshim.so cmd
 *
 * Writes through memory maps (SQLite's -shm) are not system calls and
 * are not counted; what they hold is rebuilt from the WAL on recovery.
 */
#define _GNU_SOURCE
#include <sys/types.h>

#include <dlfcn.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *const suffix[] = { "", "-wal", "-shm", "-journal" };

static unsigned long calls;

/* 1 when name (a path) is the store or one of its companion files. */
static int
is_store(const char *name)
{
	const char *db = getenv("CRM_KILL_DB"), *base, *nb;
	size_t blen, i;

	if (db == NULL || name == NULL)
		return 0;
	base = strrchr(db, '/') ? strrchr(db, '/') + 1 : db;
	nb = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
	blen = strlen(base);
	if (strncmp(nb, base, blen) != 0)
		return 0;
	for (i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++)
		if (strcmp(nb + blen, suffix[i]) == 0)
			return 1;
	return 0;
}

static int
fd_is_store(int fd, char *name, size_t n)
{
	char link[64];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, name, n - 1);
	if (len < 0)
		return 0;
	name[len] = '\0';
	return is_store(name);
}

/* Counts a call on file name; logs it, or dies at the chosen call. */
static void
count(const char *call, const char *name)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	const char *at = getenv("CRM_KILL_AT"), *log = getenv("CRM_KILL_LOG");
	unsigned long n;
	char line[PATH_MAX + 64];
	int fd, len;

	n = __atomic_add_fetch(&calls, 1, __ATOMIC_SEQ_CST);
	if (at != NULL && strtoul(at, NULL, 10) == n)
		kill(getpid(), SIGKILL);
	if (log == NULL)
		return;
	if (real_write == NULL)
		real_write = (ssize_t (*)(int, const void *, size_t))
		    dlsym(RTLD_NEXT, "write");
	len = snprintf(line, sizeof(line), "%lu %s %s\n", n, call,
	    strrchr(name, '/') ? strrchr(name, '/') + 1 : name);
	if ((fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0600)) >= 0) {
		real_write(fd, line, (size_t)len);
		close(fd);
	}
}

#define NEXT(name)	dlsym(RTLD_NEXT, name)

#define FD_CALL(ret, fn, params, args)					\
ret fn params;								\
ret fn params								\
{									\
	static ret (*real) params;					\
	char name[PATH_MAX];						\
									\
	if (real == NULL)						\
		*(void **)&real = NEXT(#fn);				\
	if (fd_is_store(fd, name, sizeof(name)))			\
		count(#fn, name);					\
	return real args;						\
}

FD_CALL(ssize_t, write, (int fd, const void *p, size_t n), (fd, p, n))
FD_CALL(ssize_t, pwrite, (int fd, const void *p, size_t n, off_t o),
    (fd, p, n, o))
FD_CALL(ssize_t, pwrite64, (int fd, const void *p, size_t n, off64_t o),
    (fd, p, n, o))
FD_CALL(int, fsync, (int fd), (fd))
FD_CALL(int, fdatasync, (int fd), (fd))
FD_CALL(int, ftruncate, (int fd, off_t len), (fd, len))
FD_CALL(int, ftruncate64, (int fd, off64_t len), (fd, len))

int unlink(const char *path);
int
unlink(const char *path)
{
	static int (*real)(const char *);

	if (real == NULL)
		*(void **)&real = NEXT("unlink");
	if (is_store(path))
		count("unlink", path);
	return real(path);
}
