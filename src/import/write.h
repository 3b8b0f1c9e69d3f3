/*
 * write.h: crm-import's writes to the store (see write.c).  Each returns
 * 0 (an id where it says so), or -1 after the store said why.
 */
#ifndef IMPORT_WRITE_H
#define IMPORT_WRITE_H

#include "crm.h"
#include "import/settle.h"

struct run;

void	 bind_text_or_null(sqlite3_stmt *st, int i, const struct buf *b);
int	 run_stmt(sqlite3_stmt *st);
void	 write_finalize(struct run *r);
int	 write_touch(struct run *r, int64_t cid);
int	 write_keys_now(struct run *r);
int64_t	 write_product(struct run *r, const struct buf *sku,
	    const struct buf *name, const struct buf *cat);
int	 write_order(struct run *r, const struct settled *v, int64_t cid);
int	 write_file_end(struct run *r);
int	 write_currency(struct run *r, const char *code, const char *from);
int	 write_member(struct run *r, int64_t cid, const int64_t *joined,
	    const char *bday, const char *gender);
int	 write_tag(struct run *r, const char *tag, int64_t cid);
int	 write_event(struct run *r, const char *kind, int64_t at, int64_t cid,
	    const char *who, const char *campaign, const char *coupon);
/* What write_redemption() did. */
enum red_done {
	RED_NEW,
	RED_UPDATED,
	RED_SAME,		/* stored exactly so */
	RED_CLASH		/* given before in the file, otherwise */
};

int	 write_redemption(struct run *r, const char *channel,
	    const char *ref, int64_t cid, int64_t at, int64_t points);
int	 write_redemption_drop(struct run *r, const char *channel,
	    const char *ref);
int	 write_import_begin(struct run *r, const char *file);
int	 write_import_end(struct run *r, const char *sha256,
	    const char *encoding);

#endif
