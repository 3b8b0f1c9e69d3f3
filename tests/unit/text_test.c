/*
 * text_test.c: utf8_valid on the edges of well-formed UTF-8, text_norm
 * (NFKC as Python's unicodedata.normalize gives it, and trimming), the
 * canonical phone, email and account forms, and display widths.
 */
#include <string.h>

#include "crm.h"
#include "unit.h"

static struct buf nb, ob;

/* text_norm of s, or "(invalid)". */
static const char *
norm(const char *s)
{
	if (text_norm(s, strlen(s), &nb) != 0)
		return "(invalid)";
	return nb.s != NULL ? nb.s : "";
}

static const char *const status[] = { "ok", "empty", "masked", "invalid" };

/*
 * Normalises s with text_norm and then fn, as crm-import does; returns
 * "STATUS VALUE" (the value only for ID_OK: otherwise it means nothing).
 */
static const char *
ident(enum ident_status (*fn)(const char *, struct buf *), const char *s)
{
	static char res[128];
	enum ident_status st;

	st = fn(norm(s), &ob);
	snprintf(res, sizeof(res), "%s %s", status[st],
	    st == ID_OK && ob.s != NULL ? ob.s : "");
	return res;
}

#define VALID(lit)	utf8_valid(lit, sizeof(lit) - 1)

static void
test_utf8(void)
{
	CHECK(VALID(""));
	CHECK(VALID("plain ASCII, 123"));
	CHECK(VALID("a\0b"));				/* NUL is a character */
	CHECK(VALID("\xc2\x80"));			/* U+0080 */
	CHECK(VALID("\xc3\xa9"));			/* é */
	CHECK(VALID("\xdf\xbf"));			/* U+07FF */
	CHECK(VALID("\xe0\xa0\x80"));			/* U+0800 */
	CHECK(VALID("\xe7\x8e\x8b"));			/* 王 */
	CHECK(VALID("\xed\x9f\xbf"));			/* U+D7FF */
	CHECK(VALID("\xee\x80\x80"));			/* U+E000 */
	CHECK(VALID("\xef\xbf\xbf"));			/* U+FFFF */
	CHECK(VALID("\xf0\x90\x80\x80"));		/* U+10000 */
	CHECK(VALID("\xf0\x9f\x98\x80"));		/* U+1F600 */
	CHECK(VALID("\xf4\x8f\xbf\xbf"));		/* U+10FFFF */

	/* Overlong forms. */
	CHECK(!VALID("\xc0\x80"));
	CHECK(!VALID("\xc1\xbf"));
	CHECK(!VALID("\xe0\x80\x80"));
	CHECK(!VALID("\xe0\x9f\xbf"));
	CHECK(!VALID("\xf0\x80\x80\x80"));
	CHECK(!VALID("\xf0\x8f\xbf\xbf"));
	/* Surrogates U+D800 and U+DFFF. */
	CHECK(!VALID("\xed\xa0\x80"));
	CHECK(!VALID("\xed\xbf\xbf"));
	CHECK(!VALID("\xed\xa0\xbd\xed\xb8\x80"));	/* a CESU-8 pair */
	/* Beyond U+10FFFF, and bytes that never occur. */
	CHECK(!VALID("\xf4\x90\x80\x80"));
	CHECK(!VALID("\xf5\x80\x80\x80"));
	CHECK(!VALID("\xf8\x88\x80\x80\x80"));
	CHECK(!VALID("\xfe"));
	CHECK(!VALID("\xff"));
	/* Truncated sequences, at the end and in the middle. */
	CHECK(!VALID("\xc3"));
	CHECK(!VALID("\xe7\x8e"));
	CHECK(!VALID("\xf0\x9f\x98"));
	CHECK(!VALID("ab\xe7\x8e"));
	CHECK(!VALID("\xe7\x8e" "a"));
	CHECK(!utf8_valid("\xe7\x8e\x8b", 2));		/* cut by n */
	/* Stray continuation bytes, and a lead byte with no follower. */
	CHECK(!VALID("\x80"));
	CHECK(!VALID("a\xbf"));
	CHECK(!VALID("\xc3\x41"));
	CHECK(!VALID("\xc3\xc3\xa9"));
	/* Latin-1 and Big5 text is not UTF-8. */
	CHECK(!VALID("caf\xe9"));
	CHECK(!VALID("\xa4\xfd\xa4\x70\xa9\xfa"));	/* 王小明 in Big5 */
}

