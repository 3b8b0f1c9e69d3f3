/*
 * run.h: one run of crm-import, shared by its modules: the fields an
 * export may hold, where the current file keeps them (the column map),
 * the row being read, the order being assembled, the store's prepared
 * statements and the counts for the summary.
 */
#ifndef IMPORT_RUN_H
#define IMPORT_RUN_H

#include <time.h>

#include "crm.h"
#include "import/format.h"
#include "import/settle.h"
#include "import/write.h"

enum field {
	/* orders */
	F_ORDER_ID, F_ORDERED_AT, F_CHANNEL, F_STATUS, F_ACCOUNT, F_PHONE,
	F_EMAIL, F_NAME, F_SKU, F_PRODUCT, F_CATEGORY, F_QUANTITY,
	F_UNIT_PRICE, F_SHIPPING, F_DISCOUNT, F_COUPON, F_PAID_TOTAL,
	F_RETURNED_QTY, F_REFUND, F_COST, F_ADDRESS, F_CANCEL_REASON,
	F_RETURN_STATUS, F_ITEMS, F_VARIATION, F_CREDIT, F_POINTS_USED,
	/* members */
	F_MEMBER_NO, F_JOINED_AT, F_BIRTHDAY, F_GENDER, F_TAGS,
	/* events, coupon claims and points redemptions */
	F_EVENT, F_CAMPAIGN, F_AT, F_BUYER, F_REF, F_POINTS,
	NFIELDS
};

extern const char *const field_names[NFIELDS];

#define MAXALT	4			/* columns read for one field */

struct colmap {
	long	 col[NFIELDS][MAXALT];	/* columns holding each field */
	int	 ncol[NFIELDS];		/* how many; 0 when absent */
	struct buf hdr[NFIELDS];	/* the first one's name, for messages */
};

#define HAS(r, f)	((r)->map.ncol[f] > 0)

/* The store's statements, prepared once a run (write.c). */
struct stmts {
	sqlite3_stmt *mem_find, *mem_put, *cust_member, *tag_add, *ev_add,
	    *acct_any;
	sqlite3_stmt *id_find, *id_add, *id_key_add, *id_share, *buyer_find,
	    *cust_add, *cust_fill, *ord_find, *ord_add, *ord_set, *ord_append,
	    *items_del, *item_add, *prod_find, *prod_add, *touch, *merge_log,
	    *replaced, *red_find, *red_add, *red_set, *red_drop, *red_seen;
	sqlite3_stmt *merge[11];
};

/* A row of the current order kept for the rejects file (--skip-bad). */
struct held {
	long	 line;
	size_t	 off, len;		/* its fields, as CSV, in heldtxt */
	size_t	 why_off, why_len;	/* its field and reason, or none */
};

#define PCACHE	4096			/* product ids remembered */
/*
 * Identifying values remembered in a run (16 MB at most), and customers
 * merged in a run, whose old ids lead to the kept ones.  Into a store
 * that holds identities already the map is no complete list, only a
 * cache of the store's answers: it stops at IDMORE (4 MB), leaving the
 * memory to the store's page cache.
 */
#define IDCACHE	(768 * 1024)
#define IDMORE	(192 * 1024)
#define MOVED	(48 * 1024)
/*
 * Stored orders a file found unchanged (4 MB at most): past these, a
 * later part of such an order, apart in the file, replaces it.
 */
#define UNCHANGED (192 * 1024)
/*
 * The store's page cache (KiB).  A first import fills the 16 MB map of
 * identities; an import into a store that has them keeps its map within
 * 4 MB and gives the cache the rest: a week's new buyers fall all over
 * the identities and the customers' indexes, and what the cache cannot
 * hold is written out and read back before the commit.  Either way the
 * whole run stays within 64 MB.
 */
#define CACHE_FIRST	(24 * 1024)
#define CACHE_MORE	(34 * 1024)

