/*
 * fuzz_phone.c: arbitrary bytes through text_norm and then phone_norm,
 * email_norm, account_norm and text_width, as crm-import runs a field.
 * Checks that text_norm accepts exactly what a reference UTF-8 decoder
 * accepts and is idempotent, and that each canonical form is of the
 * promised shape and maps to itself.
 */
#include <ctype.h>

#include "fuzz.h"

#ifndef FUZZ_NAME
#define FUZZ_NAME LLVMFuzzerTestOneInput
#endif

int	FUZZ_NAME(const uint8_t *, size_t);

/*
 * A second, plain reading of well-formed UTF-8 (Unicode 15, table 3-7):
 * decode each sequence and refuse overlongs, surrogates and code points
 * above U+10FFFF by value rather than by the lead-byte ranges.
 */
static int
fphone_utf8(const unsigned char *s, size_t n)
{
	size_t i = 0, k, len;
	uint32_t c, min;

	while (i < n) {
		c = s[i];
		if (c < 0x80) {
			i++;
			continue;
		}
		if ((c & 0xe0) == 0xc0) {
			len = 2;
			c &= 0x1f;
			min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			len = 3;
			c &= 0x0f;
			min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			len = 4;
			c &= 0x07;
			min = 0x10000;
		} else
			return 0;
		if (n - i < len)
			return 0;
		for (k = 1; k < len; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return 0;
			c = c << 6 | (s[i + k] & 0x3f);
		}
		if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
			return 0;
		i += len;
	}
	return 1;
}

int
FUZZ_NAME(const uint8_t *data, size_t size)
{
	struct buf norm = { 0 }, again = { 0 }, out = { 0 }, out2 = { 0 };
	const char *p, *s = (const char *)data;
	enum ident_status st;
	int valid, ascii = 1, w;
	char *z;

	valid = fphone_utf8(data, size);
	FUZZ_ASSERT(utf8_valid(s, size) == valid);
	if (text_norm(s, size, &norm) != 0) {
		FUZZ_ASSERT(!valid);
		goto done;
	}
	FUZZ_ASSERT(utf8_valid(norm.s, norm.len));
	FUZZ_ASSERT(norm.len == 0 || (!isspace((unsigned char)norm.s[0]) &&
	    !isspace((unsigned char)norm.s[norm.len - 1])));
	FUZZ_ASSERT(text_norm(norm.s, norm.len, &again) == 0);
	FUZZ_ASSERT(again.len == norm.len &&
	    memcmp(again.s, norm.s, norm.len) == 0);

	st = phone_norm(norm.s, &out);
	if (st == ID_OK) {
		p = out.s;
		if (*p == '+')
			p++;
		FUZZ_ASSERT(*p != '\0');
		for (; *p != '\0'; p++)
			FUZZ_ASSERT(isdigit((unsigned char)*p));
		FUZZ_ASSERT(phone_norm(out.s, &out2) == ID_OK);
		FUZZ_ASSERT(strcmp(out.s, out2.s) == 0);
	}

	st = email_norm(norm.s, &out);
	if (st == ID_OK) {
		FUZZ_ASSERT((p = strchr(out.s, '@')) != NULL);
		FUZZ_ASSERT(strchr(p + 1, '@') == NULL);
		for (p = out.s; *p != '\0'; p++)
			FUZZ_ASSERT(!isupper((unsigned char)*p));
		FUZZ_ASSERT(email_norm(out.s, &out2) == ID_OK);
		FUZZ_ASSERT(strcmp(out.s, out2.s) == 0);
	}

	st = account_norm(norm.s, &out);
	if (st == ID_OK) {
		FUZZ_ASSERT(*out.s != '\0');
		FUZZ_ASSERT(account_norm(out.s, &out2) == ID_OK);
		FUZZ_ASSERT(strcmp(out.s, out2.s) == 0);
	}

	/* Printable ASCII takes a column a byte. */
	w = text_width(norm.s);
	FUZZ_ASSERT(w >= 0);
	for (p = norm.s; *p != '\0'; p++)
		if (*p < 0x20 || *p > 0x7e)
			ascii = 0;
	if (ascii)
		FUZZ_ASSERT(w == (int)strlen(norm.s));
done:
	/* text_width must also survive raw, unchecked bytes. */
	z = fuzz_cstr(data, size);
	(void)text_width(z);
	free(z);
	buf_free(&norm);
	buf_free(&again);
	buf_free(&out);
	buf_free(&out2);
	return 0;
}
