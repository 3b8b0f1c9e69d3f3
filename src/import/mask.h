/*
 * mask.h: a phone number or e-mail address as a message may show it
 * (see mask.c).
 */
#ifndef IMPORT_MASK_H
#define IMPORT_MASK_H

#include "crm.h"

const char *mask_contact(const char *s, struct buf *out);

#endif
