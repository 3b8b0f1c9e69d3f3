/*
 * playbook.h: the playbook file of crm-playbook(1), parsed into steps,
 * and the two hashes that make a run reproducible (per-contact coupon
 * codes and the holdout draw).  No SQLite here, so that the parser can
 * be unit-tested on its own.
 */
#ifndef PLAYBOOK_H
#define PLAYBOOK_H

#include <stdint.h>
#include <stdio.h>

struct buf;
struct programme;

/* Audience kinds. */
enum pb_audience {
	AUD_STAGES,		/* one or more NAPL stages */
	AUD_SEGMENT,		/* a crm-segment expression */
	AUD_EVERYONE		/* every customer and member */
};

/* Lifecycle stages, as bits of pb_step.stages: 1 << enum crm_stage. */
#define STAGE_POTENTIAL	0x01
#define STAGE_NEW	0x02
#define STAGE_ACTIVE	0x04
#define STAGE_LOST	0x08
#define STAGE_PURCHASED	(STAGE_NEW | STAGE_ACTIVE | STAGE_LOST)

/* Triggers: when a customer of the audience becomes due. */
enum pb_trigger {
	TRIG_FIRST,		/* days after the first purchase */
	TRIG_PURCHASE,		/* days after the latest purchase */
	TRIG_NTH,		/* days after the nth purchase day */
	TRIG_CYCLE,		/* days after the repurchase cycle came round */
	TRIG_LOST,		/* days after turning lost */
	TRIG_JOINED,		/* days after joining, never bought */
	TRIG_BIRTHDAY,		/* days before the birthday */
	TRIG_WINDOW,		/* once inside a campaign's date window */
	TRIG_P_ALIVE,		/* P(alive) fell below level since yesterday */
	TRIG_POINTS_LAPSE,	/* points came within days of lapsing */
	TRIG_TIER_REACHED,	/* a higher tier than the day before */
	TRIG_TIER_LOST		/* the tier held goes within days */
};

/* How a step reaches a customer. */
enum pb_via {
	VIA_ANY,		/* email, else a text message */
	VIA_EMAIL,
	VIA_SMS
};

/* One variant of an A/B test: what differs from the step. */
struct pb_variant {
	char	*name;
	long	 line;			/* its "variant" line */
	int	 share;			/* of the treatment, basis points */
	char	*template;		/* the step's unless given */
	int64_t	 threshold;		/* the step's unless given */
	int64_t	 discount;		/* the step's unless given, or */
	int	 discount_pct;		/* percent off */
};

struct pb_step {
	char	*name;			/* unique within the playbook */
	long	 line;			/* line of its "step" line */
	enum pb_audience aud;
	unsigned stages;		/* STAGE_* bits, for AUD_STAGES */
	char	*segment;		/* the expression, for AUD_SEGMENT */
	char	*audience;		/* the audience as written */
	long	 aud_line;		/* line of its "audience" line */
	enum pb_trigger trig;
	int64_t	 days;			/* the trigger's N days */
	int64_t	 nth;			/* TRIG_NTH: which purchase day */
	int64_t	 from, to;		/* TRIG_WINDOW: first and last day */
	double	 level;			/* TRIG_P_ALIVE: 0 < level < 1 */
	char	*template;		/* message template id */
	char	*coupon;		/* code prefix, or NULL: no coupon */
	int64_t	 threshold;		/* minimum spend, minor units */
	int64_t	 discount;		/* amount off, minor units, or */
	int	 discount_pct;		/* percent off (1-100), or 0 */
	int64_t	 valid;			/* days the code stays valid */
	int64_t	 priority;		/* higher wins under the cap */
	int	 holdout;		/* share held out, basis points */
	enum pb_via via;
	struct pb_variant *variants;	/* none, or two or more */
	size_t	 nvariants;
};

struct playbook {
	char	*file;			/* file name, for messages */
	char	*name;			/* "playbook NAME": kept in contacts */
	int64_t	 cap;			/* one message per customer in cap days */
	int64_t	 seed;			/* holdout draw and coupon code salt */
	int64_t	 measure;		/* results: bought within this many days */
	char	*programme;		/* the points programme file, or NULL:
					 * as written, from the playbook's
					 * folder when relative */
	struct programme *pg;		/* playbook_load(): that file read */
	struct pb_step *steps;
	size_t	 nsteps;
};

#define PB_CODE_LEN	10		/* characters after "PREFIX-" */
#define PB_CODE_MAX	(32 + 1 + PB_CODE_LEN + 1)

/*
 * Reads a playbook from fp; file names it in messages.  Returns 0, or -1
 * with every mistake in err as "FILE:LINE: message", one a line, in the
 * order of the lines.
 */
int	 playbook_read(FILE *fp, const char *file, struct playbook *pb,
	    struct buf *err);
void	 playbook_free(struct playbook *pb);
/* The step named name, or NULL. */
const struct pb_step *playbook_step(const struct playbook *pb,
	    const char *name);

/*
 * The coupon code of one contact: the step's prefix, '-', and
 * PB_CODE_LEN characters of Crockford base 32 from SHA-256 of the seed,
 * playbook, step, customer and day.  out has PB_CODE_MAX bytes.
 */
void	 playbook_code(const struct playbook *pb, const struct pb_step *s,
	    int64_t customer, int64_t day, char *out);
/*
 * 1 when the customer is in the step's holdout: SHA-256 of the seed,
 * playbook, step and customer, taken as a number in [0, 10000), is
 * below the step's holdout share in basis points.  The same customer
 * always draws the same way for the same step and seed.
 */
int	 playbook_holdout(const struct playbook *pb, const struct pb_step *s,
	    int64_t customer);
/*
 * The variant a treatment customer of a step with variants gets (its
 * index): SHA-256 of the seed, playbook, step, customer and the word
 * "variant", taken as a number in [0, 10000), falls in the variant's
 * share, the shares laid end to end in the file's order.
 */
size_t	 playbook_variant(const struct playbook *pb, const struct pb_step *s,
	    int64_t customer);
/* The stage bits named by a word ("new", "purchased", ...), or 0. */
unsigned playbook_stage(const char *word);

/* Reads and checks the file at path ("-": stdin); prints the error
 * and returns -1. */
int	playbook_load(const char *path, struct playbook *pb);

struct segexpr;
/*
 * Compiles the segment audiences of pb into sel[step] (when sel is NULL,
 * only checks them, every one).  Returns 0, or -1 after printing
 * "FILE:LINE: error".
 */
int	playbook_compile_segments(const struct playbook *pb,
	    struct segexpr **sel);
void	playbook_free_segments(const struct playbook *pb,
	    struct segexpr **sel);

#endif /* PLAYBOOK_H */
