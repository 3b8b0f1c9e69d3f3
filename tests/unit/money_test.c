/*
 * money_test.c: money_parse on the ways shops write amounts, what it must
 * refuse, money_format, the overflow checks, and qty_parse.  Expected
 * values are worked out by hand (cents = units * 100).
 */
#include <stdint.h>

#include "crm.h"
#include "unit.h"

#define BAD	INT64_MIN	/* what amount() returns for a refusal */

static const char *why;

static int64_t
amount(const char *s)
{
	int64_t v = 777;

	why = NULL;
	if (money_parse(s, &v, &why) != 0)
		return BAD;
	return v;
}

static int64_t
qty(const char *s)
{
	int64_t v = 777;

	why = NULL;
	if (qty_parse(s, &v, &why) != 0)
		return BAD;
	return v;
}

static void
test_parse(void)
{
	CHECK_INT(amount("0"), 0);
	CHECK_INT(amount("7"), 700);
	CHECK_INT(amount("1234.50"), 123450);
	CHECK_INT(amount("1,234.50"), 123450);
	CHECK_INT(amount("1,234,567.89"), 123456789);
	CHECK_INT(amount("12.3"), 1230);
	CHECK_INT(amount("12."), 1200);
	CHECK_INT(amount(".5"), 50);
	CHECK_INT(amount("0.05"), 5);
	CHECK_INT(amount("12.340"), 1234);
	CHECK_INT(amount("12.3400"), 1234);
	CHECK_INT(amount("  42  "), 4200);
	CHECK_INT(amount("+42"), 4200);

	/* Currency marks before, 元 after. */
	CHECK_INT(amount("NT$1,200"), 120000);
	CHECK_INT(amount("NT$ 1,200"), 120000);
	CHECK_INT(amount("nt$1200"), 120000);
	CHECK_INT(amount("NTD 99"), 9900);
	CHECK_INT(amount("TWD 1,000"), 100000);
	CHECK_INT(amount("US$3.5"), 350);
	CHECK_INT(amount("usd 5"), 500);
	CHECK_INT(amount("$0.99"), 99);
	CHECK_INT(amount("\xef\xbc\x84" "12"), 1200);		/* ＄12 */
	CHECK_INT(amount("1200\xe5\x85\x83"), 120000);		/* 1200元 */
	CHECK_INT(amount("1,200 \xe5\x85\x83"), 120000);	/* 1,200 元 */

	/* Negative amounts: a sign, before or after the mark, or brackets. */
	CHECK_INT(amount("-30"), -3000);
	CHECK_INT(amount("(30)"), -3000);
	CHECK_INT(amount("(1,234.50)"), -123450);
	CHECK_INT(amount("-$0.99"), -99);
	CHECK_INT(amount("$-0.99"), -99);
	CHECK_INT(amount("NT$ -1,200"), -120000);
	CHECK_INT(amount("($5)"), -500);
	CHECK_INT(amount("-0"), 0);

	/* The largest amounts that fit, and the first that do not. */
	CHECK_INT(amount("1000000000000000"), 100000000000000000LL);
	CHECK_INT(amount("92233720368547757.99"), 9223372036854775799LL);
	CHECK_INT(amount("-92233720368547757.99"), -9223372036854775799LL);
	CHECK_INT(amount("92233720368547758"), BAD);
	CHECK_STR(why, "amount too large");
	CHECK_INT(amount("99999999999999999999"), BAD);
	CHECK_STR(why, "amount too large");
	CHECK_INT(amount("9,223,372,036,854,775,808"), BAD);
	CHECK_STR(why, "amount too large");
}

