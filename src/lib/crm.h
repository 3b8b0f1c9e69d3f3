/*
 * crm.h: the library every crmkit command links against.
 *
 * Only this library talks to SQLite and libcsv; commands deal in rows,
 * customers, dates and amounts.  Each section below matches one file in
 * src/lib.
 */
#ifndef CRM_H
#define CRM_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#define CRM_VERSION "0.1.0"

/* Exit statuses shared by every command (see crm(7)). */
#define EXIT_DATA	1	/* bad input, I/O or store error */
#define EXIT_USAGE	2	/* bad command line */

/* ==== msg.c: the program name and messages ==== */

extern const char *crm_prog;		/* "crm-import", set by crm_init() */

void	crm_init(const char *argv0);
void	crm_version(void);
int	crm_finish_stdout(void);
void	crm_help(const char *synopsis, const char *help)
	    __attribute__((noreturn));
void	crm_usage_error(const char *synopsis, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3), noreturn));

/*
 * A value as a message may show it (messages go to cron mails and logs):
 * a phone its first 4 and last 3 digits ("0912***666"), an e-mail its
 * first character and its domain ("a***@example.com"), anything else at
 * most a quarter of its characters at each end ("ca***me"; "***" when
 * short).  Control characters and bidi marks become '?'.  Returns out.
 */
#define CRM_MASK_SIZE	64
const char *crm_mask(const char *value, char out[CRM_MASK_SIZE]);

/* ==== opts.c: options every command shares ==== */

const char *crm_db_path(const char *opt);
int	crm_parse_int(const char *s, long long lo, long long hi, long long *out);
int64_t	crm_day_arg(const char *synopsis, const char *opt, const char *arg);

/*
 * The shared options, declared once: a command lists the CRM_LONGOPT_*
 * entries it accepts in its getopt_long table (and "hTV" as it takes
 * them in its short options), and passes every option getopt_long
 * returns to crm_common_opt() first, which reads and checks the shared
 * ones with one range and one message each.  Dates (--as-of) are kept
 * as text until the store's zone is set: crm_common_asof() reads them.
 */
enum {
	CRM_OPT_DB = 0x1000,
	CRM_OPT_ASOF,
	CRM_OPT_LOST_AFTER,
	CRM_OPT_TZ,
	CRM_OPT_TABLE,
	CRM_OPT_CSV,
	CRM_OPT_TSV,
	CRM_OPT_XLSX,
	CRM_OPT_EXCEL,
	CRM_OPT_OUT_ENCODING
};
#define CRM_LONGOPT_DB	 { "db", required_argument, NULL, CRM_OPT_DB }
#define CRM_LONGOPT_ASOF { "as-of", required_argument, NULL, CRM_OPT_ASOF }
#define CRM_LONGOPT_LOST_AFTER \
	{ "lost-after", required_argument, NULL, CRM_OPT_LOST_AFTER }
#define CRM_LONGOPT_TZ	 { "tz", required_argument, NULL, CRM_OPT_TZ }
#define CRM_LONGOPT_TABLE { "table", no_argument, NULL, CRM_OPT_TABLE }
#define CRM_LONGOPT_CSV	 { "csv", no_argument, NULL, CRM_OPT_CSV }
#define CRM_LONGOPT_TSV	 { "tsv", no_argument, NULL, 'T' }, \
	{ "out-tab", no_argument, NULL, 'T' }
/*
 * Spreadsheets out: --xlsx FILE (a workbook, each table a sheet), --excel
 * (CSV for Excel), --encoding utf-8|big5 (of CSV output; also spelled
 * --out-encoding).  crm-import's --encoding names its input: it lists
 * none of these.  A command that writes rows lists all three; with
 * tables (table.h) it calls tout_start() and tout_close(); with rows of
 * its own it keeps them for plain CSV and, when crm_common_sheet(), gives
 * them to a table as typed cells (crm-rfm, crm-segment, crm-playbook
 * run).  crm(7) SPREADSHEETS documents them once.
 */
