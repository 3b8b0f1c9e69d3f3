/*
 * importer.c: one run of crm-import: opens the store, reads each file
 * (its header, then row by row, with progress on a terminal), writes bad
 * rows to the rejects file with --skip-bad, and prints the summary.
 */
#include <sys/types.h>

#include <err.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "crm.h"
#include "import/columns.h"
#include "import/import.h"
#include "import/rows.h"
#include "import/run.h"
#include "import/write.h"

static void
reject(struct run *r, long line, const char *field, const char *why)
{
	size_t i;

	r->rejected++;
	fprintf(r->rejects, "%s,%ld,", csvr_name(r->in), line);
	csv_put(r->rejects, ',', field);
	putc(',', r->rejects);
	csv_put(r->rejects, ',', why);
	for (i = 0; i < row_nfields(r); i++) {
		putc(',', r->rejects);
		csv_putn(r->rejects, ',', row_field(r, i), row_fieldlen(r, i));
	}
	putc('\n', r->rejects);
}

static void
progress(struct run *r, int done)
{
	time_t now;
	off_t size = csvr_size(r->in);

	if (!r->progress || r->quiet)
		return;
	if (done) {
		fprintf(stderr, "\r\033[K");
		return;
	}
	if ((now = time(NULL)) == r->last_progress)
		return;
	r->last_progress = now;
	if (size > 0)
		fprintf(stderr, "\r%s: %s: %3d%% %ld rows", crm_prog,
		    csvr_name(r->in), (int)(100.0 * (double)csvr_bytes(r->in) /
		    (double)size), r->rows);
	else
		fprintf(stderr, "\r%s: %s: %ld rows", crm_prog,
		    csvr_name(r->in), r->rows);
}

/* The summary of one file on stderr. */
static void
summary(struct run *r)
{
	const char *k = r->fmt->kind, *name = csvr_name(r->in);

	if (strcmp(k, "orders") == 0) {
		fprintf(stderr, "%s: %s: %ld rows read, orders %ld new, %ld "
		    "updated, %ld unchanged, %ld customers new, %ld rows "
		    "rejected", crm_prog, name, r->rows, r->o_new,
		    r->o_updated, r->o_unchanged, r->c_new, r->rejected);
		if (r->o_rejected > 0)
			fprintf(stderr, " (%ld order%s rejected whole)",
			    r->o_rejected, r->o_rejected == 1 ? "" : "s");
		if (r->future > 0)
			fprintf(stderr, ", %ld order%s dated after today",
			    r->future, r->future == 1 ? "" : "s");
		putc('\n', stderr);
		if (r->red[RED_NEW] + r->red[RED_UPDATED] +
		    r->red[RED_SAME] > 0)
			fprintf(stderr, "%s: %s: points used by %ld order%s: "
			    "redemptions %ld new, %ld updated, %ld unchanged\n",
			    crm_prog, name, r->red[RED_NEW] +
			    r->red[RED_UPDATED] + r->red[RED_SAME],
			    r->red[RED_NEW] + r->red[RED_UPDATED] +
			    r->red[RED_SAME] == 1 ? "" : "s", r->red[RED_NEW],
			    r->red[RED_UPDATED], r->red[RED_SAME]);
		if (r->guests > 0)
			fprintf(stderr, "%s: %s: %ld order%s without a known "
			    "buyer (guest checkouts) stored for shop-level "
			    "figures\n", crm_prog, name, r->guests,
			    r->guests == 1 ? "" : "s");
	} else if (strcmp(k, "redemptions") == 0)
		fprintf(stderr, "%s: %s: %ld rows read, redemptions %ld new, "
		    "%ld updated, %ld unchanged, %ld of no known customer, %ld "
		    "rows rejected\n", crm_prog, name, r->rows, r->o_new,
		    r->o_updated, r->o_unchanged, r->c_unknown, r->rejected);
	else if (strcmp(k, "members") == 0)
		fprintf(stderr, "%s: %s: %ld rows read, members %ld new, %ld "
		    "updated, %ld unchanged, %ld customers new, %ld rows "
		    "rejected\n", crm_prog, name, r->rows, r->o_new,
		    r->o_updated, r->o_unchanged, r->c_new, r->rejected);
	else
		fprintf(stderr, "%s: %s: %ld rows read, %s %ld new, %ld "
		    "already stored, %ld of no known customer, %ld rows "
		    "rejected\n", crm_prog, name, r->rows, strcmp(k, "claims") ?
		    "events" : "claims", r->o_new, r->o_unchanged,
		    r->c_unknown, r->rejected);
	if (r->bidi > 1)
		fprintf(stderr, "%s: %s: bidi control characters removed from "
		    "%ld fields\n", crm_prog, name, r->bidi);
}

static void
tap_sha(void *arg, const void *p, size_t n)
{
	sha256_update(arg, p, n);
}

/*
 * Imports one file inside the run's transaction.  Returns 0, or -1 when
 * the run must stop (a bad row in strict mode, a store error).
 */
