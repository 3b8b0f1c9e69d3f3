/*
 * custlist.c: customer lists on stdin, so filters compose in pipes
 * (crm-segment lost | crm-report cycle).
 */
#include <sys/stat.h>

#include <err.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crm.h"

/*
 * A list is any CSV or TSV with a customer_id column; the delimiter is
 * taken from the header line.  Only a pipe or a regular file on stdin is
 * read unless force is set, so that cron's /dev/null and a terminal mean
 * "no list".
 */
int
custlist_load(sqlite3 *db, int force)
{
	struct stat sb;
	struct csvr *r;
	sqlite3_stmt *ins = NULL;
	size_t i, col = (size_t)-1;
	long long id;
	int rc;

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
		return 1;		/* an empty list: nobody */
	}
	if (rc < 0)
		goto bad;
	for (i = 0; i < csvr_nfields(r); i++)
		if (strcasecmp(csvr_field(r, i), "customer_id") == 0)
			col = i;
	if (col == (size_t)-1) {
		warnx("stdin:%ld: a customer list needs a 'customer_id' "
		    "column", csvr_line(r));
		csvr_close(r);
		return -1;
	}
	ins = store_prepare(db, "INSERT OR IGNORE INTO temp.custlist "
	    "VALUES (?)");
	if (ins == NULL)
		goto fail;
	while ((rc = csvr_next(r)) > 0) {
		if (crm_parse_int(csvr_field(r, col), 1, INT64_MAX, &id) != 0) {
			warnx("stdin:%ld: field 'customer_id': '%s' is not a "
			    "customer id", csvr_line(r), csvr_field(r, col));
			goto fail;
		}
		sqlite3_bind_int64(ins, 1, id);
		if (store_step(ins) != SQLITE_DONE)
			goto fail;
		sqlite3_reset(ins);
	}
	if (rc < 0)
		goto bad;
	sqlite3_finalize(ins);
	csvr_close(r);
	return 1;
bad:
	warnx("stdin:%ld: %s", csvr_line(r), csvr_error(r));
fail:
	sqlite3_finalize(ins);
	csvr_close(r);
	return -1;
}