#define CRM_LONGOPT_XLSX { "xlsx", required_argument, NULL, CRM_OPT_XLSX }
#define CRM_LONGOPT_EXCEL { "excel", no_argument, NULL, CRM_OPT_EXCEL }
#define CRM_LONGOPT_OUT_ENCODING \
	{ "encoding", required_argument, NULL, CRM_OPT_OUT_ENCODING }, \
	{ "out-encoding", required_argument, NULL, CRM_OPT_OUT_ENCODING }
#define CRM_LONGOPT_HELP { "help", no_argument, NULL, 'h' }
#define CRM_LONGOPT_VERSION { "version", no_argument, NULL, 'V' }

#define CRM_LOST_AFTER_MAX 100000	/* days; --lost-after's range 1.. */

struct crm_common {
	const char *db;			/* --db, or NULL */
	const char *as_of;		/* --as-of as given, or NULL */
	long long lost_after;		/* --lost-after, 0: from the cycle */
	const char *tz;			/* --tz, or NULL */
	int	 out_mode;		/* -1, or enum tmode (table.h) */
	const char *xlsx;		/* --xlsx FILE, or NULL */
	int	 out_cp950;		/* --encoding big5 */
};

void	crm_common_init(struct crm_common *c);
/*
 * Handles ch when it is a shared option (-h and -V exit); returns 1 when
 * it was, 0 when the command must handle it.
 */
int	crm_common_opt(struct crm_common *c, int ch, const char *arg,
	    const char *synopsis, const char *help);
/* The --as-of day ("today" when not given); call after store_zone(). */
int64_t	crm_common_asof(const struct crm_common *c, const char *synopsis);
/* Whether the output is for a spreadsheet: --xlsx, --excel or Big5. */
int	crm_common_sheet(const struct crm_common *c);

/* ==== buf.c: a growable byte buffer ==== */

struct buf {
	char	*s;			/* NUL-terminated contents */
	size_t	 len;			/* bytes in s, without the NUL */
	size_t	 cap;			/* bytes allocated */
};

