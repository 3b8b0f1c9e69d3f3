/*
 * mask.c: messages never show a whole phone number or e-mail address.
 * A phone keeps its first 4 and last 3 bytes (0912***666), an e-mail
 * the first character of its name and its domain (a***@example.com); a
 * short value keeps less.  A cut inside a UTF-8 character moves on to
 * the next one.
 */
#include <string.h>

#include "crm.h"
#include "import/mask.h"

/* The first character boundary at or after byte i of s. */
static size_t
boundary(const char *s, size_t i)
{
	while (((unsigned char)s[i] & 0xc0) == 0x80)
		i++;
	return i;
}

/* Writes s masked into out; returns out->s. */
const char *
mask_contact(const char *s, struct buf *out)
{
	const char *at = strrchr(s, '@');
	size_t n = strlen(s), head, tail;

	buf_reset(out);
	if (at != NULL) {
		head = at > s ? boundary(s, 1) : 0;
		if (head > (size_t)(at - s))
			head = (size_t)(at - s);
		buf_add(out, s, head);
		buf_adds(out, "***");
		buf_adds(out, at);
		return out->s;
	}
	if (n >= 8) {
		head = boundary(s, 4);
		tail = boundary(s, n - 3);
		if (tail < head)
			tail = head;
	} else {
		head = n > 2 ? boundary(s, 1) : 0;
		tail = n;
	}
	buf_add(out, s, head);
	buf_adds(out, "***");
	buf_adds(out, s + tail);
	return out->s;
}
