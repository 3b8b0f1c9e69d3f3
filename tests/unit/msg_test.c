/*
 * msg_test.c: crm_mask, the one way a message shows a phone, an e-mail
 * or another value a customer gave.  The expected values are written
 * out by hand from the rule in crm.h.
 */
#include <string.h>

#include "crm.h"
#include "unit.h"

static const char *
mask(const char *s)
{
	static char out[CRM_MASK_SIZE];

	return crm_mask(s, out);
}

int
main(void)
{
	char big[600], out[CRM_MASK_SIZE];
	size_t i;

	/* Phones: the first 4 and the last 3 digits. */
	CHECK_STR(mask("0912345666"), "0912***666");
	CHECK_STR(mask("0912-345-666"), "0912***666");
	CHECK_STR(mask("+886 912 345 666"), "+8869***666");
	CHECK_STR(mask("(02) 2345-6789"), "0223***789");
	CHECK_STR(mask("1234567"), "1234***567");
	/* Six digits are no phone: a quarter at each end. */
	CHECK_STR(mask("123456"), "1***6");

	/* E-mail: the first character and the domain. */
	CHECK_STR(mask("alice@example.com"), "a***@example.com");
	CHECK_STR(mask("alice@secret.example"), "a***@secret.example");
	CHECK_STR(mask("a@b.c"), "a***@b.c");
	CHECK_STR(mask("@example.com"), "***@example.com");
	CHECK_STR(mask("x@"), "x***@");
	CHECK_STR(mask("陳怡君@例子.台灣"), "陳***@例子.台灣");
	/* The last '@' separates the domain. */
	CHECK_STR(mask("a@b@example.com"), "a***@example.com");

	/* Anything else: at most a quarter of it at each end. */
	CHECK_STR(mask("09123abc45"), "09***45");
	CHECK_STR(mask("call me"), "c***e");
	CHECK_STR(mask("abc"), "***");
	CHECK_STR(mask("陳怡君"), "***");
	CHECK_STR(mask("王小明先生收"), "王***收");
	CHECK_STR(mask("******1234"), "*****34");
	CHECK_STR(mask("a very long note about the customer"),
	    "a ve***mer");
	CHECK_STR(mask(""), "");
	CHECK_STR(mask(NULL), "");

	/* Nothing that moves or hides text reaches a log. */
	CHECK_STR(mask("ab\033[2Jcdefgh"), "ab?***fgh");
	CHECK_STR(mask("x\xe2\x80\xae" "abcdefghijkl@d.e"), "x***@d.e");
	CHECK_STR(mask("\xe2\x80\xae" "abcdefg"), "?a***fg");
	CHECK_STR(mask("\xc2\x85" "bcdefghij"), "?b***ij");
	/* Not UTF-8: bytes, the high ones as '?'. */
	CHECK_STR(mask("\xa7\x41\xa7\x42\xa7\x43\xa7\x44"), "?A***?D");

	/* A long domain is cut on a character, within the size. */
	memset(big, 'd', sizeof(big));
	big[0] = 'u';
	big[1] = '@';
	big[sizeof(big) - 1] = '\0';
	crm_mask(big, out);
	CHECK_INT(strlen(out), CRM_MASK_SIZE - 1);
	CHECK(strncmp(out, "u***@ddd", 8) == 0);
	for (i = 0; i + 3 < sizeof(big) - 1; i += 3)
		memcpy(big + 2 + i, "例", 3);
	big[2 + i] = '\0';
	crm_mask(big, out);
	CHECK(utf8_valid(out, strlen(out)));
	CHECK(strlen(out) >= CRM_MASK_SIZE - 3);
	big[1] = 'v';
	CHECK_STR(crm_mask(big, out), "uv例例***例例例");
	return unit_done();
}
