/*
 * format.c: export formats as small plain-text files (share/formats/NAME.fmt)
 * that say which column holds each field, so a shop can copy and correct
 * one without recompiling.  A file is lines of "key = value":
 *
 *	# Shopee Taiwan order export
 *	format     = shopee
 *	kind       = orders
 *	default_channel = shopee
 *	detect     = 訂單編號, 買家帳號, 訂單成立日期
 *	order_id   = 訂單編號 | 訂單編號 (單) | Order ID
 *	status 待出貨 = pending
 *
 * A field's value lists the column names it may have, separated by '|';
 * every one present in a file is read, and in each row the first that is
 * not empty wins.  "detect" lists the columns (each with '|' spellings)
 * that must all be present for the format to be recognised.  "status WORD
 * = STATUS" teaches a status word; other keys are settings the importer
 * knows (order_key_length, cancel_unless).
 */
#include <dirent.h>
#include <err.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "crm.h"
#include "import/format.h"

#ifndef CRM_DATADIR
#define CRM_DATADIR "/usr/local/share/crmkit"
#endif

static char *
trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' ||
	    e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Splits s at sep into trimmed, non-empty pieces appended to v. */
static void
split(char *s, int sep, char ***v, size_t *n)
{
	char *p, *next;

	for (p = s; p != NULL; p = next) {
		if ((next = strchr(p, sep)) != NULL)
			*next++ = '\0';
		p = trim(p);
		if (*p == '\0')
			continue;
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[(*n)++] = xstrdup(p);
	}
}

static struct fmt_entry *
entry(struct format *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nentries; i++)
		if (strcmp(f->entries[i].key, key) == 0)
			return &f->entries[i];
	f->entries = xrealloc(f->entries, (f->nentries + 1) *
	    sizeof(*f->entries));
	memset(&f->entries[f->nentries], 0, sizeof(*f->entries));
	f->entries[f->nentries].key = xstrdup(key);
	return &f->entries[f->nentries++];
}

static void
entry_clear(struct fmt_entry *e)
{
	size_t i;

	for (i = 0; i < e->nvals; i++)
		free(e->vals[i]);
	free(e->vals);
	e->vals = NULL;
	e->nvals = 0;
}

/*
 * Reads one "key = value" line into f.  Returns 0, or -1 with *why set.
 * is_field says which keys name fields of the format's kind.
 */
int
format_line(struct format *f, char *line, const char **why)
{
	char *eq, *key, *val;
	struct fmt_entry *e;

	line = trim(line);
	if (*line == '\0' || *line == '#')
		return 0;
	if ((eq = strchr(line, '=')) == NULL) {
		*why = "expected 'key = value'";
		return -1;
	}
	*eq = '\0';
	key = trim(line);
	val = trim(eq + 1);
	if (*key == '\0') {
		*why = "empty key";
		return -1;
	}
	if (strcmp(key, "format") == 0) {
		free(f->name);
		f->name = xstrdup(val);
	} else if (strcmp(key, "kind") == 0) {
		free(f->kind);
		f->kind = xstrdup(val);
	} else if (strcmp(key, "default_channel") == 0) {
		free(f->channel);
		f->channel = xstrdup(val);
	} else if (strcmp(key, "detect") == 0) {
		for (size_t i = 0; i < f->ndetect; i++)
			free(f->detect[i]);
		f->ndetect = 0;
		split(val, ',', &f->detect, &f->ndetect);
	} else {
		e = entry(f, key);
		entry_clear(e);
		split(val, '|', &e->vals, &e->nvals);
	}
	return 0;
}

/* Reads a format file; returns NULL after printing "file:line: why". */
struct format *
format_load(const char *path)
{
	struct format *f;
	FILE *fp;
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	const char *why;

	if ((fp = fopen(path, "r")) == NULL) {
		warn("%s", path);
		return NULL;
	}
	f = xmalloc(sizeof(*f));
	memset(f, 0, sizeof(*f));
	f->file = xstrdup(path);
	while (getline(&line, &cap, fp) >= 0) {
		lineno++;
		if (!utf8_valid(line, strlen(line))) {
			warnx("%s:%ld: not UTF-8", path, lineno);
			goto fail;
		}
		if (format_line(f, line, &why) != 0) {
			warnx("%s:%ld: %s", path, lineno, why);
			goto fail;
		}
	}
	if (f->name == NULL) {
		const char *b = strrchr(path, '/');
		char *dot;

		f->name = xstrdup(b != NULL ? b + 1 : path);
		if ((dot = strrchr(f->name, '.')) != NULL)
			*dot = '\0';
	}
	if (f->kind == NULL)
		f->kind = xstrdup("orders");
	free(line);
	fclose(fp);
	return f;
fail:
	free(line);
	fclose(fp);
	format_free(f);
	return NULL;
}

void
format_free(struct format *f)
{
	size_t i;

	if (f == NULL)
		return;
	for (i = 0; i < f->nentries; i++) {
		entry_clear(&f->entries[i]);
		free(f->entries[i].key);
	}
	for (i = 0; i < f->ndetect; i++)
		free(f->detect[i]);
	free(f->detect);
	free(f->entries);
	free(f->name);
	free(f->kind);
	free(f->channel);
	free(f->file);
	free(f);
}

/* The column names listed for key, or NULL. */
const struct fmt_entry *
format_get(const struct format *f, const char *key)
{
	size_t i;

	for (i = 0; i < f->nentries; i++)
		if (strcmp(f->entries[i].key, key) == 0)
			return &f->entries[i];
	return NULL;
}

/* The first value of setting key, or NULL. */
const char *
format_setting(const struct format *f, const char *key)
{
	const struct fmt_entry *e = format_get(f, key);

	return e != NULL && e->nvals > 0 ? e->vals[0] : NULL;
}