void	buf_reset(struct buf *b);
void	buf_add(struct buf *b, const char *s, size_t n);
void	buf_addc(struct buf *b, char c);
void	buf_adds(struct buf *b, const char *s);
void	buf_printf(struct buf *b, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	buf_free(struct buf *b);
/* A row's fields, as printf("%lld"), money_format() and csv_putn() write. */
void	buf_add_dec(struct buf *b, int64_t v);
void	buf_add_money(struct buf *b, int64_t minor);
void	buf_add_field(struct buf *b, int delim, const char *s);
/* A share in a CSV: a fraction, 4 decimals ("0.3958"), see crm(7). */
void	buf_add_share(struct buf *b, int64_t num, int64_t den);
void	*xmalloc(size_t n);
void	*xrealloc(void *p, size_t n);
char	*xstrdup(const char *s);

/* ==== csvio.c: CSV/TSV in and out ==== */

struct csvr;

/*
 * Opens path ("-" or NULL for stdin) for reading records separated by
 * delim (0: a tab if the first line has one, else a comma).  encoding is NULL or "auto" to recognise UTF-8 (with or without
 * a byte order mark) and Big5/CP950 by itself, or an iconv name to force.
 * Returns NULL with errno set.
 */
struct csvr *csvr_open(const char *path, int delim, const char *encoding);
/* The same on descriptor fd (taken), named name in messages. */
struct csvr *csvr_fdopen(int fd, const char *name, int delim,
	    const char *encoding);
/* Copies a stream to an unlinked temporary file (see csvio.c). */
int	 csvr_spool(FILE *fp, const char *pre, size_t npre, int upto_nul,
	    struct buf *why);
/*
 * A workbook (.xlsx, recognised by its bytes) is read as its first sheet
 * would be as CSV, each row a record (csvr_line its row number, csvr_name
 * "file:sheet"); this chooses another sheet, by name or number from 1,
 * before csvr_read_ahead and the first csvr_next.  Returns 0 (a CSV file
 * ignores it), or -1 when there is no such sheet: csvr_error (and every
 * csvr_next after) then says which there are.
 */
int	 csvr_set_sheet(struct csvr *r, const char *sheet);
/* Reads the next record: 1 when there is one, 0 at the end, -1 on error. */
int	 csvr_next(struct csvr *r);
size_t	 csvr_nfields(const struct csvr *r);
const char *csvr_field(const struct csvr *r, size_t i);
size_t	 csvr_fieldlen(const struct csvr *r, size_t i);
long	 csvr_line(const struct csvr *r);	/* line the record began on */
const char *csvr_name(const struct csvr *r);	/* file name or "stdin" */
const char *csvr_error(const struct csvr *r);	/* why csvr_next gave -1 */
const char *csvr_encoding(const struct csvr *r);/* "UTF-8", "CP950", ... */
off_t	 csvr_bytes(const struct csvr *r);	/* bytes read so far */
off_t	 csvr_size(const struct csvr *r);	/* file size, or -1 */
/* Feeds every byte read so far, as read, to fn (for a checksum). */
int	 csvr_read_ahead(struct csvr *r);	/* reading in a thread */
void	 csvr_set_tap(struct csvr *r, void (*fn)(void *, const void *, size_t),
	    void *arg);
void	 csvr_close(struct csvr *r);

void	csv_put(FILE *fp, int delim, const char *s);
void	csv_putn(FILE *fp, int delim, const char *s, size_t n);
void	csv_row(FILE *fp, int delim, const char *const *f, size_t n);

/*
 * A CSV writer for spreadsheets and older tools.  CSVW_EXCEL: a UTF-8
 * byte order mark, CRLF line ends, text cells that Excel would take for
 * a formula (beginning with =, +, -, @, a tab or a carriage return) made
 * inert with a leading apostrophe (OWASP), and text of digits alone
 * (ids, phones, codes) written ="0912345678" so Excel keeps it as text.
 * CSVW_CP950: Big5 (CP950) instead of UTF-8, for older tools.  Without
 * flags the bytes are those of csv_row().  Returns NULL when iconv has
 * no CP950.
 */
#define CSVW_EXCEL	0x01
#define CSVW_CP950	0x02
struct csvw;
struct csvw *csvw_open(FILE *fp, int delim, int flags);
/* Adds a field to the row: text (1, guarded) or a number (0, as it is). */
void	csvw_field(struct csvw *w, const char *s, int text);
/*
 * Writes the row.  Returns 0, or -1 when a character has no CP950 form:
 * nothing of the row is written and csvw_error() names the row (from 1,
 * the header's) and the column.
 */
int	csvw_endrow(struct csvw *w);
const char *csvw_error(const struct csvw *w);
void	csvw_close(struct csvw *w);

/* ==== custlist.c: customer lists on stdin ==== */

/*
 * When stdin is a pipe or a file, reads a customer list (CSV or TSV with
 * a customer_id, account, phone or email column) into TEMP table
 * "custlist(customer_id INTEGER PRIMARY KEY)".  Customers the store does
 * not know are left out with one warning.  Returns 1 when a list was
 * read, 0 when stdin is a terminal or a device (no list), -1 after
 * printing an error.
 */
int	custlist_load(sqlite3 *db, int force);

/* The ways a list or crm-report customer names a customer. */
enum cust_key { CK_ID, CK_ACCOUNT, CK_PHONE, CK_EMAIL, CK_ANY };
extern const char *const cust_key_name[CK_ANY];
/*
 * The customer that value (as a shop writes it: normalised here the way
 * crm-import normalises it) names as a key of kind k; CK_ANY tries an
 * id, an e-mail, a phone, then an account.  An account is
 * "channel:account" or an account on any channel.  Sets *id and *kind
 * (the kind that matched, when not NULL).  Returns 1 when found, 0 when
 * unknown, 2 when several customers share it, -1 on a store error.
 */
int	cust_find(sqlite3 *db, enum cust_key k, const char *value,
	    int64_t *id, enum cust_key *kind);
/*
 * Why customer id's records are one customer (crm-import --explain,
 * crm-report customer): calls fn with record ("identity" or "merge"),
 * kind, channel, value and detail for each value that identifies them
 * (and which buyer first gave it) and each merge or split.  0, or -1.
 */
int	cust_explain(sqlite3 *db, int64_t id,
	    void (*fn)(void *, const char *const f[5]), void *arg);

/* ==== date.c: dates, times and time zones ==== */

/*
 * Times are kept as "local seconds": the shop's wall-clock time counted
 * as seconds since 1970-01-01 00:00, as if the shop's zone were UTC.  A
 * local day is then local_seconds / 86400, which keeps day arithmetic in
 * SQL trivial.
 */
#define DAY_SECS 86400

enum date_order { DATE_MDY, DATE_DMY };

int	tz_set(const char *zone);		/* 0, or -1 if unknown */
int64_t	tz_local_from_utc(int64_t utc);
int64_t	tz_now_local(void);
int64_t	days_from_civil(int y, int m, int d);
void	civil_from_days(int64_t z, int *y, int *m, int *d);
/*
 * Parses a date or date-time.  Accepts YYYY-MM-DD, YYYY/M/D, YYYYMMDD,
 * M/D/YYYY (or D/M/YYYY with DATE_DMY), each optionally followed by
 * "HH:MM[:SS[.fff]]" after a space or 'T', and an optional offset
 * (Z, +08:00, -0500) which is converted to the shop's zone.  Returns 0
 * and sets *t, or -1 and sets *why.
 */
int	date_parse(const char *s, enum date_order order, int64_t *t,
	    const char **why);
/* Parses an as-of style day: YYYY-MM-DD (or any date_parse form), "today". */
int	day_parse(const char *s, int64_t *day, const char **why);
/* Exactly YYYY-MM-DD, a real date: 0 and *day, or -1 (for files). */
int	day_strict(const char *s, int64_t *day);
int64_t	day_of(int64_t t);		/* the day of a time, rounding down */
char	*time_format(int64_t t, char buf[20]);	/* YYYY-MM-DD HH:MM:SS */
char	*day_format(int64_t day, char buf[11]);	/* YYYY-MM-DD */

/* ==== money.c: amounts in minor units ==== */

int	money_parse(const char *s, int64_t *minor, const char **why);
char	*money_format(int64_t minor, char buf[32]);
int	money_add(int64_t *acc, int64_t v);	/* 0, or -1 on overflow */
int	money_mul(int64_t minor, int64_t qty, int64_t *out);
int	qty_parse(const char *s, int64_t *q, const char **why);

/* ==== text.c: normalisation and display width ==== */

int	utf8_valid(const char *s, size_t n);
/* NFKC, trimmed, into out; returns 0, or -1 for invalid UTF-8. */
int	text_norm(const char *s, size_t n, struct buf *out);
/* Edit distance of two short names (99 past 30 bytes): "did you mean". */
int	text_distance(const char *a, const char *b);

enum ident_status { ID_OK, ID_EMPTY, ID_MASKED, ID_INVALID };
/* Each takes an already text_norm'ed value. */
enum ident_status phone_norm(const char *in, struct buf *out);
enum ident_status email_norm(const char *in, struct buf *out);
enum ident_status account_norm(const char *in, struct buf *out);
int	text_width(const char *s);	/* terminal columns */
/* A name in a file: letters, digits, '.', '_' and '-', 1 to 64 of them. */
int	name_valid(const char *s);
/*
 * s as a terminal may show it: the controls, DEL, line separators and
 * invisible format characters (bidi overrides and isolates) written
 * visibly as \e, \t, \n, \r, \xNN or \uNNNN, into out.  Every text from
 * the store that reaches a terminal goes through it.
 */
const char *text_visible(const char *s, struct buf *out);
/*
 * fwrite(s, 1, n, fp), but on a terminal (tty set) every line through
 * text_visible(): CSV rows shown on a terminal carry no control either.
 * Returns n, or 0 on a write error.
 */
size_t	text_write(const char *s, size_t n, FILE *fp, int tty);

/* ==== sha256.c ==== */

struct sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char blk[64];
	size_t	 n;
};
void	sha256_init(struct sha256 *c);
void	sha256_update(struct sha256 *c, const void *p, size_t n);
void	sha256_final(struct sha256 *c, unsigned char out[32]);
void	sha256_hex(struct sha256 *c, char out[65]);
extern int sha256_portable;	/* 1: never the CPU's SHA instructions */

