/*
 * buyers.h: matching buyers to customers and merging customers (see
 * buyers.c).
 */
#ifndef IMPORT_BUYERS_H
#define IMPORT_BUYERS_H

#include <stdint.h>

struct run;

/* The customer of r->ord, found or created; -1 on a store error. */
int64_t	 resolve_customer(struct run *r);
/* Folds customer gone into kept, logging why; 0, or -1. */
int	 merge_customers(struct run *r, int64_t kept, int64_t gone,
	    const char *why);
/* An order of customer cid was stored under r->buyer, taken from
 * customer was (0: none); see other_buyer. */
void	 buyers_order_stored(struct run *r, int64_t cid, int64_t was);
/*
 * The customer a value of kind points at within channel (NULL: in any
 * channel); 0 when none or the value is shared, -1 on a store error.
 */
int64_t	 buyer_lookup(struct run *r, const char *kind, const char *channel,
	    const char *v);

#endif
