/*
 * import.h: crm-import's engine, as its command calls it.  A run opens
 * the store, begins one transaction, imports files (or explains, splits
 * or links customers) and commits, or rolls everything back.
 */
#ifndef IMPORT_IMPORT_H
#define IMPORT_IMPORT_H

#include <stdint.h>
#include <stdio.h>

struct csvr;
struct format;
struct run;

/* What the options say; the caller keeps these alive for the run. */
struct import_opts {
	const char *channel;		/* --channel, or NULL */
	const char *kind;		/* --kind, or NULL */
	struct format *format;		/* --format or --format-file, or NULL */
	struct format *overrides;	/* --map and --map-file */
	FILE	*rejects;		/* --skip-bad, or NULL */
	int	 dmy;			/* --dmy */
	int	 quiet;			/* -q */
	int	 no_merge;		/* --no-merge */
	int	 blanks;		/* --blanks */
	const char *currency;		/* --currency, or NULL */
	const char *sheet;		/* --sheet, or NULL */
};

/*
 * An input, made ready before the store is opened (input.c): a pipe or
 * a fifo is copied to a temporary file first.
 */
struct import_input {
	const char *path;		/* "-": stdin */
	int	 fd;			/* the copy, or -1: read path */
};

/* Opens path, copying a pipe; 0, or -1 after saying why. */
int	 import_input_open(struct import_input *in, const char *path);
/* The reader of in (csvr_open); its copy is taken. */
struct csvr *import_input_reader(struct import_input *in, int delim,
	    const char *enc);
void	 import_input_close(struct import_input *in);
/*
 * The --skip-bad file: a temporary file beside target (*tmp its name),
 * made 0600; synced before the commit, renamed over target after it, or
 * removed when the run fails (keep 0).
 */
FILE	*import_rejects_open(const char *target, char **tmp);
int	 import_rejects_sync(FILE *fp, const char *target);
int	 import_rejects_close(FILE *fp, char *tmp, const char *target,
	    int keep);

/* Opens the store; NULL (after saying why) when it cannot. */
struct run *import_open(const char *db, const struct import_opts *o);
/* Begins the transaction, settles the zone, prepares the statements. */
int	 import_begin(struct run *r, const char *tz);
/* One input with delimiter delim in encoding enc or NULL. */
int	 import_file(struct run *r, struct import_input *in, int delim,
	    const char *enc);
/* Writes why customer id's records are one customer, as CSV. */
int	 import_explain(struct run *r, int64_t id, FILE *out);
int	 import_split(struct run *r, int64_t id);
int	 import_link(struct run *r, int64_t a, int64_t b);
/* Computes the aggregates and commits: 0, or -1. */
int	 import_commit(struct run *r);
/* Rolls back what is not committed when rollback is set; frees r. */
void	 import_close(struct run *r, int rollback);

#endif