/* ==== keymap.c: digests to small numbers, in bounded memory ==== */

struct mapkey {
	uint32_t k[3];
};
struct keymap;
struct keymap *keymap_new(size_t max);	/* holds at most max keys */
void	keymap_free(struct keymap *m);
void	keymap_key(const void *p, size_t n, struct mapkey *key);
void	keymap_int(int64_t i, struct mapkey *key);
int	keymap_get(const struct keymap *m, const struct mapkey *key,
	    int64_t *v);			/* 1 found, 0 not */
int	keymap_put(struct keymap *m, const struct mapkey *key, int64_t v);
					/* -1: full, or v not in 0..2^32-1 */
size_t	keymap_bytes(const struct keymap *m);	/* its table now */
int	keymap_whole(struct keymap *m);	/* whole table now: 0, -1 */

/* ==== store.c and schema.c: the SQLite store ==== */

#define STORE_RO	0
#define STORE_RW	1	/* create when missing, migrate */

void	 store_single_thread(void);	/* before store_open: no mutexes */
sqlite3	*store_open(const char *path, int mode);
sqlite3	*store_create(const char *path);	/* for an import */
int	 store_publish(sqlite3 **db);		/* after its commit */
void	 store_close(sqlite3 *db);
int	 store_exec(sqlite3 *db, const char *sql);
sqlite3_stmt *store_prepare(sqlite3 *db, const char *sql);
int	 store_step(sqlite3_stmt *st);	/* SQLITE_ROW/DONE, else prints */
int	 store_begin(sqlite3 *db);	/* BEGIN IMMEDIATE */
int	 store_commit(sqlite3 *db);
void	 store_rollback(sqlite3 *db);
const char *store_meta(sqlite3 *db, const char *key, struct buf *out);
int	 store_set_meta(sqlite3 *db, const char *key, const char *value);
int	 store_compute_stats(sqlite3 *db, const char *into, const char *only,
	    const char *channel, int64_t before);