#define NDIRS	4

/*
 * Where format files live, in the order they are searched: $CRM_FORMATS;
 * beside the program's bin/, share/formats (a build tree) and
 * share/crmkit/formats (an installed tree, wherever it was moved); and
 * the data directory named when it was built.
 */
static int
format_dirs(char dirs[NDIRS][PATH_MAX])
{
	char exe[PATH_MAX], *slash;
	const char *env = getenv("CRM_FORMATS");
	ssize_t n;
	int k = 0;

	if (env != NULL && *env != '\0')
		snprintf(dirs[k++], PATH_MAX, "%s", env);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			if ((slash = strrchr(exe, '/')) != NULL) {
				*slash = '\0';
				snprintf(dirs[k++], PATH_MAX, "%.*s/share/formats",
				    PATH_MAX - 30, exe);
				snprintf(dirs[k++], PATH_MAX,
				    "%.*s/share/crmkit/formats", PATH_MAX - 30,
				    exe);
			}
		}
	}
	snprintf(dirs[k++], PATH_MAX, "%s/formats", CRM_DATADIR);
	return k;
}

/* Finds and loads the format called name; NULL after printing why. */
struct format *
format_find(const char *name)
{
	char dirs[NDIRS][PATH_MAX];
	struct buf path = { 0 };
	struct format *f = NULL;
	int i, n = format_dirs(dirs);

	if (strchr(name, '/') != NULL || *name == '.') {
		warnx("'%s' is not a format name (use --format-file)", name);
		return NULL;
	}
	for (i = 0; i < n && f == NULL; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s.fmt", dirs[i], name);
		if (access(path.s, R_OK) == 0)
			f = format_load(path.s);
	}
	buf_free(&path);
	return f;
}

static int
cmp_name(const void *a, const void *b)
{
	const struct format *fa = *(struct format *const *)a;
	const struct format *fb = *(struct format *const *)b;

	return strcmp(fa->name, fb->name);
}

/*
 * Every known format (each name once, the first found in the search
 * order), sorted by name.  Returns the count; *out holds them.
 */
size_t
format_all(struct format ***out)
{
	char dirs[NDIRS][PATH_MAX];
	struct buf path = { 0 };
	char **names = NULL;
	struct format **v = NULL, *f;
	struct dirent *de;
	DIR *d;
	size_t nn = 0, nv = 0, i, len;
	int k, n = format_dirs(dirs);

	for (k = 0; k < n; k++) {
		if ((d = opendir(dirs[k])) == NULL)
			continue;
		while ((de = readdir(d)) != NULL) {
			len = strlen(de->d_name);
			if (len < 5 || strcmp(de->d_name + len - 4, ".fmt") != 0)
				continue;
			names = xrealloc(names, (nn + 1) * sizeof(*names));
			names[nn] = xmalloc(len - 3);
			memcpy(names[nn], de->d_name, len - 4);
			names[nn][len - 4] = '\0';
			for (i = 0; i < nn; i++)
				if (strcmp(names[i], names[nn]) == 0)
					break;
			if (i < nn) {
				free(names[nn]);
				continue;
			}
			buf_reset(&path);
			buf_printf(&path, "%s/%s", dirs[k], de->d_name);
			if ((f = format_load(path.s)) == NULL) {
				free(names[nn]);
				continue;
			}
			nn++;
			v = xrealloc(v, (nv + 1) * sizeof(*v));
			v[nv++] = f;
		}
		closedir(d);
	}
	for (i = 0; i < nn; i++)
		free(names[i]);
	free(names);
	buf_free(&path);
	if (nv > 1)
		qsort(v, nv, sizeof(*v), cmp_name);
	*out = v;
	return nv;
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/*
 * Header names match case-insensitively, after NFKC and trimming, and
 * spaces do not count ("退貨 / 退款狀態" is "退貨/退款狀態").  With
 * prefix set, a header that goes on after the name with a parenthesis or
 * a line break, as Shopee's explanations do, matches on its leading name.
 */
int
header_matches(const char *hdr, const char *want, int prefix)
{
	const unsigned char *h = (const unsigned char *)hdr;
	const unsigned char *w = (const unsigned char *)want;

	for (;;) {
		while (*w == ' ')
			w++;
		while (*h == ' ' && *w != '\0')
			h++;
		if (*w == '\0')
			break;
		if (lower(*h) != lower(*w))
			return 0;
		h++;
		w++;
	}
	if (*h == '\0')
		return 1;
	if (!prefix)
		return 0;
	while (*h == ' ')
		h++;
	return *h == '(' || *h == '\n' || *h == '\r' ||
	    strncmp((const char *)h, "\xef\xbc\x88", 3) == 0;
}

/*
 * How well the header fits f: the number of its detect columns present
 * (all of them: f->ndetect).  The first name of each one absent is
 * added to missing, quoted, after a comma when it is not the first.
 */
int
format_score(const struct format *f, char *const *hdr, size_t n,
    struct buf *missing)
{
	char **alts;
	size_t i, j, k, nalts;
	int found, score = 0;

	for (i = 0; i < f->ndetect; i++) {
		char *spec = xstrdup(f->detect[i]);

		alts = NULL;
		nalts = 0;
		split(spec, '|', &alts, &nalts);
		free(spec);
		found = 0;
		for (j = 0; j < n && !found; j++)
			for (k = 0; k < nalts && !found; k++)
				found = header_matches(hdr[j], alts[k], 1);
		if (found)
			score++;
		else if (missing != NULL)
			buf_printf(missing, "%s'%s'", missing->len ? ", " : "",
			    nalts > 0 ? alts[0] : f->detect[i]);
		for (k = 0; k < nalts; k++)
			free(alts[k]);
		free(alts);
	}
	return score;
}
