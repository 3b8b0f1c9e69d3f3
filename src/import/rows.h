/*
 * rows.h: reading an export's rows (see rows.c).  Each take_ function
 * reads the current row of r->in: 0, 1 when the row is bad
 * (r->bad_field and r->bad_why say why), or -1 to stop the run.
 */
#ifndef IMPORT_ROWS_H
#define IMPORT_ROWS_H

struct run;

int	 take_row(struct run *r);	/* a line of an order */
int	 take_member(struct run *r);
int	 take_event(struct run *r);
int	 take_claim(struct run *r);
int	 take_redemption(struct run *r);
/* With --blanks, lists the current row's fields that are not empty. */
void	 row_blanks(struct run *r);
/* Settles and stores the order the rows built: 0, or -1. */
int	 flush_order(struct run *r);

#endif