int	 store_refresh_stats(sqlite3 *db, const char *only);
const char *store_path(sqlite3 *db);

/*
 * FNV-1a 64: the order digest, the importer's small caches and the key
 * of an identity.
 */
#define FNV_BASIS	0xcbf29ce484222325ULL

static inline uint64_t
fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n-- > 0) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static inline uint64_t
fnv_s(uint64_t h, const char *s)
{
	return fnv(h, s, strlen(s) + 1);
}

static inline uint64_t
fnv_i(uint64_t h, int64_t v)
{
	return fnv(h, &v, sizeof(v));
}

/*
 * identities.key (crm-store(5)): FNV-1a 64 of the kind, a 0 byte and
 * the value's len bytes, as a signed integer.  The store's connections
 * have it as the SQL function crm_idkey(kind, value).
 */
int64_t	 store_ident_key(const char *kind, const char *value, size_t len);

/*
 * The ids of the identities of key k (an SQL expression), as a subquery:
 * from both of the key tables, identity_keys (settled) and
 * identity_keys_recent (added since the last settling; crm-store(5)).
 * Every lookup by key reads it: "WHERE id IN " CRM_IDKEY_IDS("?1").
 */
#define CRM_IDKEY_IDS(k)	"(SELECT id FROM identity_keys WHERE key = " \
	k " UNION ALL SELECT id FROM identity_keys_recent WHERE key = " k ")"

