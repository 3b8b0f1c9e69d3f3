/*
 * columns.h: an export's format and the columns of its fields (see
 * columns.c): the checks and overrides the options give, the header of
 * a file, status words.
 */
#ifndef IMPORT_COLUMNS_H
#define IMPORT_COLUMNS_H

#include "import/format.h"
#include "import/settle.h"

struct run;

int	 import_kind_known(const char *kind);
int	 currency_code(const char *s);
/* 0, or -1 after printing why (where names the option or file). */
int	 format_check(const struct format *f, const char *where);
int	 map_add(struct format *m, char *spec);
int	 map_file(struct format *m, const char *path);
int	 status_parse(const struct format *f, const char *s, enum status *st);
/* Reads the header of r->in: its format and column map; 0, or -1. */
int	 read_header(struct run *r);

#endif
