/*
 * mask_test.c: phones and e-mails as messages show them
 * (import/mask.c); every expected value written by hand.
 */
#include "crm.h"
#include "import/mask.h"
#include "unit.h"

int
main(void)
{
	struct buf b = { 0 };

	/* A phone: the first 4 and the last 3 characters. */
	CHECK_STR(mask_contact("0912345666", &b), "0912***666");
	CHECK_STR(mask_contact("09123abc45", &b), "0912***c45");
	CHECK_STR(mask_contact("+886912345678", &b), "+886***678");
	/* Short values keep one character, or none. */
	CHECK_STR(mask_contact("call me", &b), "c***");
	CHECK_STR(mask_contact("12", &b), "***");
	CHECK_STR(mask_contact("", &b), "***");
	/* An e-mail: the name's first character and the domain. */
	CHECK_STR(mask_contact("alice@example.com", &b), "a***@example.com");
	CHECK_STR(mask_contact("@example.com", &b), "***@example.com");
	CHECK_STR(mask_contact("a@@x", &b), "a***@x");
	/* Counted in bytes, cut between UTF-8 characters (3 bytes each
	 * here): the 4th byte is in the 2nd character, the last 3 bytes are
	 * the last character. */
	CHECK_STR(mask_contact("陳小姐@example.com", &b), "陳***@example.com");
	CHECK_STR(mask_contact("電話號碼未提供", &b), "電話***供");
	buf_free(&b);
	return unit_done();
}
