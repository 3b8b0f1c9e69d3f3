/*
 * format.h: export formats read from share/formats/NAME.fmt (see format.c).
 */
#ifndef FORMAT_H
#define FORMAT_H

#include <stddef.h>

struct fmt_entry {
	char	 *key;			/* a field or a setting */
	char	**vals;			/* its column names or values */
	size_t	  nvals;
};

struct format {
	char	 *name;			/* "shopee" */
	char	 *kind;			/* orders, members, events, claims */
	char	 *channel;		/* for rows without a channel column */
	char	**detect;		/* columns that recognise it */
	size_t	  ndetect;
	struct fmt_entry *entries;
	size_t	  nentries;
	char	 *file;			/* where it was read from */
};

struct format *format_load(const char *path);
struct format *format_find(const char *name);
size_t	 format_all(struct format ***out);
void	 format_free(struct format *f);
int	 format_line(struct format *f, char *line, const char **why);
const struct fmt_entry *format_get(const struct format *f, const char *key);
const char *format_setting(const struct format *f, const char *key);
int	 format_score(const struct format *f, char *const *hdr, size_t n,
	    struct buf *missing);
int	 header_matches(const char *hdr, const char *want, int prefix);

#endif
