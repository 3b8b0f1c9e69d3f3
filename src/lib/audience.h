/*
 * audience.h: crm-segment's audiences in the store.  An audience is a
 * TEMP table of customer_id (AUDIENCE_TABLE, made by segexpr_select, or
 * the stage table itself for napl); audience.c narrows it to a customer
 * list, counts it and prints it with the --columns asked for; tags.c
 * saves it as a tag.
 */
#ifndef AUDIENCE_H
#define AUDIENCE_H

#include <stdint.h>
#include <stdio.h>

#include <sqlite3.h>

#include "crm.h"

#define AUDIENCE_TABLE	"audience"	/* an expression's customers */
#define AUDIENCE_STAGES	"segexpr_stage"	/* napl: the stage table */

#define AUDIENCE_MAXCOLS 64

/*
 * The account a shop can write to in a platform's chat (a Shopee buyer
 * whose phone is masked and who gave no e-mail can be reached so), as
 * "shopee:wen_0529", of the customer whose id is SQL expression id:
 * column chat_account, and crm-playbook run's chat channel.
 */
#define AUDIENCE_CHAT_ACCOUNT(id) "(SELECT i.channel || ':' || i.value" \
	" FROM identities i WHERE i.customer_id = " id " AND i.kind =" \
	" 'account' AND i.channel IN ('shopee') ORDER BY i.channel, i.value" \
	" LIMIT 1)"

struct audience_column;

struct audience_out {
	int64_t	 asof;
	int64_t	 lost;			/* the lost threshold used */
	int	 delim;			/* ',' or '\t' */
	int	 napl;			/* stage, days_since, lost_after */
	int	 stream;		/* napl: no stage table, the stages
					 * read as made (lifecycle_stream) */
	const struct audience_column *col[AUDIENCE_MAXCOLS];	/* --columns */
	size_t	 ncol;
	int	 need_rfm;		/* a column needs the RFM table */
	int	 need_stage;		/* a column needs the lost threshold */
	int	 bins;			/* lookup: RFM scores 1..bins, 0: 5 */
	const char *within;		/* lookup: RFM over this TEMP table */
};

/* ==== audience.c ==== */

/*
 * Adds the --columns of list to o (names of columns, or of the presets
 * mail, sms and plain: crm(7) COLUMNS); 0, or -1 after saying which is
 * wrong.
 */
int	 audience_columns(struct audience_out *o, const char *list);
/* Makes the stage table the columns of r read, if they read one and it
 * is not there (after segexpr_select, which makes none); 0, or -1. */
int	 audience_stage_table(sqlite3 *db, const struct audience_out *r);
/* Keeps only the customers of temp.custlist (custlist_load()). */
int	 audience_narrow(sqlite3 *db, int napl);
/* How many customers the audience has, or -1. */
int64_t	 audience_count(sqlite3 *db, int napl);
/* napl: customers per stage, by enum crm_stage. */
int	 audience_stages(sqlite3 *db, int64_t n[CRM_NSTAGES]);
/*
 * Writes the audience in customer_id order to fp, a header, then a row
 * at a time, one write per row.  0, or -1 on a store error.
 */
int	 audience_print(sqlite3 *db, const struct audience_out *o, FILE *fp);

/*
 * For a spreadsheet (--xlsx, --excel, --encoding big5): audience_print's
 * rows as typed table cells on o (amounts, counts, days, text); the
 * columns of o added to table t (0, or -1 after a message when t would
 * have more than TABLE_MAXCOLS).
 */
struct table;
struct tout;
int	 audience_write(sqlite3 *db, const struct audience_out *o,
	    struct tout *out);
int	 audience_table_cols(const struct audience_out *o, struct table *t);

/* The name of o's column i. */
const char *audience_column_name(const struct audience_out *o, size_t i);
/* Appends the names of o's columns to line, each after a delimiter. */
void	 audience_header(const struct audience_out *o, struct buf *line);

/*
 * The columns of o for a program that writes its own rows (crm-rfm,
 * crm-playbook run): audience_lookup_open() makes what they need (the
 * as-of statistics of o->asof unless made, the stages with the lost
 * threshold of lost_after, the rfm() function of rules), then
 * audience_lookup_row() appends customer id's columns to line.  NULL or
 * -1 after printing why.
 */
struct audience_lookup;
struct rfm_rules;
struct audience_lookup *audience_lookup_open(sqlite3 *db,
	    struct audience_out *o, int64_t lost_after,
	    const struct rfm_rules *rules);
int	 audience_lookup_row(struct audience_lookup *l, int64_t id,
	    struct buf *line);
/* Adds customer id's columns to table t as typed cells. */
int	 audience_lookup_cells(struct audience_lookup *l, int64_t id,
	    struct table *t);
/* Calls fn(arg, column name, value as text) for each column of id. */
int	 audience_lookup_each(struct audience_lookup *l, int64_t id,
	    void (*fn)(void *, const char *, const char *), void *arg);
void	 audience_lookup_close(struct audience_lookup *l);
/*
 * audience_lookup_each()'s fn for a table: arg is the struct table,
 * each value a cell (an empty one a null cell).
 */
void	 audience_table_cell(void *arg, const char *name, const char *value);

/* ==== tags.c ==== */

/*
 * Tag tag becomes exactly the audience when keep (customers who no longer
 * match lose it), else it is removed from everyone; one transaction.
 * Sets how many customers gained and lost it.  0, or -1.
 */
int	 tag_save(sqlite3 *db, const char *tag, int keep, int64_t *added,
	    int64_t *removed);

#endif /* AUDIENCE_H */
