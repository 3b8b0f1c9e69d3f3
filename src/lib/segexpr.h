/*
 * segexpr.h: crm-segment's audience expressions ("orders >= 2 and spent >
 * 3000", "bought(sku = 'SKU-0042', since -30d) >= 1"), compiled once and
 * run as parameterised SQL against the store.  crm-segment(1) documents
 * the language; crm-playbook uses it for audiences.
 */
#ifndef SEGEXPR_H
#define SEGEXPR_H

#include <stdint.h>

#include <sqlite3.h>

#include "crm.h"

/*
 * What an expression may hold.  The SQL it becomes must fit SQLite's
 * limits: a parser stack of 100 entries (nesting), 1000 levels of
 * expression tree, 32766 parameters, 64 tables in a join.
 */
#define SEGEXPR_MAX_LEN		65536	/* bytes */
#define SEGEXPR_MAX_DEPTH	100	/* open "(" and "not" */
#define SEGEXPR_MAX_CONDS	1000	/* conditions */
#define SEGEXPR_MAX_VALUES	10000	/* values compared with */
#define SEGEXPR_MAX_JOINS	60	/* bought() and units() */
#define SEGEXPR_MAX_PDAYS	16	/* points_expiring()'s days */

/* A compiled crm-segment audience expression. */
struct segexpr;

/*
 * Compiles expr.  On error returns NULL and fills err with a message that
 * shows the expression and a caret line under the column where it went
 * wrong (three lines, no trailing newline; print it with warnx("%s")).
 */
struct segexpr *segexpr_compile(const char *expr, struct buf *err);

/*
 * Creates TEMP table `into` (customer_id INTEGER PRIMARY KEY) holding the
 * customers (buyers and members) that match, as of day asof with lost
 * threshold lost_days (for stage conditions).  Needs stats_asof(db, asof)
 * done first.  Returns 0, or -1 after printing why.  All values are bound
 * parameters.  It also leaves TEMP table segexpr_stage (the
 * lifecycle_table() of asof), which `into` must not be named, and, when
 * the expression has RFM conditions, registers the SQL function rfm()
 * (see rfm.h) on db.
 */
int	segexpr_select(sqlite3 *db, const struct segexpr *e, int64_t asof,
	    int64_t lost_days, const char *into);

/* Nonzero when e has RFM conditions (r, f, m, rfm, rfm_segment). */
int	segexpr_uses_rfm(const struct segexpr *e);
/*
 * Nonzero when e has stage conditions (stage, new, active, lost,
 * potential): only then does lost_days matter, and a caller may skip
 * computing the repurchase cycle.
 */
int	segexpr_uses_stage(const struct segexpr *e);

/* Nonzero when e has points conditions (points, tier, points_expiring). */
int	segexpr_uses_points(const struct segexpr *e);
struct programme;
/* The points programme of e's points conditions; pg must outlive e's
 * use.  Without one, segexpr_select() refuses them. */
void	segexpr_set_programme(struct segexpr *e, const struct programme *pg);

struct rfm_rules;
/*
 * Names rfm_segment by rules (see rfm.h) instead of the default table;
 * rules must outlive e's use.
 */
void	segexpr_set_rules(struct segexpr *e, const struct rfm_rules *rules);

/*
 * Segment names (of the rules set, or the default table; any case) and
 * tags (the store's) that e compares for equality must exist.  Returns
 * 0, -1 with why in err, or -2 on a store error (said on stderr).
 */
int	segexpr_check_names(sqlite3 *db, struct segexpr *e, struct buf *err);

void	segexpr_free(struct segexpr *e);

#endif /* SEGEXPR_H */