int
import_file(struct run *r, struct import_input *in, int delim,
    const char *enc)
{
	struct sha256 sha;
	char hex[65];
	long line;
	int rc;

	if ((r->in = import_input_reader(in, delim, enc)) == NULL) {
		if (errno == EINVAL)
			warnx("%s: unknown encoding (see iconv -l)", enc);
		else
			warn("%s", in->path);
		return -1;
	}
	if (r->sheet != NULL && csvr_set_sheet(r->in, r->sheet) != 0) {
		warnx("%s: %s", in->path, csvr_error(r->in));
		csvr_close(r->in);
		r->in = NULL;
		return -1;
	}
	sha256_init(&sha);
	csvr_set_tap(r->in, tap_sha, &sha);
	csvr_read_ahead(r->in);		/* a file: read it in a thread */
	r->rows = r->rejected = r->o_new = r->o_updated = r->o_unchanged =
	    r->c_new = r->c_unknown = r->o_rejected = r->guests = r->future =
	    r->bidi = 0;
	memset(r->red, 0, sizeof(r->red));
	keymap_free(r->unchanged);
	r->unchanged = keymap_new(UNCHANGED);
	keymap_free(r->rejected_orders);
	r->rejected_orders = NULL;
	if (write_import_begin(r, csvr_name(r->in)) != 0)
		goto fail;
	r->st_fmt = NULL;		/* a new file's format: words anew */
	if (read_header(r) != 0)
		goto fail;
	order_clear(&r->ord);
	for (;;) {
		rc = csvr_next(r->in);
		if (rc == 0)
			break;
		line = csvr_line(r->in);
		if (rc < 0) {
			/* The reader cannot go on past a broken record. */
			warnx("%s:%ld: %s", csvr_name(r->in), line,
			    csvr_error(r->in));
			goto fail;
		}
		r->rows++;
		if (r->blanks)
			row_blanks(r);
		if ((r->rows & 1023) == 0)
			progress(r, 0);
		switch (r->fmt->kind[0]) {
		case 'm':
			rc = take_member(r);
			break;
		case 'e':
			rc = take_event(r);
			break;
		case 'c':
			rc = take_claim(r);
			break;
		case 'r':
			rc = take_redemption(r);
			break;
		default:
			rc = take_row(r);
		}
		if (rc < 0)
			goto fail;
		if (rc > 0) {
			if (r->rejects == NULL) {
				warnx("%s:%ld: field '%s': %s",
				    csvr_name(r->in), line, r->bad_field,
				    r->bad_why);
				goto fail;
			}
			reject(r, line, r->bad_field, r->bad_why);
		}
	}
	if (flush_order(r) != 0 || write_file_end(r) != 0)
		goto fail;
	progress(r, 1);
	if (r->rows == 0 && !r->quiet)
		warnx("%s: no rows after the header", csvr_name(r->in));
	sha256_hex(&sha, hex);
	if (write_import_end(r, hex, csvr_encoding(r->in)) != 0)
		goto fail;
	if (!r->quiet)
		summary(r);
	csvr_close(r->in);
	r->in = NULL;
	return 0;
fail:
	progress(r, 1);
	csvr_close(r->in);
	r->in = NULL;
	return -1;
}

struct run *
import_open(const char *db, const struct import_opts *o)
{
	struct run *r = xmalloc(sizeof(*r));

	memset(r, 0, sizeof(*r));
	r->channel_opt = o->channel;
	r->kind = o->kind;
	r->fmt_given = o->format;
	r->overrides = o->overrides;
	r->rejects = o->rejects;
	r->dorder = o->dmy ? DATE_DMY : DATE_MDY;
	r->quiet = o->quiet;
	r->no_merge = o->no_merge;
	r->blanks = o->blanks;
	r->currency = o->currency;
	r->sheet = o->sheet;
	r->progress = isatty(STDERR_FILENO);
	if ((r->db = store_create(db)) == NULL) {
		free(r);
		return NULL;
	}
	return r;
}

void
import_close(struct run *r, int rollback)
{
	int f;

	if (rollback && r->db != NULL)
		store_rollback(r->db);
	write_finalize(r);
	store_close(r->db);		/* NULL once published */
	order_free(&r->ord);
	for (f = 0; f < NFIELDS; f++) {
		buf_free(&r->val[f]);
		buf_free(&r->map.hdr[f]);
	}
	buf_free(&r->tmp);
	buf_free(&r->buyer);
	buf_free(&r->key);
	buf_free(&r->st_word);
	keymap_free(r->ids);
	keymap_free(r->moved);
	free(r->has);
	free(r->keys_of);
	for (f = 0; f < (int)r->nchans; f++)
		free(r->chans[f]);
	keymap_free(r->unchanged);
	keymap_free(r->rejected_orders);
	free(r->held);
	buf_free(&r->heldtxt);
	free(r->fidx);
	buf_free(&r->hdrs);
	free(r->cells);
	if (r->fmt != r->fmt_given)
		format_free(r->fmt);
	buf_free(&r->bad_msg);
	free(r);
}