static void
test_norm(void)
{
	/* Full-width digits and letters become ASCII. */
	CHECK_STR(norm("\xef\xbc\x90\xef\xbc\x99\xef\xbc\x91\xef\xbc\x92"),
	    "0912");					/* ０９１２ */
	CHECK_STR(norm("\xef\xbc\xa1\xef\xbc\xa2\xef\xbc\xa3"), "ABC");
	CHECK_STR(norm("\xef\xbd\x81\xef\xbd\x82"), "ab");	/* ａｂ */
	CHECK_STR(norm("\xef\xbc\xa0"), "@");		/* ＠ */
	/* The ideographic space becomes a space, then is trimmed. */
	CHECK_STR(norm("\xe3\x80\x80\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e"
	    "\xe3\x80\x80"), "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e");
	CHECK_STR(norm("\xe3\x80\x80" "a\xe3\x80\x80" "b"), "a b");
	CHECK_STR(norm("\xc2\xa0x\xc2\xa0"), "x");	/* no-break spaces */
	CHECK_STR(norm("  abc\t\r\n"), "abc");
	CHECK_STR(norm("   "), "");
	CHECK_STR(norm(""), "");
	CHECK_STR(norm("a  b"), "a  b");		/* inner spaces stay */
	/* Compatibility forms and composition. */
	CHECK_STR(norm("\xef\xbd\xb6"), "\xe3\x82\xab");	/* ｶ to カ */
	CHECK_STR(norm("\xe2\x91\xa0"), "1");		/* ① */
	CHECK_STR(norm("\xef\xac\x81"), "fi");		/* the ﬁ ligature */
	CHECK_STR(norm("e\xcc\x81"), "\xc3\xa9");	/* e + U+0301 to é */
	CHECK_STR(norm("\xe7\x8e\x8b"), "\xe7\x8e\x8b");	/* CJK stays */
	/* Invalid UTF-8 is refused, not repaired. */
	CHECK_STR(norm("\xff"), "(invalid)");
	CHECK_STR(norm("abc\xc3"), "(invalid)");
	CHECK_STR(norm("\xed\xa0\x80"), "(invalid)");
	CHECK_STR(norm("\xc0\xaf"), "(invalid)");
	CHECK_STR(norm("\xa4\xfd\xa4\x70"), "(invalid)");	/* Big5 */
}

static void
test_phone(void)
{
	CHECK_STR(ident(phone_norm, "+886 912-345-678"), "ok 0912345678");
	CHECK_STR(ident(phone_norm, "+886-0912-345-678"), "ok 0912345678");
	CHECK_STR(ident(phone_norm, "+886912345678"), "ok 0912345678");
	CHECK_STR(ident(phone_norm, "0912345678"), "ok 0912345678");
	CHECK_STR(ident(phone_norm, "0912-345-678"), "ok 0912345678");
	CHECK_STR(ident(phone_norm, "0912 345 678"), "ok 0912345678");
	CHECK_STR(ident(phone_norm, "\xef\xbc\x90\xef\xbc\x99\xef\xbc\x91"
	    "\xef\xbc\x92\xef\xbc\x93\xef\xbc\x94\xef\xbc\x95\xef\xbc\x96"
	    "\xef\xbc\x97\xef\xbc\x98"), "ok 0912345678");	/* ０９１２… */
	CHECK_STR(ident(phone_norm, "886912345678"), "ok 0912345678");
	CHECK_STR(ident(phone_norm, "912345678"), "ok 0912345678");
	CHECK_STR(ident(phone_norm, "(02) 2345-6789"), "ok 0223456789");
	CHECK_STR(ident(phone_norm, "02.2345.6789"), "ok 0223456789");
	CHECK_STR(ident(phone_norm, "+886 2 2345 6789"), "ok 0223456789");
	CHECK_STR(ident(phone_norm, "+1 415 555 0100"), "ok +14155550100");
	CHECK_STR(ident(phone_norm, " 0912345678 "), "ok 0912345678");

	CHECK_STR(ident(phone_norm, "******1234"), "masked ");
	CHECK_STR(ident(phone_norm, "0912***678"), "masked ");
	CHECK_STR(ident(phone_norm, "0912xxx678"), "masked ");
	CHECK_STR(ident(phone_norm, "0912XXX678"), "masked ");

	CHECK_STR(ident(phone_norm, "09123456ab"), "invalid ");
	CHECK_STR(ident(phone_norm, "call me"), "invalid ");
	CHECK_STR(ident(phone_norm, "0912#345678"), "invalid ");
	CHECK_STR(ident(phone_norm, "0912+345678"), "invalid ");
	CHECK_STR(ident(phone_norm, "12345"), "invalid ");
	CHECK_STR(ident(phone_norm, "1234567890123456"), "invalid ");
	CHECK_STR(ident(phone_norm,
	    "1234567890123456789012345678901234567890"), "invalid ");
	CHECK_STR(ident(phone_norm, "+"), "invalid ");

	CHECK_STR(ident(phone_norm, "-"), "empty ");
	CHECK_STR(ident(phone_norm, ""), "empty ");
	CHECK_STR(ident(phone_norm, "\xe3\x80\x80"), "empty ");
}

