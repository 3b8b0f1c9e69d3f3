/*
 * custlist.c: customer lists on stdin, so filters compose in pipes
 * (crm-segment lost | crm-report cycle), and finding a customer by the
 * shop's own identities: an account, a phone, an e-mail.
 */
#include <sys/stat.h>

#include <ctype.h>
#include <err.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crm.h"

const char *const cust_key_name[CK_ANY] = { "customer_id", "account",
	"phone", "email" };

/* ==== Finding a customer ==== */

/*
 * The customer of the identity kind = value (on channel chan, or on any
 * when NULL).  Values several buyers share match nobody, as in
 * crm-import.  1, 0, 2 (several), or -1.
 */
static int
find_identity(sqlite3 *db, const char *kind, const char *chan,
    const char *value, int64_t *id)
{
	sqlite3_stmt *st;
	int rc, n = 0;

	st = store_prepare(db, "SELECT DISTINCT customer_id FROM identities"
	    " WHERE id IN " CRM_IDKEY_IDS("?4") " AND kind = ?1 AND value = ?3"
	    " AND (?2 IS NULL OR channel = ?2) AND shared = 0 LIMIT 2");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 4, store_ident_key(kind, value,
	    strlen(value)));
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	if (chan != NULL)
		sqlite3_bind_text(st, 2, chan, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		n++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	return n;
}

static int
find_id(sqlite3 *db, const char *value, int64_t *id)
{
	sqlite3_stmt *st;
	long long v;
	int rc;

	if (crm_parse_int(value, 1, INT64_MAX, &v) != 0)
		return 0;
	if ((st = store_prepare(db, "SELECT 1 FROM customers WHERE id = ?")) ==
	    NULL)
		return -1;
	sqlite3_bind_int64(st, 1, v);
	rc = store_step(st);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		*id = v;
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : -1;
}

/* "channel:account" on that channel, else the whole value on any. */
static int
find_account(sqlite3 *db, const char *value, int64_t *id)
{
	struct buf a = { 0 }, chan = { 0 };
	const char *colon = strchr(value, ':');
	int rc = 0;

	if (colon != NULL && colon > value) {
		buf_add(&chan, value, (size_t)(colon - value));
		if (account_norm(colon + 1, &a) == ID_OK)
			rc = find_identity(db, "account", chan.s, a.s, id);
	}
	if (rc == 0 && account_norm(value, &a) == ID_OK)
		rc = find_identity(db, "account", NULL, a.s, id);
	buf_free(&a);
	buf_free(&chan);
	return rc;
}

int
cust_find(sqlite3 *db, enum cust_key k, const char *value, int64_t *id,
    enum cust_key *kind)
{
	struct buf t = { 0 }, v = { 0 };
	int rc = 0;

	if (kind != NULL)
		*kind = k;
	if (text_norm(value, strlen(value), &t) != 0 || t.len == 0)
		goto done;
	switch (k) {
	case CK_ID:
		rc = find_id(db, t.s, id);
		break;
	case CK_ACCOUNT:
		rc = find_account(db, t.s, id);
		break;
	case CK_PHONE:
		if (phone_norm(t.s, &v) == ID_OK)
			rc = find_identity(db, "phone", NULL, v.s, id);
		break;
	case CK_EMAIL:
		if (email_norm(t.s, &v) == ID_OK)
			rc = find_identity(db, "email", NULL, v.s, id);
		break;
	case CK_ANY:
		/* An id has no leading zero; 09... is a phone. */
		if (t.s[0] != '0' && (rc = find_id(db, t.s, id)) != 0)
			k = CK_ID;
		else if (strchr(t.s, '@') != NULL)
			rc = cust_find(db, k = CK_EMAIL, t.s, id, NULL);
		else if (phone_norm(t.s, &v) == ID_OK &&
		    (rc = find_identity(db, "phone", NULL, v.s, id)) != 0)
			k = CK_PHONE;
		else {
			rc = find_account(db, t.s, id);
			k = CK_ACCOUNT;
		}
		if (kind != NULL)
			*kind = k;
		break;
	}
done:
	buf_free(&t);
	buf_free(&v);
	return rc;
}

/* ==== Lists on stdin ==== */

/*
 * A list is any CSV or TSV with a customer_id, account, phone or email
 * column; the delimiter is taken from the header line.  A row names its
 * customer by the first of these it fills.  Only a pipe or a regular file
 * on stdin is read unless force is set, so that cron's /dev/null and a
 * terminal mean "no list".
 */
/*
 * An empty pipe is a list of nobody, which is rarely meant: a program in
 * a while-read loop, say, reads the loop's input.
 */
static void
nobody(void)
{
	warnx("stdin: the customer list holds no customers: the output "
	    "covers nobody (to cover everyone, give no list: </dev/null)");
}

/* Whether temp.custlist has no row. */
static int
custlist_empty(sqlite3 *db)
{
	sqlite3_stmt *st;
	int empty;

	st = store_prepare(db, "SELECT NOT EXISTS (SELECT 1 FROM "
	    "temp.custlist)");
	if (st == NULL)
		return 0;
	empty = store_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return empty;
}