struct run {
	sqlite3	*db;
	struct colmap map;
	const char *channel;		/* this file's default channel */
	const char *channel_opt;	/* --channel */
	enum date_order dorder;		/* --dmy */
	int	 quiet;
	int	 progress;		/* stderr is a terminal */
	FILE	*rejects;		/* --skip-bad, or NULL */
	int64_t	 import_id;
	int	 was_empty;		/* the store had no orders */
	/* Counts for this file and for the run. */
	long	 rows, rejected, o_rejected, guests, future;
	long	 bidi;			/* fields with bidi controls dropped */
	long	 o_new, o_updated, o_unchanged, c_new, shared, c_unknown;
	long	 red[RED_CLASH];	/* points_used: by enum red_done */
	int	 no_merge;		/* --no-merge */
	size_t	 key_length;		/* the format's order_key_length */
	struct buf buyer;		/* the current order's buyer key */
	struct buf key;			/* an identity's kind, channel, value */
	struct buf st_word;		/* the last status word read */
	const struct format *st_fmt;	/* in this format */
	enum status st_last;		/* and what it meant */
	/*
	 * Identities seen in this run: the digest of kind, channel and value
	 * to customer id * 2, + 1 when shared.  Complete when the store had
	 * none at the start and the map never refused one: then a value it
	 * lacks is in no identity.  The store answers what it does not know.
	 */
	struct keymap *ids;
	struct keymap *moved;		/* merged customer -> kept customer */
	struct keymap *unchanged;	/* stored orders this file left as
					   they were */
	struct keymap *rejected_orders;	/* orders this file rejected whole */
	int	 ids_complete;
	int	 had_ids;		/* the store held identities before */
	int	 keys_later;		/* their keys not yet written (write.c) */
	/*
	 * Which of name, email and phone the customers this run made have:
	 * four bits each, by id (buyers.c).  No import empties those
	 * fields, so an order that brings none a customer lacks has nothing
	 * to fill in.
	 */
	unsigned char *has;
	size_t	 nhas;			/* bytes */
	int64_t	 cid_base;		/* the first customer it made, or 0 */
	/*
	 * The buyer keys under which the customers this run made bought:
	 * one each, by id (buyers.c), so that telling whether one bought
	 * under another key reads none of its orders.
	 */
	uint64_t *keys_of;
	size_t	 nkeys_of;		/* bytes */
	uint64_t buyer_dg;		/* r->buyer's digest, once known */
	int	 buyer_dg_set;
	char	*chans[255];		/* the channels met, for keys_of */
	size_t	 nchans;
	struct stmts st;
	/* The current row, normalised, and the order being built. */
	struct buf val[NFIELDS];
	struct buf tmp;
	size_t	 ncols;			/* columns in the header */
	char	**cells;		/* their names, normalised */
	struct format *fmt_given;	/* --format or --format-file */
	struct format *fmt;		/* the current file's format */
	struct format *overrides;	/* --map and --map-file */
	const char *kind;		/* --kind, or NULL */
	struct buf hdrs;		/* their names, NUL-separated */
	struct order ord;
	struct csvr *in;
	const char *bad_field;		/* set with bad_why by a check */
	const char *bad_why;
	struct buf bad_msg;
	char	 masked[CRM_MASK_SIZE];	/* a value as a message shows it */
	struct held *held;		/* the current order's rows */
	size_t	 nheld, capheld;
	struct buf heldtxt;
	int	 blanks;		/* --blanks: runs of blanks separate */
	size_t	*fidx;			/* with blanks, the fields not empty */
	size_t	 nfidx, capfidx;
	const char *currency;		/* --currency */
	const char *sheet;		/* --sheet, or NULL */
	struct {
		uint64_t hash;
		int64_t	 id;
	} pcache[PCACHE];
	time_t	 last_progress;
};

/*
 * The current row's fields.  With --blanks the reader splits on every
 * blank, and the empty fields that runs of blanks leave are skipped
 * (row_blanks in rows.c lists the others).
 */
static inline size_t
row_nfields(const struct run *r)
{
	return r->blanks ? r->nfidx : csvr_nfields(r->in);
}

static inline const char *
row_field(const struct run *r, size_t i)
{
	return csvr_field(r->in, r->blanks ? r->fidx[i] : i);
}

static inline size_t
row_fieldlen(const struct run *r, size_t i)
{
	return csvr_fieldlen(r->in, r->blanks ? r->fidx[i] : i);
}

#endif