static void
test_email(void)
{
	CHECK_STR(ident(email_norm, "Ann.Lee@Example.COM"),
	    "ok ann.lee@example.com");
	CHECK_STR(ident(email_norm, "ann@example.com"), "ok ann@example.com");
	CHECK_STR(ident(email_norm, " BOB+shop@Mail.Example.TW "),
	    "ok bob+shop@mail.example.tw");
	CHECK_STR(ident(email_norm, "\xef\xbc\xa1nn\xef\xbc\xa0x.com"),
	    "ok ann@x.com");				/* Ａnn＠x.com */
	CHECK_STR(ident(email_norm, "a***@gmail.com"), "masked ");
	CHECK_STR(ident(email_norm, "***"), "masked ");
	CHECK_STR(ident(email_norm, "-"), "empty ");
	CHECK_STR(ident(email_norm, ""), "empty ");
	CHECK_STR(ident(email_norm, "annexample.com"), "invalid ");
	CHECK_STR(ident(email_norm, "@example.com"), "invalid ");
	CHECK_STR(ident(email_norm, "ann@"), "invalid ");
	CHECK_STR(ident(email_norm, "ann@example"), "invalid ");
	CHECK_STR(ident(email_norm, "ann@@example.com"), "invalid ");
	CHECK_STR(ident(email_norm, "ann@b@example.com"), "invalid ");
	CHECK_STR(ident(email_norm, "ann@.example.com"), "invalid ");
	CHECK_STR(ident(email_norm, "ann@example.com."), "invalid ");
	CHECK_STR(ident(email_norm, "ann lee@example.com"), "invalid ");
	CHECK_STR(ident(email_norm, "ann@example.com,bob@example.com"),
	    "invalid ");
	CHECK_STR(ident(email_norm, "a;b@example.com"), "invalid ");
	CHECK_STR(ident(email_norm, "<ann@example.com>"), "invalid ");
}

static void
test_account(void)
{
	CHECK_STR(ident(account_norm, "17850.0"), "ok 17850");
	CHECK_STR(ident(account_norm, "17850.00"), "ok 17850");
	CHECK_STR(ident(account_norm, "17850."), "ok 17850");
	CHECK_STR(ident(account_norm, "17850"), "ok 17850");
	CHECK_STR(ident(account_norm, "17850.5"), "ok 17850.5");
	CHECK_STR(ident(account_norm, "17850.05"), "ok 17850.05");
	CHECK_STR(ident(account_norm, "A17850.0"), "ok A17850.0");
	CHECK_STR(ident(account_norm, ".0"), "ok .0");
	CHECK_STR(ident(account_norm, "user.name"), "ok user.name");
	CHECK_STR(ident(account_norm, "CaseKept"), "ok CaseKept");
	CHECK_STR(ident(account_norm, "\xef\xbc\x91\xef\xbc\x92"), "ok 12");
	CHECK_STR(ident(account_norm, "ab**"), "masked ");
	CHECK_STR(ident(account_norm, "-"), "empty ");
	CHECK_STR(ident(account_norm, ""), "empty ");
}

static void
test_width(void)
{
	CHECK_INT(text_width(""), 0);
	CHECK_INT(text_width("abc"), 3);
	CHECK_INT(text_width("1234.50"), 7);
	CHECK_INT(text_width("\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e"), 6);
	CHECK_INT(text_width("\xe7\x8e\x8b" "a"), 3);		/* 王a */
	CHECK_INT(text_width("VIP \xe6\x9c\x83\xe5\x93\xa1"), 8);	/* 會員 */
	CHECK_INT(text_width("\xef\xbc\xa1\xef\xbc\xa2"), 4);	/* ＡＢ */
	CHECK_INT(text_width("\xef\xbd\xb6"), 1);		/* ｶ */
	CHECK_INT(text_width("\xc3\xa9"), 1);			/* é */
	CHECK_INT(text_width("e\xcc\x81"), 1);			/* e + U+0301 */
	CHECK_INT(text_width("\xe3\x80\x80"), 2);		/* U+3000 */
	/* A stray byte counts one column rather than stopping the count. */
	CHECK_INT(text_width("a\xff" "b"), 3);
}

int
main(void)
{
	test_utf8();
	test_norm();
	test_phone();
	test_email();
	test_account();
	test_width();
	buf_free(&nb);
	buf_free(&ob);
	return unit_done();
}