/* Identities settle when more than 1/IDENT_SETTLE of all the store has
 * had are recent (store_settle_identities). */
#define IDENT_SETTLE	8
int64_t	 store_settle_identities(sqlite3 *db);
int	 store_key_identities(sqlite3 *db);

int	 schema_version(void);
const char *schema_stats_off(void);
const char *schema_stats_on(void);
int	 schema_migrate(sqlite3 *db, const char *path);

/* ==== asof.c: the store as of a day, and the shared definitions ==== */

/*
 * A purchase (DESIGN.md): an order that is neither cancelled nor fully
 * returned.  The one SQL condition on an orders row; p is the table's
 * alias with its dot ("o.") or "".
 */
#define CRM_PURCHASE(p)	p "status IN ('completed', 'pending')"
/*
 * The orders whose net and lines count in revenue and product figures:
 * purchases and credit notes (status 'credit': a return of earlier
 * purchases, its net negative, counted on its own day).  A credit is
 * never an order, a purchase or a purchase day.  (Written as a purchase
 * or a credit: SQLite tests an IN list of three or more constants by
 * looking each row's status up in a temporary B-tree, an IN of two and
 * an equality by comparing, a quarter of a whole-store report's time.)
 */
#define CRM_REVENUE(p)	\
	"(" CRM_PURCHASE(p) " OR " p "status = 'credit')"

/* The NAPL stages, in this order everywhere; crm_stage_name[] names them. */
enum crm_stage { CRM_POTENTIAL, CRM_NEW, CRM_ACTIVE, CRM_LOST, CRM_NSTAGES };
extern const char *const crm_stage_name[CRM_NSTAGES];

int	 store_zone(sqlite3 *db);
int64_t	 store_last_day(sqlite3 *db);
/* Whose purchases asof_stats counts (stats_asof_in), and what it keeps. */
struct asof_scope {
	const char *channel;	/* only orders on this channel, or NULL */
	const char *only;	/* only the customers in this TEMP table */
	int	 lite;		/* only what lifecycle_table() reads */
};
int	 stats_asof_in(sqlite3 *db, int64_t asof, const struct asof_scope *sc);
int	 asof_stats_is_table(sqlite3 *db);
int	 asof_stats_whole(sqlite3 *db);
int	 stats_asof(sqlite3 *db, int64_t asof);
long	 repurchase_cycle(sqlite3 *db, double *median);
int64_t	 lost_threshold(sqlite3 *db, int64_t lost_after, double *cycle,
	    long *basis);
int	 lifecycle_table(sqlite3 *db, int64_t asof, int64_t lost,
	    const char *into);
/* lifecycle_table()'s rows in customer_id order, as they are made. */
sqlite3_stmt *lifecycle_stream(sqlite3 *db, int64_t asof, int64_t lost);
/* Its query (customer_id, stage, days_since), to select from. */
char	*lifecycle_select(int64_t asof, int64_t lost);
int	 lifecycle_counts(sqlite3 *db, int64_t asof, int64_t lost,
	    int64_t n[CRM_NSTAGES]);
/* One customer against the shop's cycle (crm-report customer). */
struct cycle_pos {
	double	 cycle;			/* the shop's cycle, days (0: none) */
	long	 basis;			/* customers it rests on */
	int64_t	 lost;			/* the lost threshold, days */
	int	 bought;		/* the customer has a purchase */
	int64_t	 days_since;		/* since the last purchase */
	double	 of_cycle;		/* days_since / cycle */
	int64_t	 lost_in;		/* lost - days_since */
};
int	 cycle_position(sqlite3 *db, int64_t asof, int64_t lost_after,
	    int64_t last, struct cycle_pos *p);
/* Warns once when the newest order is long before asof (1: warned). */
int	 asof_check(sqlite3 *db, int64_t asof, int64_t lost_after,
	    const char *opt);
/* meta 'currency', or "TWD" when absent. */
const char *store_currency(sqlite3 *db, char out[8]);

#endif /* CRM_H */