int
custlist_load(sqlite3 *db, int force)
{
	struct stat sb;
	struct csvr *r;
	struct buf first = { 0 };
	char m[CRM_MASK_SIZE];
	sqlite3_stmt *ins = NULL;
	size_t i, col[CK_ANY];
	long long id;
	long first_line = 0;
	int64_t cid, unknown = 0, several = 0;
	int rc, k, have = 0;
	const char *v;

	if (!force && (isatty(STDIN_FILENO) || fstat(STDIN_FILENO, &sb) != 0 ||
	    !(S_ISFIFO(sb.st_mode) || S_ISREG(sb.st_mode))))
		return 0;
	if (store_exec(db, "CREATE TEMP TABLE IF NOT EXISTS custlist "
	    "(customer_id INTEGER PRIMARY KEY); DELETE FROM temp.custlist")
	    != 0)
		return -1;
	if ((r = csvr_open("-", 0, "UTF-8")) == NULL) {
		warn("stdin");
		return -1;
	}
	rc = csvr_next(r);
	if (rc == 0) {
		csvr_close(r);
		nobody();
		return 1;		/* an empty list: nobody */
	}
	if (rc < 0)
		goto bad;
	for (k = 0; k < CK_ANY; k++)
		col[k] = (size_t)-1;
	for (i = 0; i < csvr_nfields(r); i++)
		for (k = 0; k < CK_ANY; k++)
			if (strcasecmp(csvr_field(r, i), cust_key_name[k]) ==
			    0 && col[k] == (size_t)-1) {
				col[k] = i;
				have = 1;
			}
	if (!have) {
		warnx("stdin:%ld: a customer list needs a 'customer_id', "
		    "'account', 'phone' or 'email' column", csvr_line(r));
		csvr_close(r);
		return -1;
	}
	ins = store_prepare(db, "INSERT OR IGNORE INTO temp.custlist "
	    "VALUES (?)");
	if (ins == NULL)
		goto fail;
	while ((rc = csvr_next(r)) > 0) {
		for (k = 0; k < CK_ANY; k++)
			if (col[k] < csvr_nfields(r) &&
			    *csvr_field(r, col[k]) != '\0')
				break;
		if (k == CK_ANY)
			continue;	/* a row naming nobody */
		v = csvr_field(r, col[k]);
		if (k == CK_ID && crm_parse_int(v, 1, INT64_MAX, &id) != 0) {
			char mk[CRM_MASK_SIZE];

			/* A list may have come in another column's values. */
			warnx("stdin:%ld: field 'customer_id': '%s' is not a "
			    "customer id", csvr_line(r), crm_mask(v, mk));
			goto fail;
		}
		switch (cust_find(db, (enum cust_key)k, v, &cid, NULL)) {
		case 1:
			sqlite3_bind_int64(ins, 1, cid);
			if (store_step(ins) != SQLITE_DONE)
				goto fail;
			sqlite3_reset(ins);
			continue;
		case 2:
			several++;
			/* FALLTHROUGH */
		case 0:
			break;
		default:
			goto fail;
		}
		if (unknown++ == 0) {
			first_line = csvr_line(r);
			/* No id is written with a leading 0: that one is
			 * likely a phone in the wrong column. */
			buf_printf(&first, "%s %s", cust_key_name[k],
			    k == CK_ID && v[0] != '0' ? v : crm_mask(v, m));
		}
	}
	if (rc < 0)
		goto bad;
	if (unknown > 0)
		warnx("stdin:%ld: %lld customer%s of the list not in the store"
		    "%s, left out (the first: %s)", first_line,
		    (long long)unknown, unknown == 1 ? "" : "s", several > 0 ?
		    " or shared by several customers" : "", first.s);
	if (custlist_empty(db))
		nobody();
	sqlite3_finalize(ins);
	csvr_close(r);
	buf_free(&first);
	return 1;
bad:
	warnx("stdin:%ld: %s", csvr_line(r), csvr_error(r));
fail:
	sqlite3_finalize(ins);
	csvr_close(r);
	buf_free(&first);
	return -1;
}

/* ==== Why records are one customer ==== */

int
cust_explain(sqlite3 *db, int64_t id,
    void (*fn)(void *, const char *const f[5]), void *arg)
{
	sqlite3_stmt *st;
	const char *f[5];
	int rc, k;

	st = store_prepare(db,
	    "SELECT 'identity', kind, channel, value,"
	    "  CASE shared WHEN 0 THEN 'first given by ' || coalesce(claimant, '?')"
	    "  WHEN 1 THEN 'shared by different buyers: matches nobody'"
	    "  ELSE 'unlinked by hand: matches nobody' END"
	    " FROM identities WHERE customer_id = ?1"
	    " UNION ALL SELECT 'merge', substr(reason, 1, instr(reason, ' ') - 1),"
	    "  '', substr(reason, instr(reason, ' ') + 1),"
	    "  CASE WHEN reason LIKE 'split %' THEN 'customer ' || merged_id ||"
	    "  ' split from ' || kept_id || ' by hand' ELSE 'customer ' ||"
	    "  merged_id || ' merged into ' || kept_id ||"
	    "  coalesce(' by import ' || import_id, '') END"
	    " FROM merges WHERE kept_id = ?1 OR merged_id = ?1"
	    " ORDER BY 1 DESC, 2, 3, 4");
	if (st == NULL)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = store_step(st)) == SQLITE_ROW) {
		for (k = 0; k < 5; k++)
			f[k] = (const char *)sqlite3_column_text(st, k);
		fn(arg, f);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : -1;
}