static void
test_refuse(void)
{
	/* Thousands separators only between groups of three digits. */
	CHECK_INT(amount("1,23"), BAD);
	CHECK_STR(why, "not an amount");
	CHECK_INT(amount("1,2345"), BAD);
	CHECK_INT(amount("1234,567"), BAD);
	CHECK_INT(amount("1,,234"), BAD);
	CHECK_INT(amount("1,234,56"), BAD);
	CHECK_INT(amount("1,"), BAD);
	CHECK_INT(amount(",123"), BAD);
	CHECK_INT(amount("1,234.5,0"), BAD);
	/* Decimals that are not zeros after the cents. */
	CHECK_INT(amount("12.345"), BAD);
	CHECK_STR(why, "more than two decimals");
	CHECK_INT(amount("0.001"), BAD);
	CHECK_STR(why, "more than two decimals");
	/* Empty, and not numbers at all. */
	CHECK_INT(amount(""), BAD);
	CHECK_STR(why, "empty amount");
	CHECK_INT(amount("abc"), BAD);
	CHECK_STR(why, "not an amount");
	CHECK_INT(amount("-"), BAD);
	CHECK_INT(amount("$"), BAD);
	CHECK_INT(amount("."), BAD);
	CHECK_INT(amount("1.2.3"), BAD);
	CHECK_INT(amount("1 234"), BAD);
	CHECK_INT(amount("--5"), BAD);
	CHECK_INT(amount("5-"), BAD);
	CHECK_INT(amount("(30"), BAD);
	CHECK_INT(amount("30)"), BAD);
	CHECK_INT(amount("-(30)"), BAD);
	CHECK_INT(amount("(-30)"), BAD);
	CHECK_INT(amount("1e3"), BAD);
	CHECK_INT(amount("0x10"), BAD);
	CHECK_INT(amount("EUR 5"), BAD);
	CHECK_INT(amount("12\xe5\x85\x83\xe5\x85\x83"), BAD);	/* 12元元 */
}

static void
test_format(void)
{
	char buf[32];

	CHECK_STR(money_format(123450, buf), "1234.50");
	CHECK_STR(money_format(-3000, buf), "-30.00");
	CHECK_STR(money_format(99, buf), "0.99");
	CHECK_STR(money_format(5, buf), "0.05");
	CHECK_STR(money_format(-5, buf), "-0.05");
	CHECK_STR(money_format(0, buf), "0.00");
	CHECK_STR(money_format(INT64_MAX, buf), "92233720368547758.07");
	CHECK_STR(money_format(INT64_MIN, buf), "-92233720368547758.08");
}

static void
test_arith(void)
{
	int64_t acc, out;

	acc = 100;
	CHECK_INT(money_add(&acc, 250), 0);
	CHECK_INT(acc, 350);
	CHECK_INT(money_add(&acc, -1000), 0);
	CHECK_INT(acc, -650);
	acc = INT64_MAX;
	CHECK_INT(money_add(&acc, 1), -1);
	acc = INT64_MIN;
	CHECK_INT(money_add(&acc, -1), -1);
	CHECK_INT(money_mul(12345, 3, &out), 0);
	CHECK_INT(out, 37035);
	CHECK_INT(money_mul(-250, 4, &out), 0);
	CHECK_INT(out, -1000);
	CHECK_INT(money_mul(INT64_MAX / 2 + 1, 2, &out), -1);
	CHECK_INT(money_mul(4611686018427387904LL, -2, &out), 0);
	CHECK_INT(out, INT64_MIN);
}

static void
test_qty(void)
{
	CHECK_INT(qty("2"), 2);
	CHECK_INT(qty("2.0"), 2);
	CHECK_INT(qty("2.00"), 2);
	CHECK_INT(qty("2."), 2);
	CHECK_INT(qty("-3"), -3);
	CHECK_INT(qty("+4"), 4);
	CHECK_INT(qty(" 7 "), 7);
	CHECK_INT(qty("0"), 0);
	CHECK_INT(qty("100000000"), 100000000);
	CHECK_INT(qty("2.5"), BAD);
	CHECK_STR(why, "not a whole number");
	CHECK_INT(qty("2.05"), BAD);
	CHECK_INT(qty(""), BAD);
	CHECK_STR(why, "empty quantity");
	CHECK_INT(qty("abc"), BAD);
	CHECK_STR(why, "not a whole number");
	CHECK_INT(qty("-"), BAD);
	CHECK_INT(qty("1e3"), BAD);
	CHECK_INT(qty("1,000"), BAD);
	CHECK_INT(qty("3 pcs"), BAD);
	CHECK_INT(qty("100000000000"), BAD);
	CHECK_STR(why, "quantity too large");
}

int
main(void)
{
	test_parse();
	test_refuse();
	test_format();
	test_arith();
	test_qty();
	return unit_done();
}
