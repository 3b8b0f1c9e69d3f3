/*
 * gen-orders.c: a deterministic generator of realistic order exports in
 * crmkit's "plain" CSV format, for `make bench` and the tests.
 *
 *	cc -O2 -Wall -Wextra -o gen-orders tools/gen-orders.c
 *	gen-orders [-s seed] [-n lines] [-c customers] [--start YYYY-MM-DD]
 *	    [--days N] [--id-prefix P] [--first-customer K]
 *	    [--layout plain|shopee] [--channel shopee|momo|qdm] > orders.csv
 *
 * Why: the importer, the customer matching and the reports must be
 * measured and tested on data shaped like a real shop's export (a few
 * heavy buyers, half the customers buying once, masked phones, missing
 * e-mails, Chinese names and product names, the odd quoted field), at
 * sizes nobody wants to keep in the repository.  This program makes such
 * a file of any size from a seed, byte for byte the same every time.
 *
 * What it writes: RFC 4180 CSV, UTF-8, LF line ends, fields quoted only
 * when they hold a comma, a quote or a line break, and the header
 *
 *	order_id,ordered_at,channel,status,account,phone,email,name,sku,
 *	product,category,quantity,unit_price,shipping,discount,coupon,paid_total
 *
 * (one line).  There is one row per order line; the order-level columns
 * repeat identically on each line of an order and an order's lines are
 * adjacent.  Rows are sorted by ordered_at, and so are each customer's
 * orders.
 *
 *  - about -n lines: output stops at the first order boundary at or after
 *    n lines (default 1000); order counts are adjusted up front so that
 *    this happens at the very end of the date range, never half way.
 *  - -c customers (default n/5).  With the defaults each customer places
 *    about 2 orders: half buy exactly once, the rest 2 + a geometric
 *    count whose mean itself is Pareto-distributed (heavy tail: a few
 *    customers with dozens of orders).  1-4 lines per order (20/30/30/20
 *    per cent, mean 2.5).  So n lines give about n/2.5 orders and n/5
 *    customers.  When -c is set so that customers would need fewer than
 *    2 orders each, some customers simply never order.
 *  - dates: --days (default 730) days from --start (default 2024-01-01),
 *    with weekend, 6.18, 9.9, 10.10, 11.11 and 12.12 peaks and a slow
 *    growth trend; hours weighted towards the evening.
 *  - order_id: the prefix (--id-prefix, default "P"), YYMMDD and a
 *    six-digit sequence within the day: P240101000123.  Give a second
 *    file another prefix (say N) so its ids cannot collide with the first.
 *  - channel shopee/momo/qdm about 60/20/20; a customer keeps one channel
 *    for 90% of orders.
 *  - status completed ~93%, cancelled ~4%, returned ~2%, pending ~1%
 *    (pending mostly in the last days of the range, no returns there).
 *  - account userNNNNNNN and phone 09XXXXXXXX, unique and stable per
 *    customer; about 10% of orders (mostly shopee's) show the phone masked
 *    as ******1234; e-mail uNNNNNNN@example.com for ~70% of customers,
 *    empty for the rest; a Chinese name such as 陳怡君.
 *  - a fixed catalogue of 500 products SKU-0001..SKU-0500 in 15
 *    categories, each with one name, category and price (NT$99-2990);
 *    Zipf-like popularity (1 / (rank + 5), favouring cheap products).  A
 *    few names contain a comma or quotes.
 *  - quantity mostly 1-3; shipping 60, free from a subtotal of 1000;
 *    coupon WELCOME100 (discount 100) on about 5% of orders, only on a
 *    customer's first order in the file, else discount 0 and no coupon;
 *    paid_total = sum(quantity * unit_price) + shipping - discount.
 *
 * Single-platform files (--channel, --layout shopee):
 *  - --channel C puts every order on channel C (the draws stay the same,
 *    so the orders, lines, amounts and statuses do not change).  With
 *    shopee the orders look as Shopee exports them: the phone is masked
 *    on about 85% of orders and there is no e-mail (Shopee never gives
 *    the buyer's).
 *  - --layout shopee writes the same orders as --channel shopee (same
 *    seed, same data) as Shopee Taiwan's current order export: one row
 *    per line, the 53 columns from 訂單編號 to 備註 in Shopee's order,
 *    mapped as share/formats/shopee.fmt reads them: 訂單成立日期
 *    YYYY-MM-DD HH:MM (no seconds), 訂單狀態 已完成 / 待出貨 / 不成立
 *    (不成立原因 買家取消) / 退貨/退款 (退貨 / 退款狀態 退貨退款,
 *    退貨數量 = 數量), 商品活動價格 the unit price, 買家總支付金額 the
 *    paid total, 賣場優惠券 the coupon's discount.  The columns crmkit
 *    does not read get plausible values (fees, address, shipping and
 *    payment method, tracking number, times, or empty).  Every character
 *    exists in CP950, so `iconv -t CP950` makes the Big5 copy Excel
 *    would save.  The default layout is plain, byte for byte as before.
 *
 * Customers and products form a fixed "world" that does not depend on
 * the seed: customer K (counting from 0) always has the same account,
 * phone, e-mail, name and main channel, and SKU-0042 is always the same
 * product.  The seed only decides who orders what and when.  A second
 * file therefore talks about the same people: by default its customers
 * are 0..c-1 (returning customers); --first-customer K shifts the range
 * so that part of it, or all, is new.  For example, after
 *	gen-orders -s 1 -n 1000000 > base.csv		(customers 0..199999)
 *	gen-orders -s 2 -n 50000 --id-prefix N --start 2026-01-01 \
 *	    --days 30 --first-customer 195000 > new.csv
 * the second file has 10,000 customers, half of them already known.
 *
 * How: memory is bounded by customers, not lines.  A first pass draws
 * every customer's order count (16 bytes per customer in all).  Each
 * customer's order times are k sorted uniform variates, drawn one after
 * the other (the next is the minimum of the remaining ones) and mapped
 * through the day-weight distribution; every customer waits in the bucket
 * of the day of its next order.  Walking the days, each day's orders are
 * collected, sorted by time and written; an order's contents come from a
 * hash of (seed, customer, order number), so nothing else is kept.
 * Random numbers are splitmix64, and log/exp are computed here (no libm),
 * so the output depends on nothing but the arguments.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_DATA	1
#define EXIT_USAGE	2

#define WORLD		0x63726d6b69742e31ULL	/* seed of customers, products */
#define NPRODUCTS	500
#define KDRAWMAX	2000	/* cap on a drawn order count */
#define KMAX		65535	/* cap on an adjusted order count */
#define NIL		UINT32_MAX
#define MAXUNIVERSE	100000000ULL	/* customers: 8-digit phone numbers */

enum { TAG_COUNT = 1, TAG_ORDER, TAG_SCHED, TAG_TIME, TAG_ADJUST, TAG_CUST,
    TAG_ACCT, TAG_PHONE, TAG_CAT, TAG_SHOPEE };

enum { LAYOUT_PLAIN, LAYOUT_SHOPEE };

static const char usage_text[] =
    "usage: gen-orders [-s seed] [-n lines] [-c customers] "
    "[--start YYYY-MM-DD]\n"
    "                  [--days N] [--id-prefix P] [--first-customer K]\n"
    "                  [--layout plain|shopee] [--channel shopee|momo|qdm]\n";

/* ==== random numbers ==== */

static uint64_t
mix64(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
hash4(uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return mix64(mix64(mix64(mix64(a) ^ b) ^ c) ^ d);
}

struct rng {
	uint64_t s;
};

static struct rng
rng_init(uint64_t seed)
{
	struct rng r;

	r.s = seed;
	return r;
}

static uint64_t
rng_next(struct rng *r)
{
	uint64_t z;

	r->s += 0x9e3779b97f4a7c15ULL;
	z = r->s;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* [0, 1) */
static double
rng_u01(struct rng *r)
{
	return (double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0);
}

/* (0, 1], for logarithms */
static double
rng_u01_pos(struct rng *r)
{
	return 1.0 - rng_u01(r);
}

/* [0, n), n > 0; the bias for small n is negligible */
static uint32_t
rng_below(struct rng *r, uint32_t n)
{
	return (uint32_t)(((rng_next(r) >> 32) * (uint64_t)n) >> 32);
}

/* ==== log and exp, so as to need neither libm nor its rounding ==== */

static double
my_log(double x)
{
	uint64_t bits;
	int e;
	double m, s, s2, t, sum;
	int i;

	if (x <= 0)
		return -1e300;
	memcpy(&bits, &x, sizeof(bits));
	e = (int)((bits >> 52) & 0x7ff) - 1023;
	if (e == -1023) {		/* subnormal: scale up */
		x *= 4503599627370496.0;	/* 2^52 */
		memcpy(&bits, &x, sizeof(bits));
		e = (int)((bits >> 52) & 0x7ff) - 1023 - 52;
	}
	bits = (bits & 0x000fffffffffffffULL) | 0x3ff0000000000000ULL;
	memcpy(&m, &bits, sizeof(m));	/* m in [1, 2) */
	if (m > 1.4142135623730951) {
		m *= 0.5;
		e++;
	}
	/* log m = 2 atanh s, |s| <= 0.1716 */
	s = (m - 1) / (m + 1);
	s2 = s * s;
	t = s;
	sum = 0;
	for (i = 1; i <= 25; i += 2) {
		sum += t / i;
		t *= s2;
	}
	return 2 * sum + e * 0.6931471805599453;
}

static double
my_exp(double x)
{
	double k, r, term, sum;
	uint64_t bits;
	int i, ki;

	if (x < -700)
		return 0;
	if (x > 700)
		x = 700;
	k = (double)(long long)(x * 1.4426950408889634 + (x < 0 ? -0.5 : 0.5));
	r = x - k * 0.6931471805599453;	/* |r| <= 0.35 or so */
	sum = 1;
	term = 1;
	for (i = 1; i <= 18; i++) {
		term *= r / i;
		sum += term;
	}
	ki = (int)k;
	while (ki < -1000) {		/* keep the exponent in range */
		sum *= 1.0 / 1024;
		ki += 10;
	}
	bits = (uint64_t)(ki + 1023) << 52;
	memcpy(&k, &bits, sizeof(k));
	return sum * k;
}

/* x^a, x > 0 */
static double
my_pow(double x, double a)
{
	return my_exp(a * my_log(x));
}

/* Sample an index from a cumulative table cum[0..n-1] (cum[n-1] = total). */
static uint32_t
pick_cum(const double *cum, uint32_t n, double u)
{
	uint32_t lo = 0, hi = n - 1, mid;
	double x = u * cum[n - 1];

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cum[mid] > x)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

/* ==== dates ==== */

static int64_t
days_from_civil(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/* Strict YYYY-MM-DD, years 1000-9999; -1 when not a real date. */
static int
parse_day(const char *s, int64_t *day)
{
	int y, m, d, y2, m2, d2, i;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return -1;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return -1;
	y = atoi(s);
	m = atoi(s + 5);
	d = atoi(s + 8);
	if (y < 1000 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*day = days_from_civil(y, m, d);
	civil_from_days(*day, &y2, &m2, &d2);
	return y2 == y && m2 == m && d2 == d ? 0 : -1;
}

/* ==== output ==== */

static char obuf[1 << 20];
static size_t olen;

static void
out_flush(void)
{
	if (olen > 0 && fwrite(obuf, 1, olen, stdout) != olen) {
		fprintf(stderr, "gen-orders: write error: %s\n",
		    strerror(errno));
		exit(EXIT_DATA);
	}
	olen = 0;
}

static void
out_mem(const char *s, size_t n)
{
	if (olen + n > sizeof(obuf)) {
		out_flush();
		if (n > sizeof(obuf)) {
			if (fwrite(s, 1, n, stdout) != n) {
				fprintf(stderr, "gen-orders: write error: %s\n",
				    strerror(errno));
				exit(EXIT_DATA);
			}
			return;
		}
	}
	memcpy(obuf + olen, s, n);
	olen += n;
}

/* Small string builder for a row's pieces. */
struct sb {
	char	s[1024];
	size_t	n;
};

static void
sb_mem(struct sb *b, const char *s, size_t n)
{
	if (b->n >= sizeof(b->s) - 1)
		return;				/* cannot happen */
	if (n > sizeof(b->s) - 1 - b->n)
		n = sizeof(b->s) - 1 - b->n;	/* cannot happen */
	memcpy(b->s + b->n, s, n);
	b->n += n;
}

static void
sb_str(struct sb *b, const char *s)
{
	sb_mem(b, s, strlen(s));
}

static void
sb_chr(struct sb *b, char c)
{
	sb_mem(b, &c, 1);
}

static void
sb_uint(struct sb *b, uint64_t v, int width)
{
	char t[24];
	int n = 0;

	do {
		t[sizeof(t) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (n < width)
		t[sizeof(t) - 1 - n++] = '0';
	sb_mem(b, t + sizeof(t) - n, (size_t)n);
}

/* A CSV field, quoted only when it must be. */
static void
sb_field(struct sb *b, const char *s)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		sb_str(b, s);
		return;
	}
	sb_chr(b, '"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			sb_chr(b, '"');
		sb_chr(b, *p);
	}
	sb_chr(b, '"');
}

/* ==== the product catalogue ==== */

/*
 * Each group makes names prefix + item + spec from its '|'-separated
 * lists (a spec starting with a space is a size or variant, one without
 * is glued on, an empty one means none).  Prices run from lo to hi in
 * the order of the specs (bigger packs cost more).
 */
struct group {
	const char *cat, *prefixes, *items, *specs;
	int	 lo, hi;
};

static const struct group groups[] = {
	{ "保養", "保濕|美白|修護|玻尿酸|積雪草|煥采|舒緩|抗皺|神經醯胺",
	    "精華液|化妝水|乳液|精華油|面霜", " 30ml| 50ml| 100ml| 150ml",
	    390, 1980 },
	{ "保養", "保濕|美白|玻尿酸|竹炭|蘆薈|蠶絲", "面膜",
	    " 5片入| 10片入| 30片入", 199, 899 },
	{ "保養", "胺基酸|溫和|控油|深層", "洗面乳|卸妝油|卸妝水",
	    " 120g| 200ml| 500ml", 229, 680 },
	{ "保養", "清爽|高效|水感|物理性", "防曬乳|防曬凝露",
	    " SPF30 30ml| SPF50 50ml", 350, 990 },
	{ "彩妝", "霧面|絲絨|水潤|持久|鏡面", "唇膏|唇釉",
	    " 01 玫瑰豆沙| 02 楓葉紅| 03 蜜桃粉| 04 奶茶色| 05 磚紅", 299, 890 },
	{ "彩妝", "輕透|持妝|控油|光感", "粉底液|氣墊粉餅|遮瑕膏",
	    " 01 自然色| 02 亮膚色| 補充芯", 450, 1580 },
	{ "彩妝", "防水|纖長|濃密|極細", "睫毛膏|眼線筆|眉筆", "| 黑色| 棕色",
	    199, 590 },
	{ "彩妝", "大地色|玫瑰色|四色|九色", "眼影盤|腮紅盤", "", 380, 1280 },
	{ "茶飲", "有機|阿里山|梨山|杉林溪|凍頂|蜜香|炭焙|日月潭",
	    "綠茶|烏龍茶|紅茶|高山茶|包種茶|東方美人茶",
	    " 茶包20入| 150g| 300g|禮盒|禮盒(2罐,附提袋)", 280, 2680 },
	{ "茶飲", "玫瑰|洋甘菊|薄荷|桂花|蕎麥|黑豆", "花草茶|冷泡茶",
	    " 茶包15入| 茶包30入", 199, 499 },
	{ "咖啡", "衣索比亞耶加雪菲|哥倫比亞|巴西|肯亞|深焙綜合|中焙綜合",
	    "咖啡豆|濾掛咖啡", " 10入| 半磅| 30入| 一磅", 299, 1480 },
	{ "咖啡", "經典|無糖|拿鐵|榛果", "即溶咖啡|咖啡膠囊|冷萃咖啡",
	    " 12入| 30入|禮盒", 199, 899 },
	{ "零食", "手工|蜂蜜|海鹽|原味|黑糖|抹茶|草莓",
	    "牛軋糖|鳳梨酥|蛋捲|餅乾|方塊酥|雪花餅",
	    " 12入| 20入| 家庭號|禮盒|禮盒(12入,附提袋)", 159, 980 },
	{ "零食", "綜合|無調味|蜂蜜|楓糖", "堅果|腰果|杏仁果",
	    " 200g| 500g| 隨手包30入", 229, 1080 },
	{ "零食", "芒果|蔓越莓|芭樂|鳳梨|草莓", "果乾", " 150g| 300g",
	    129, 399 },
	{ "零食", "蒜味|黑胡椒|原味|辣味|蜜汁", "豬肉乾|牛肉乾|海苔",
	    " 180g| 300g|禮盒", 149, 690 },
	{ "家居", "北歐風|無印風|竹製|木質|可折疊|大容量",
	    "收納盒|置物架|衣架|收納箱", " 小| 大| 3入| 組", 129, 1280 },
	{ "家居", "白麝香|檜木|薰衣草|雪松|柑橘", "香氛蠟燭|擴香瓶|精油",
	    " 100ml| 200g|禮盒", 299, 1280 },
	{ "家居", "防滑|吸水|珪藻土|絨毛", "地墊|浴室踏墊|門墊",
	    " 40x60cm| 50x80cm", 199, 690 },
	{ "寢具", "天絲|純棉|親膚|抗菌|涼感", "床包組|涼被|枕套組|羽絨被|保潔墊",
	    " 單人| 雙人| 加大", 390, 2990 },
	{ "寢具", "記憶|乳膠|羽絲絨|蕎麥", "枕頭|抱枕", " 1入| 2入", 299, 1680 },
	{ "廚房", "不沾|不鏽鋼|鑄鐵|陶瓷塗層", "平底鍋|炒鍋|湯鍋|深煎鍋",
	    " 20cm| 24cm| 28cm", 490, 2680 },
	{ "廚房", "耐熱玻璃|316不鏽鋼|真空|輕量", "保鮮盒|保溫瓶|便當盒|玻璃杯",
	    " 350ml| 500ml| 4入組| 6入組", 199, 990 },
	{ "廚房", "抗菌|檜木|竹製|日式", "砧板|餐具組|筷子", " 大| 組| 10雙入",
	    150, 890 },
	{ "清潔", "天然|酵素|小蘇打|檸檬|無香|植萃",
	    "洗衣精|洗碗精|衣物柔軟精|地板清潔劑|浴廁清潔劑",
	    " 補充包| 2000ml| 箱購4入", 99, 990 },
	{ "清潔", "抗菌|溫和|潔淨|保濕", "洗手乳|濕紙巾|沐浴乳|洗髮精",
	    " 500ml| 80抽x3包| 1000ml| 箱購", 99, 699 },
	{ "保健", "高單位|日本|德國|頂級|強效|兒童|全家",
	    "維他命C|益生菌|魚油|葉黃素|膠原蛋白|綜合維他命|鈣片|薑黃",
	    " 30包| 60粒| 90錠|禮盒", 390, 2980 },
	{ "母嬰", "超薄|夜用|褲型|透氣", "紙尿褲", " M號| L號| XL號| 箱購",
	    390, 1480 },
	{ "母嬰", "有機棉|溫和|純水|防脹氣|矽膠",
	    "嬰兒濕紙巾|嬰兒乳液|奶瓶|固齒器|圍兜",
	    " 3入| 240ml| 組| 80抽x6包", 99, 890 },
	{ "寵物", "豆腐|礦砂|松木|木薯", "貓砂", " 6L| 10L| 3包入", 199, 899 },
	{ "寵物", "無穀|鮮肉|凍乾|天然|低敏",
	    "狗飼料|貓飼料|貓罐頭|寵物零食|潔牙骨",
	    " 100g| 1.5kg| 大包| 24罐", 129, 2280 },
	{ "寵物", "瓦楞紙|加厚|雙層", "貓抓板|寵物睡墊", "| 小| 大", 199, 890 },
	{ "3C配件", "快充|編織|磁吸|防斷",
	    "Type-C充電線|Lightning充電線|傳輸線", " 1m| 2m| 3入組", 149, 590 },
	{ "3C配件", "輕薄|大容量|磁吸|無線", "行動電源|充電器",
	    " 20W| 65W| 10000mAh| 20000mAh", 390, 1980 },
	{ "3C配件", "防摔|透明|霧面|鋼化|抗藍光", "手機殼|保護貼|鏡頭貼",
	    " 通用款| iPhone 15| iPhone 16", 199, 790 },
	{ "3C配件", "降噪|運動|入耳式|頭戴式", "藍牙耳機", "| 黑| 白", 590, 2990 },
	{ "服飾", "純棉|涼感|機能|刷毛|寬版|素色|重磅",
	    "T恤|帽T|背心|長袖上衣|外套|休閒褲", " S| M| L| XL", 199, 1680 },
	{ "服飾", "除臭|運動|船型|中筒", "襪子", " 5雙入| 10雙入", 149, 450 },
	{ "文具", "日系|簡約|牛皮|點點|方格",
	    "筆記本|手帳|便利貼|活頁紙", " 3入| A5| B5| 組", 99, 690 },
	{ "文具", "中性|擦擦|鋼珠|螢光", "原子筆|筆組", " 0.5mm| 0.38mm| 10入",
	    99, 399 },
	{ "文具", "和風|動物|透明|大容量", "紙膠帶|鉛筆盒|筆袋", "| 5入| 組",
	    99, 450 },
};
#define NGROUPS (sizeof(groups) / sizeof(groups[0]))

/* How many products each category gets (sums to NPRODUCTS). */
static const struct {
	const char *cat;
	int	 n;
} catsizes[] = {
	{ "保養", 50 }, { "彩妝", 30 }, { "茶飲", 40 }, { "咖啡", 25 },
	{ "零食", 45 }, { "家居", 35 }, { "寢具", 25 }, { "廚房", 35 },
	{ "清潔", 35 }, { "保健", 40 }, { "母嬰", 30 }, { "寵物", 30 },
	{ "3C配件", 35 }, { "服飾", 35 }, { "文具", 30 },
};
#define NCATS (sizeof(catsizes) / sizeof(catsizes[0]))

static const int nice_prices[] = {
	99, 119, 129, 149, 159, 179, 199, 229, 249, 269, 299, 320, 349, 380,
	399, 420, 450, 480, 499, 520, 550, 580, 599, 650, 680, 699, 750, 780,
	799, 850, 880, 899, 950, 990, 1080, 1180, 1280, 1380, 1480, 1580,
	1680, 1780, 1880, 1980, 2180, 2280, 2480, 2680, 2880, 2980, 2990,
};

struct product {
	char	 name[256];
	const char *cat;
	int	 price;
	char	 csv[512];	/* "SKU-0042,name,category," ready to write */
	size_t	 csvlen;
};

static struct product products[NPRODUCTS];
static double popcum[NPRODUCTS];	/* popularity, cumulative */

static int
nparts(const char *list)
{
	int n = 1;

	for (; *list != '\0'; list++)
		n += *list == '|';
	return n;
}

static void
part(const char *list, int i, char *out, size_t outsz)
{
	const char *e;
	size_t n;

	while (i-- > 0)
		list = strchr(list, '|') + 1;
	e = strchr(list, '|');
	n = e != NULL ? (size_t)(e - list) : strlen(list);
	if (n >= outsz)
		n = outsz - 1;
	memcpy(out, list, n);
	out[n] = '\0';
}

static int
combos(const struct group *g)
{
	return nparts(g->prefixes) * nparts(g->items) * nparts(g->specs);
}

static void
build_catalogue(void)
{
	struct rng r = rng_init(hash4(WORLD, TAG_CAT, 0, 0));
	const char *catof[NPRODUCTS];
	const struct group *g;
	char pre[64], item[64], spec[64];
	uint32_t perm[NPRODUCTS];
	size_t c, i, j, p;
	int tries, tot, w, ns, si, best, k, target, quoted = 0;
	struct sb b;

	p = 0;
	for (c = 0; c < NCATS; c++)
		for (k = 0; k < catsizes[c].n; k++)
			catof[p++] = catsizes[c].cat;
	for (i = NPRODUCTS - 1; i > 0; i--) {	/* scatter categories */
		const char *t;

		j = rng_below(&r, (uint32_t)i + 1);
		t = catof[i];
		catof[i] = catof[j];
		catof[j] = t;
	}
	for (p = 0; p < NPRODUCTS; p++) {
		for (tries = 0;; tries++) {
			/* a group of the category, by its number of names */
			tot = 0;
			for (i = 0; i < NGROUPS; i++)
				if (strcmp(groups[i].cat, catof[p]) == 0)
					tot += combos(&groups[i]);
			w = (int)rng_below(&r, (uint32_t)tot);
			for (i = 0, g = NULL; i < NGROUPS; i++) {
				if (strcmp(groups[i].cat, catof[p]) != 0)
					continue;
				g = &groups[i];
				if ((w -= combos(g)) < 0)
					break;
			}
			part(g->prefixes, (int)rng_below(&r,
			    (uint32_t)nparts(g->prefixes)), pre, sizeof(pre));
			part(g->items, (int)rng_below(&r,
			    (uint32_t)nparts(g->items)), item, sizeof(item));
			ns = nparts(g->specs);
			si = (int)rng_below(&r, (uint32_t)ns);
			part(g->specs, si, spec, sizeof(spec));
			b.n = 0;
			sb_str(&b, pre);
			sb_str(&b, item);
			sb_str(&b, spec);
			if (tries > 1000) {	/* cannot happen, these tables */
				sb_str(&b, " 第");
				sb_uint(&b, p, 0);
				sb_str(&b, "代");
			}
			b.s[b.n] = '\0';
			memcpy(products[p].name, b.s, b.n + 1);
			for (j = 0; j < p; j++)
				if (strcmp(products[j].name,
				    products[p].name) == 0)
					break;
			if (j == p)
				break;
		}
		if (!quoted && strcmp(catof[p], "文具") == 0) {
			/* one name with quotes, for the CSV readers */
			quoted = 1;
			snprintf(products[p].name, sizeof(products[p].name),
			    "手帳 \"2025限定版\" A5");
		}
		products[p].cat = catof[p];
		/* price: up the range with the spec, a nice number */
		target = g->lo + (int)((g->hi - g->lo) *
		    ((si + rng_u01(&r)) / ns));
		best = -1;
		for (k = 0; k < (int)(sizeof(nice_prices) /
		    sizeof(nice_prices[0])); k++) {
			if (nice_prices[k] < g->lo || nice_prices[k] > g->hi)
				continue;
			if (best < 0 || abs(nice_prices[k] - target) <
			    abs(best - target))
				best = nice_prices[k];
		}
		products[p].price = best > 0 ? best : g->lo;
		b.n = 0;
		sb_str(&b, "SKU-");
		sb_uint(&b, p + 1, 4);
		sb_chr(&b, ',');
		sb_field(&b, products[p].name);
		sb_chr(&b, ',');
		sb_field(&b, products[p].cat);
		sb_chr(&b, ',');
		memcpy(products[p].csv, b.s, b.n);
		products[p].csvlen = b.n;
	}
	/*
	 * Zipf-like popularity, 1 / (rank + 5), over a shuffled ranking,
	 * tilted towards cheap products (times (price / 500)^-1.3) so that
	 * baskets look real: about 60% of orders reach free shipping.
	 */
	for (i = 0; i < NPRODUCTS; i++)
		perm[i] = (uint32_t)i;
	for (i = NPRODUCTS - 1; i > 0; i--) {
		uint32_t t;

		j = rng_below(&r, (uint32_t)i + 1);
		t = perm[i];
		perm[i] = perm[j];
		perm[j] = t;
	}
	{
		double wt[NPRODUCTS], acc = 0;

		for (i = 0; i < NPRODUCTS; i++)
			wt[perm[i]] = 1.0 / (double)(i + 5) *
			    my_pow(products[perm[i]].price / 500.0, -1.3);
		for (i = 0; i < NPRODUCTS; i++) {
			acc += wt[i];
			popcum[i] = acc;
		}
	}
}

/* ==== customers: a fixed world, independent of the seed ==== */

static const char *const surnames[] = {
	"陳", "林", "黃", "張", "李", "王", "吳", "劉", "蔡", "楊", "許", "鄭",
	"謝", "郭", "洪", "曾", "邱", "廖", "賴", "周", "徐", "蘇", "葉", "莊",
	"呂", "江", "何", "蕭", "羅", "高", "潘", "簡", "朱", "鍾", "游", "彭",
	"詹", "胡", "施", "沈", "余", "盧", "梁", "趙", "顏", "柯", "翁", "魏",
	"孫", "戴",
};
/* per mille, roughly Taiwan's shares */
static const int surname_w[] = {
	111, 83, 60, 53, 51, 41, 40, 32, 29, 27, 23, 19, 18, 17, 16, 14, 14,
	13, 13, 12, 11, 11, 11, 10, 10, 9, 9, 9, 9, 8, 7, 7, 7, 7, 6, 6, 6,
	6, 6, 6, 5, 5, 5, 5, 5, 5, 4, 4, 4, 4,
};
#define NSURNAMES (sizeof(surnames) / sizeof(surnames[0]))

static const char *const given_common[] = {
	"怡君", "雅婷", "淑芬", "美玲", "雅雯", "佳穎", "欣怡", "詩涵", "婉婷",
	"宜蓁", "佩君", "淑惠", "雅惠", "惠如", "筱涵", "品妍", "子晴", "思妤",
	"郁婷", "心怡", "靜怡", "佳蓉", "宜庭", "曉雯", "玉婷", "志明", "家豪",
	"冠宇", "宗翰", "承恩", "柏翰", "俊傑", "建宏", "志偉", "信宏", "宇軒",
	"冠廷", "彥廷", "品睿", "承翰", "家瑋", "俊宏", "建志", "哲瑋", "明哲",
	"文傑", "育誠", "政宏", "志豪", "偉倫",
};
static const char *const given_first[] = {
	"雅", "怡", "佳", "欣", "詩", "宜", "佩", "淑", "美", "思", "子", "品",
	"家", "志", "宗", "冠", "俊", "建", "承", "柏", "宇", "彥", "文", "明",
	"育", "瑞", "秀", "玉", "嘉", "凱",
};
static const char *const given_second[] = {
	"婷", "君", "芬", "玲", "雯", "穎", "涵", "蓁", "惠", "如", "晴", "妤",
	"庭", "萱", "豪", "宇", "翰", "恩", "傑", "宏", "偉", "軒", "廷", "睿",
	"瑋", "哲", "誠", "倫", "銘", "琪",
};
static const char *const given_single[] = {
	"靜", "婷", "傑", "豪", "瑜", "萱", "翔", "穎", "薇", "偉",
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

static const char *const channels[] = { "shopee", "momo", "qdm" };

/* A bijection of [0, 2^(2h)) (four Feistel rounds). */
static uint64_t
feistel(uint64_t x, int h, uint64_t key)
{
	uint64_t mask = (1ULL << h) - 1, l = x >> h, r = x & mask, t;
	int i;

	for (i = 0; i < 4; i++) {
		t = r;
		r = l ^ (mix64(r ^ key ^ ((uint64_t)i << 56)) & mask);
		l = t;
	}
	return l << h | r;
}

/* A bijection of [0, n) by cycle walking; n <= 2^(2h). */
static uint64_t
permute(uint64_t x, uint64_t n, int h, uint64_t key)
{
	do
		x = feistel(x, h, key);
	while (x >= n);
	return x;
}

struct person {
	uint64_t acct;		/* number after "user" */
	char	 phone[11];
	int	 has_email;
	int	 channel;	/* main channel */
	char	 name[32];
};

static void
person_of(uint64_t w, struct person *p)
{
	struct rng r = rng_init(hash4(WORLD, TAG_CUST, w, 0));
	uint64_t ph;
	uint32_t u, i;
	double x;

	p->acct = w < 9000000 ? 1000000 + permute(w, 9000000, 12,
	    hash4(WORLD, TAG_ACCT, 0, 0)) : 10000000 + w;
	ph = permute(w, 100000000, 14, hash4(WORLD, TAG_PHONE, 0, 0));
	snprintf(p->phone, sizeof(p->phone), "09%08llu",
	    (unsigned long long)ph);
	p->has_email = rng_u01(&r) < 0.70;
	x = rng_u01(&r);
	p->channel = x < 0.65 ? 0 : x < 0.825 ? 1 : 2;	/* 60/20/20 in all */
	u = rng_below(&r, 1000);
	for (i = 0; i < NSURNAMES - 1; i++) {
		if (u < (uint32_t)surname_w[i])
			break;
		u -= (uint32_t)surname_w[i];
	}
	x = rng_u01(&r);
	if (x < 0.03)
		snprintf(p->name, sizeof(p->name), "%s%s", surnames[i],
		    given_single[rng_below(&r, NELEM(given_single))]);
	else if (x < 0.55)
		snprintf(p->name, sizeof(p->name), "%s%s", surnames[i],
		    given_common[rng_below(&r, NELEM(given_common))]);
	else {
		uint32_t a = rng_below(&r, NELEM(given_first));
		uint32_t b = rng_below(&r, NELEM(given_second));

		if (strcmp(given_first[a], given_second[b]) == 0)
			b = (b + 1) % NELEM(given_second);
		snprintf(p->name, sizeof(p->name), "%s%s%s", surnames[i],
		    given_first[a], given_second[b]);
	}
}

/* ==== the generator ==== */

struct cust {
	double	 x;	/* position of the next order in [0, 1) */
	uint32_t next;	/* next customer in the same day's bucket */
	uint16_t k;	/* orders */
	uint16_t done;	/* orders already placed */
};

struct rec {
	uint32_t sec;	/* second of the day */
	uint32_t cust;
	uint32_t idx;	/* the customer's order number */
};

struct gen {
	uint64_t seed;
	uint64_t first;		/* world number of customer 0 */
	uint64_t nlines;
	uint32_t ncust;
	int	 days;
	int64_t	 start;
	const char *prefix;
	int	 layout;	/* LAYOUT_PLAIN or LAYOUT_SHOPEE */
	int	 channel;	/* every order's channel, or -1: drawn */
	double	*daycum;	/* day weights, cumulative, days + 1 */
	char	(*daystr)[11];	/* YYYY-MM-DD */
	char	(*dayid)[7];	/* YYMMDD */
	double	 hourcum[24];
	struct cust *cs;
	uint32_t *head;		/* per day: first customer waiting */
};

static int
lines_of(struct rng *r)
{
	double u = rng_u01(r);

	return u < 0.20 ? 1 : u < 0.50 ? 2 : u < 0.80 ? 3 : 4;
}

/* Lines of a customer's order idx, as emit_order will draw them. */
static int
order_lines(const struct gen *g, uint64_t w, uint32_t idx)
{
	struct rng r = rng_init(hash4(g->seed, w, idx, TAG_ORDER));

	return lines_of(&r);
}

/* The day (0 .. days-1) of a position in [0, 1). */
static int
day_of(const struct gen *g, double x)
{
	int lo = 0, hi = g->days - 1, mid;
	double t = x * g->daycum[g->days];

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (g->daycum[mid + 1] > t)
			hi = mid;
		else
			lo = mid + 1;
	}
	return lo;
}

static void
setup_days(struct gen *g)
{
	static const double dow_w[7] = { 1.12, 0.95, 0.95, 0.97, 1.00, 1.03,
	    1.10 };			/* Sunday first */
	static const double month_w[13] = { 0, 1.00, 0.90, 0.97, 0.97, 1.00,
	    1.03, 1.00, 1.00, 1.00, 1.03, 1.10, 1.12 };
	static const int hour_w[24] = { 4, 2, 1, 1, 1, 1, 2, 3, 5, 6, 7, 7, 8,
	    7, 6, 6, 6, 7, 8, 10, 12, 13, 12, 8 };
	int d, y, m, dd, md, i;
	double w, acc = 0;
	struct sb b;
	int64_t z;

	g->daycum = calloc((size_t)g->days + 1, sizeof(double));
	g->daystr = calloc((size_t)g->days, sizeof(*g->daystr));
	g->dayid = calloc((size_t)g->days, sizeof(*g->dayid));
	if (g->daycum == NULL || g->daystr == NULL || g->dayid == NULL) {
		fprintf(stderr, "gen-orders: out of memory\n");
		exit(EXIT_DATA);
	}
	g->daycum[0] = 0;
	for (d = 0; d < g->days; d++) {
		z = g->start + d;
		civil_from_days(z, &y, &m, &dd);
		b.n = 0;
		sb_uint(&b, (uint64_t)y % 10000, 4);
		sb_chr(&b, '-');
		sb_uint(&b, (uint64_t)m, 2);
		sb_chr(&b, '-');
		sb_uint(&b, (uint64_t)dd, 2);
		memcpy(g->daystr[d], b.s, 10);
		g->daystr[d][10] = '\0';
		memcpy(g->dayid[d], b.s + 2, 2);
		memcpy(g->dayid[d] + 2, b.s + 5, 2);
		memcpy(g->dayid[d] + 4, b.s + 8, 2);
		g->dayid[d][6] = '\0';
		md = m * 100 + dd;
		w = dow_w[((z % 7) + 11) % 7] * month_w[m] *
		    (1.0 + 0.3 * d / g->days);
		if (md == 1111)
			w *= 3.5;
		else if (md == 1110 || md == 1112)
			w *= 1.6;
		else if (md == 1212)
			w *= 2.2;
		else if (md == 618)
			w *= 1.8;
		else if (md == 909)
			w *= 1.4;
		else if (md == 1010)
			w *= 1.3;
		acc += w;
		g->daycum[d + 1] = acc;
	}
	acc = 0;
	for (i = 0; i < 24; i++) {
		acc += hour_w[i];
		g->hourcum[i] = acc;
	}
}

/*
 * A customer's order count: none (only when customers outnumber what the
 * lines need), one for half of them, else 2 + a geometric count whose
 * mean is mu times a Pareto (Lomax, alpha 3) variate of mean 1.
 */
static uint32_t
draw_count(const struct gen *g, uint64_t w, double active, double mu)
{
	struct rng r = rng_init(hash4(g->seed, w, 0, TAG_COUNT));
	double lambda, p, y;

	if (rng_u01(&r) >= active)
		return 0;
	if (rng_u01(&r) < 0.5)
		return 1;
	lambda = mu * 2.0 * (my_pow(rng_u01_pos(&r), -1.0 / 3.0) - 1.0);
	if (lambda <= 1e-12)
		return 2;
	p = lambda / (1.0 + lambda);
	y = my_log(rng_u01_pos(&r)) / my_log(p);
	if (y > KDRAWMAX - 2)
		return KDRAWMAX;
	return 2 + (uint32_t)y;
}

/* u in (0, 1] for the schedule of a customer's order idx */
static double
sched_u(const struct gen *g, uint64_t w, uint32_t idx)
{
	struct rng r = rng_init(hash4(g->seed, w, idx, TAG_SCHED));

	return rng_u01_pos(&r);
}

static uint32_t
time_of(const struct gen *g, uint64_t w, uint32_t idx)
{
	struct rng r = rng_init(hash4(g->seed, w, idx, TAG_TIME));
	uint32_t h;

	h = pick_cum(g->hourcum, 24, rng_u01(&r));
	return h * 3600 + rng_below(&r, 3600);
}

/* Order counts for everybody, adjusted so that the lines come to n. */
static void
plan(struct gen *g)
{
	struct rng r = rng_init(hash4(g->seed, TAG_ADJUST, 0, 0));
	double m, active, mu;
	uint64_t total = 0, w;
	uint32_t i, j, k, tries;

	m = g->nlines / (2.5 * g->ncust);
	if (m >= 2) {
		active = 1;
		mu = 2 * m - 3;
	} else {
		active = m / 2;
		mu = 1;
	}
	for (i = 0; i < g->ncust; i++) {
		w = g->first + i;
		k = g->nlines > 0 ? draw_count(g, w, active, mu) : 0;
		g->cs[i].k = (uint16_t)k;
		g->cs[i].done = 0;
		for (j = 0; j < k; j++)
			total += (uint64_t)order_lines(g, w, j);
	}
	/* too many lines: drop last orders of repeat customers */
	while (total > g->nlines) {
		for (tries = 0;; tries++) {
			i = rng_below(&r, g->ncust);
			if (g->cs[i].k >= 2 || (tries > 1000 && g->cs[i].k >= 1))
				break;
		}
		k = --g->cs[i].k;
		total -= (uint64_t)order_lines(g, g->first + i, k);
	}
	/* too few: give random customers another order */
	for (tries = 0; total < g->nlines && tries < 100000000; tries++) {
		i = rng_below(&r, g->ncust);
		if (g->cs[i].k >= KMAX)
			continue;
		k = g->cs[i].k++;
		total += (uint64_t)order_lines(g, g->first + i, k);
	}
	if (total < g->nlines)
		fprintf(stderr, "gen-orders: only %llu lines: too few "
		    "customers for %llu\n", (unsigned long long)total,
		    (unsigned long long)g->nlines);
}

static const char *
status_of(struct rng *r, int d, int days)
{
	int left = days - 1 - d;	/* days until the end of the range */
	double pend, u;

	pend = left < 2 ? 0.8 : left < 5 ? 0.4 : left < 14 ? 0.05 : 0.005;
	if (rng_u01(r) < pend)
		return "pending";
	u = rng_u01(r);
	if (u < 0.0404)
		return "cancelled";
	if (u < 0.0606 && left >= 7)
		return "returned";
	return "completed";
}

/* ==== the Shopee Taiwan layout ==== */

static const char shopee_header[] =
    "訂單編號,訂單狀態,不成立原因,退貨 / 退款狀態,買家帳號,訂單成立日期,"
    "商品總價,買家支付運費,蝦皮補助運費,退貨運費,買家總支付金額,蝦皮補貼金額,"
    "蝦幣折抵,銀行信用卡活動折抵,優惠代碼,賣場優惠券,賣家蝦幣回饋券,優惠券,"
    "成交手續費,其他服務費,金流與系統處理費,分期付款期數,金流與系統處理費率,"
    "成交手續費規則名稱,商品名稱,商品選項名稱,商品原價,商品活動價格,主商品貨號,"
    "商品選項貨號,數量,退貨數量,促銷組合指標,蝦皮促銷組合折扣:促銷組合標籤,"
    "收件地址,收件者電話,蝦皮專線和包裹查詢碼,取件門市店號,城市,行政區,郵遞區號,"
    "收件者姓名,寄送方式,出貨方式,備貨時間,付款方式,最晚出貨日期,包裹查詢號碼,"
    "買家付款時間,實際出貨時間,訂單完成時間,買家備註,備註\n";

/* Where a customer lives: fixed by the customer, like the name. */
static const struct {
	const char *city, *district, *zip;
} places[] = {
	{ "臺北市", "大安區", "106" }, { "臺北市", "信義區", "110" },
	{ "新北市", "板橋區", "220" }, { "新北市", "新莊區", "242" },
	{ "桃園市", "中壢區", "320" }, { "臺中市", "西屯區", "407" },
	{ "臺南市", "東區", "701" }, { "高雄市", "左營區", "813" },
	{ "新竹市", "東區", "300" }, { "基隆市", "仁愛區", "200" },
};
static const char *const roads[] = {
	"中山路", "民生路", "復興路", "中正路", "建國路", "和平東路",
};
static const char *const deliveries[] = {
	"蝦皮店到店", "7-ELEVEN", "全家", "宅配",
};
static const char *const payments[] = {
	"信用卡", "貨到付款", "蝦皮錢包", "ATM轉帳",
};

/* YYYY-MM-DD of a day number */
static void
sb_day(struct sb *b, int64_t z)
{
	int y, m, d;

	civil_from_days(z, &y, &m, &d);
	sb_uint(b, (uint64_t)y % 10000, 4);
	sb_chr(b, '-');
	sb_uint(b, (uint64_t)m, 2);
	sb_chr(b, '-');
	sb_uint(b, (uint64_t)d, 2);
}

/* YYYY-MM-DD HH:MM, as Shopee writes its times */
static void
sb_minute(struct sb *b, int64_t z, uint32_t sec)
{
	sb_day(b, z);
	sb_chr(b, ' ');
	sb_uint(b, sec / 3600, 2);
	sb_chr(b, ':');
	sb_uint(b, sec / 60 % 60, 2);
}

/*
 * Writes one order as Shopee Taiwan exports it, one row per line; the
 * values are those emit_order drew.  The columns crmkit does not read
 * come from a hash of the order, so they take no draws from its stream.
 */
static void
emit_shopee(struct gen *g, const struct rec *rc, int day, uint32_t seq,
    const struct person *p, int nl, const int *sku, const int *qty,
    const char *status, int masked, int coupon, int64_t sub, int64_t ship,
    int64_t disc)
{
	uint64_t w = g->first + rc->cust;
	uint64_t h = hash4(g->seed, w, rc->idx, TAG_SHOPEE);
	int64_t z = g->start + day, paid = sub + ship - disc;
	int cancelled = strcmp(status, "cancelled") == 0;
	int returned = strcmp(status, "returned") == 0;
	int pending = strcmp(status, "pending") == 0;
	int shipped = !cancelled && !pending;
	size_t pl = (size_t)(w % NELEM(places));
	struct sb head, tail, line;
	int l;

	head.n = 0;
	sb_str(&head, g->prefix);			/* 訂單編號 */
	sb_str(&head, g->dayid[day]);
	sb_uint(&head, seq, 6);
	sb_chr(&head, ',');
	sb_str(&head, cancelled ? "不成立" : returned ? "退貨/退款" :
	    pending ? "待出貨" : "已完成");		/* 訂單狀態 */
	sb_chr(&head, ',');
	if (cancelled)
		sb_str(&head, "買家取消");		/* 不成立原因 */
	sb_chr(&head, ',');
	if (returned)
		sb_str(&head, "退貨退款");		/* 退貨 / 退款狀態 */
	sb_str(&head, ",user");
	sb_uint(&head, p->acct, 0);			/* 買家帳號 */
	sb_chr(&head, ',');
	sb_minute(&head, z, rc->sec);			/* 訂單成立日期 */
	sb_chr(&head, ',');
	sb_uint(&head, (uint64_t)sub, 0);		/* 商品總價 */
	sb_chr(&head, ',');
	sb_uint(&head, (uint64_t)ship, 0);		/* 買家支付運費 */
	sb_str(&head, ",0,0,");			/* 蝦皮補助運費, 退貨運費 */
	sb_uint(&head, (uint64_t)paid, 0);		/* 買家總支付金額 */
	sb_str(&head, ",0,0,0,");	/* 蝦皮補貼金額, 蝦幣折抵, 銀行... */
	if (coupon)
		sb_str(&head, "WELCOME100");		/* 優惠代碼 */
	sb_chr(&head, ',');
	sb_uint(&head, (uint64_t)disc, 0);		/* 賣場優惠券 */
	sb_str(&head, ",0,0,");		/* 賣家蝦幣回饋券, 優惠券 */
	sb_uint(&head, (uint64_t)((sub * 55 + 500) / 1000), 0); /* 成交手續費 */
	sb_str(&head, ",0,");				/* 其他服務費 */
	sb_uint(&head, (uint64_t)((paid * 2 + 50) / 100), 0);
	sb_str(&head, ",,2%,一般賣家成交手續費,");

	tail.n = 0;
	sb_str(&tail, places[pl].city);			/* 收件地址 */
	sb_str(&tail, places[pl].district);
	sb_str(&tail, roads[w / NELEM(places) % NELEM(roads)]);
	sb_uint(&tail, w / 60 % 300 + 1, 0);
	sb_str(&tail, "號,");
	if (masked) {					/* 收件者電話 */
		sb_str(&tail, "******");
		sb_str(&tail, p->phone + 6);
	} else
		sb_str(&tail, p->phone);
	sb_str(&tail, ",,,");		/* 蝦皮專線..., 取件門市店號 */
	sb_str(&tail, places[pl].city);			/* 城市 */
	sb_chr(&tail, ',');
	sb_str(&tail, places[pl].district);		/* 行政區 */
	sb_chr(&tail, ',');
	sb_str(&tail, places[pl].zip);			/* 郵遞區號 */
	sb_chr(&tail, ',');
	sb_field(&tail, p->name);			/* 收件者姓名 */
	sb_chr(&tail, ',');
	sb_str(&tail, deliveries[h % NELEM(deliveries)]); /* 寄送方式 */
	sb_str(&tail, ",寄件,2,");		/* 出貨方式, 備貨時間 */
	sb_str(&tail, payments[(h >> 8) % NELEM(payments)]); /* 付款方式 */
	sb_chr(&tail, ',');
	sb_day(&tail, z + 2);				/* 最晚出貨日期 */
	sb_chr(&tail, ',');
	if (shipped) {					/* 包裹查詢號碼 */
		sb_str(&tail, "TW");
		sb_uint(&tail, (h >> 16) % 1000000000000ULL, 12);
	}
	sb_chr(&tail, ',');
	if (cancelled)					/* 買家付款時間 */
		sb_chr(&tail, '-');
	else
		sb_minute(&tail, z, rc->sec);
	sb_chr(&tail, ',');
	if (shipped)					/* 實際出貨時間 */
		sb_minute(&tail, z + 1, 14 * 3600 + (uint32_t)(h >> 40) % 14400);
	else
		sb_chr(&tail, '-');
	sb_chr(&tail, ',');
	if (shipped)					/* 訂單完成時間 */
		sb_minute(&tail, z + 5, 10 * 3600 + (uint32_t)(h >> 48) % 36000);
	else
		sb_chr(&tail, '-');
	sb_str(&tail, ",,\n");			/* 買家備註, 備註 */

	for (l = 0; l < nl; l++) {
		const struct product *pr = &products[sku[l]];

		line.n = 0;
		sb_field(&line, pr->name);			/* 商品名稱 */
		sb_str(&line, ",,");			/* 商品選項名稱 */
		sb_uint(&line, (uint64_t)pr->price, 0);	/* 商品原價 */
		sb_chr(&line, ',');
		sb_uint(&line, (uint64_t)pr->price, 0);	/* 商品活動價格 */
		sb_chr(&line, ',');
		sb_mem(&line, pr->csv, 8);			/* 主商品貨號 */
		sb_str(&line, ",,");			/* 商品選項貨號 */
		sb_uint(&line, (uint64_t)qty[l], 0);		/* 數量 */
		sb_chr(&line, ',');
		sb_uint(&line, returned ? (uint64_t)qty[l] : 0, 0); /* 退貨數量 */
		sb_str(&line, ",N,,");		/* 促銷組合指標, ...標籤 */
		out_mem(head.s, head.n);
		out_mem(line.s, line.n);
		out_mem(tail.s, tail.n);
	}
}

/* Writes one order; returns its lines. */
static int
emit_order(struct gen *g, const struct rec *rc, int day, uint32_t seq)
{
	uint64_t w = g->first + rc->cust;
	struct rng r = rng_init(hash4(g->seed, w, rc->idx, TAG_ORDER));
	struct person p;
	struct sb head, tail, line;
	int nl, l, l2, sku[4], qty[4], channel, masked, coupon, tries;
	int64_t sub = 0, ship, disc;
	const char *status;
	double u;

	nl = lines_of(&r);		/* first, as in order_lines() */
	for (l = 0; l < nl; l++) {
		for (tries = 0; tries < 20; tries++) {
			sku[l] = (int)pick_cum(popcum, NPRODUCTS, rng_u01(&r));
			for (l2 = 0; l2 < l && sku[l2] != sku[l]; l2++)
				;
			if (l2 == l)
				break;
		}
		u = rng_u01(&r);
		qty[l] = u < 0.78 ? 1 : u < 0.93 ? 2 : u < 0.98 ? 3 :
		    u < 0.99 ? 4 : 5 + (int)rng_below(&r, 2);
		sub += (int64_t)qty[l] * products[sku[l]].price;
	}
	person_of(w, &p);
	channel = p.channel;
	if (rng_u01(&r) < 0.10)
		channel = (channel + 1 + (int)rng_below(&r, 2)) % 3;
	if (g->channel >= 0)
		channel = g->channel;
	status = status_of(&r, day, g->days);
	u = rng_u01(&r);
	if (g->channel == 0) {		/* as Shopee exports them */
		masked = u < 0.85;
		p.has_email = 0;
	} else
		masked = u < (channel == 0 ? 0.15 : 0.025);
	coupon = rng_u01(&r) < 0.107 && rc->idx == 0 && sub >= 300;
	ship = sub >= 1000 ? 0 : 60;
	disc = coupon ? 100 : 0;
	if (g->layout == LAYOUT_SHOPEE) {
		emit_shopee(g, rc, day, seq, &p, nl, sku, qty, status, masked,
		    coupon, sub, ship, disc);
		return nl;
	}

	head.n = 0;
	sb_str(&head, g->prefix);
	sb_str(&head, g->dayid[day]);
	sb_uint(&head, seq, 6);
	sb_chr(&head, ',');
	sb_str(&head, g->daystr[day]);
	sb_chr(&head, ' ');
	sb_uint(&head, rc->sec / 3600, 2);
	sb_chr(&head, ':');
	sb_uint(&head, rc->sec / 60 % 60, 2);
	sb_chr(&head, ':');
	sb_uint(&head, rc->sec % 60, 2);
	sb_chr(&head, ',');
	sb_str(&head, channels[channel]);
	sb_chr(&head, ',');
	sb_str(&head, status);
	sb_str(&head, ",user");
	sb_uint(&head, p.acct, 0);
	sb_chr(&head, ',');
	if (masked) {
		sb_str(&head, "******");
		sb_str(&head, p.phone + 6);
	} else
		sb_str(&head, p.phone);
	sb_chr(&head, ',');
	if (p.has_email) {
		sb_chr(&head, 'u');
		sb_uint(&head, p.acct, 0);
		sb_str(&head, "@example.com");
	}
	sb_chr(&head, ',');
	sb_field(&head, p.name);
	sb_chr(&head, ',');

	tail.n = 0;
	sb_uint(&tail, (uint64_t)ship, 0);
	sb_chr(&tail, ',');
	sb_uint(&tail, (uint64_t)disc, 0);
	sb_chr(&tail, ',');
	if (coupon)
		sb_str(&tail, "WELCOME100");
	sb_chr(&tail, ',');
	sb_uint(&tail, (uint64_t)(sub + ship - disc), 0);
	sb_chr(&tail, '\n');

	for (l = 0; l < nl; l++) {
		const struct product *pr = &products[sku[l]];

		line.n = 0;
		sb_uint(&line, (uint64_t)qty[l], 0);
		sb_chr(&line, ',');
		sb_uint(&line, (uint64_t)pr->price, 0);
		sb_chr(&line, ',');
		out_mem(head.s, head.n);
		out_mem(pr->csv, pr->csvlen);
		out_mem(line.s, line.n);
		out_mem(tail.s, tail.n);
	}
	return nl;
}

static int
rec_cmp(const void *a, const void *b)
{
	const struct rec *x = a, *y = b;

	if (x->sec != y->sec)
		return x->sec < y->sec ? -1 : 1;
	if (x->cust != y->cust)
		return x->cust < y->cust ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static const char header[] =
    "order_id,ordered_at,channel,status,account,phone,email,name,sku,"
    "product,category,quantity,unit_price,shipping,discount,coupon,"
    "paid_total\n";

static void
run(struct gen *g)
{
	struct rec *recs = NULL, t;
	size_t nrec, cap = 0, start, a, b;
	uint64_t written = 0, w;
	uint32_t i, nxt, seq;
	struct cust *c;
	double u;
	int d, nd;

	g->head = malloc((size_t)g->days * sizeof(uint32_t));
	if (g->head == NULL) {
		fprintf(stderr, "gen-orders: out of memory\n");
		exit(EXIT_DATA);
	}
	for (d = 0; d < g->days; d++)
		g->head[d] = NIL;
	/* first orders: the minimum of k uniform positions */
	for (i = 0; i < g->ncust; i++) {
		c = &g->cs[i];
		if (c->k == 0)
			continue;
		u = sched_u(g, g->first + i, 0);
		c->x = 1.0 - my_pow(u, 1.0 / c->k);
		nd = day_of(g, c->x);
		c->next = g->head[nd];
		g->head[nd] = i;
	}
	if (g->layout == LAYOUT_SHOPEE)
		out_mem(shopee_header, sizeof(shopee_header) - 1);
	else
		out_mem(header, sizeof(header) - 1);
	for (d = 0; d < g->days && written < g->nlines; d++) {
		nrec = 0;
		for (i = g->head[d]; i != NIL; i = nxt) {
			c = &g->cs[i];
			nxt = c->next;
			w = g->first + i;
			start = nrec;
			for (;;) {
				if (nrec == cap) {
					cap = cap ? 2 * cap : 4096;
					recs = realloc(recs, cap * sizeof(*recs));
					if (recs == NULL) {
						fprintf(stderr, "gen-orders: out "
						    "of memory\n");
						exit(EXIT_DATA);
					}
				}
				recs[nrec].sec = time_of(g, w, c->done);
				recs[nrec].cust = i;
				recs[nrec].idx = c->done;
				nrec++;
				if (++c->done == c->k)
					break;
				/* next: the least of the k - done left */
				u = sched_u(g, w, c->done);
				c->x += (1.0 - c->x) *
				    (1.0 - my_pow(u, 1.0 / (c->k - c->done)));
				nd = day_of(g, c->x);
				if (nd > d) {
					c->next = g->head[nd];
					g->head[nd] = i;
					break;
				}
			}
			/* a customer's orders on one day: times in order */
			for (a = start + 1; a < nrec; a++)
				for (b = a; b > start && recs[b - 1].sec >
				    recs[b].sec; b--) {
					t = recs[b - 1];
					recs[b - 1] = recs[b];
					recs[b] = t;
				}
			for (a = start; a < nrec; a++)
				recs[a].idx = c->done - (uint32_t)(nrec - a);
			for (a = start + 1; a < nrec; a++)
				if (recs[a].sec <= recs[a - 1].sec &&
				    recs[a - 1].sec < 86399)
					recs[a].sec = recs[a - 1].sec + 1;
		}
		qsort(recs, nrec, sizeof(*recs), rec_cmp);
		seq = 0;
		for (a = 0; a < nrec && written < g->nlines; a++) {
			written += (uint64_t)emit_order(g, &recs[a], d, ++seq);
			if (olen > sizeof(obuf) - 8192)
				out_flush();
		}
	}
	out_flush();
	free(recs);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		fprintf(stderr, "gen-orders: write error: %s\n",
		    strerror(errno));
		exit(EXIT_DATA);
	}
}

static unsigned long long
num_arg(const char *opt, const char *s, unsigned long long lo,
    unsigned long long hi)
{
	unsigned long long v;
	char *end;

	errno = 0;
	if (*s < '0' || *s > '9')
		goto bad;
	v = strtoull(s, &end, 0);
	if (errno != 0 || *end != '\0' || v < lo || v > hi)
		goto bad;
	return v;
bad:
	fprintf(stderr, "gen-orders: %s: bad value \"%s\" (%llu-%llu)\n%s",
	    opt, s, lo, hi, usage_text);
	exit(EXIT_USAGE);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "lines", required_argument, NULL, 'n' },
		{ "customers", required_argument, NULL, 'c' },
		{ "start", required_argument, NULL, 'S' },
		{ "days", required_argument, NULL, 'D' },
		{ "id-prefix", required_argument, NULL, 'P' },
		{ "first-customer", required_argument, NULL, 'F' },
		{ "layout", required_argument, NULL, 'L' },
		{ "channel", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct gen g;
	int ch, have_c = 0, i;

	memset(&g, 0, sizeof(g));
	g.seed = 1;
	g.nlines = 1000;
	g.days = 730;
	g.start = days_from_civil(2024, 1, 1);
	g.prefix = "P";
	g.channel = -1;
	while ((ch = getopt_long(argc, argv, "s:n:c:h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			g.seed = num_arg("-s", optarg, 0, ULLONG_MAX);
			break;
		case 'n':
			g.nlines = num_arg("-n", optarg, 0, 4000000000ULL);
			break;
		case 'c':
			g.ncust = (uint32_t)num_arg("-c", optarg, 1,
			    MAXUNIVERSE);
			have_c = 1;
			break;
		case 'S':
			if (parse_day(optarg, &g.start) != 0) {
				fprintf(stderr, "gen-orders: --start: not a "
				    "date YYYY-MM-DD: \"%s\"\n%s", optarg,
				    usage_text);
				return EXIT_USAGE;
			}
			break;
		case 'D':
			g.days = (int)num_arg("--days", optarg, 1, 36500);
			break;
		case 'P':
			if (*optarg == '\0' || strlen(optarg) > 32 ||
			    strpbrk(optarg, ",\"\r\n") != NULL) {
				fprintf(stderr, "gen-orders: --id-prefix: 1-32 "
				    "characters, no comma, quote or line "
				    "break\n%s", usage_text);
				return EXIT_USAGE;
			}
			g.prefix = optarg;
			break;
		case 'F':
			g.first = num_arg("--first-customer", optarg, 0,
			    MAXUNIVERSE - 1);
			break;
		case 'L':
			if (strcmp(optarg, "plain") == 0)
				g.layout = LAYOUT_PLAIN;
			else if (strcmp(optarg, "shopee") == 0)
				g.layout = LAYOUT_SHOPEE;
			else {
				fprintf(stderr, "gen-orders: --layout: plain or "
				    "shopee, not \"%s\"\n%s", optarg,
				    usage_text);
				return EXIT_USAGE;
			}
			break;
		case 'C':
			for (i = 0; i < (int)NELEM(channels); i++)
				if (strcmp(optarg, channels[i]) == 0)
					break;
			if (i == (int)NELEM(channels)) {
				fprintf(stderr, "gen-orders: --channel: shopee, "
				    "momo or qdm, not \"%s\"\n%s", optarg,
				    usage_text);
				return EXIT_USAGE;
			}
			g.channel = i;
			break;
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		default:
			fputs(usage_text, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "gen-orders: unexpected argument \"%s\"\n%s",
		    argv[optind], usage_text);
		return EXIT_USAGE;
	}
	{
		int y, m, d;

		civil_from_days(g.start + g.days - 1, &y, &m, &d);
		if (y > 9999) {
			fprintf(stderr, "gen-orders: --days: the range ends "
			    "after 9999\n%s", usage_text);
			return EXIT_USAGE;
		}
	}
	if (g.layout == LAYOUT_SHOPEE) {
		if (g.channel > 0) {
			fprintf(stderr, "gen-orders: --layout shopee: every "
			    "order is on channel shopee\n%s", usage_text);
			return EXIT_USAGE;
		}
		g.channel = 0;
	}
	if (!have_c)
		g.ncust = g.nlines / 5 > 0 ? (uint32_t)(g.nlines / 5 >
		    MAXUNIVERSE ? MAXUNIVERSE : g.nlines / 5) : 1;
	if (g.first + g.ncust > MAXUNIVERSE) {
		fprintf(stderr, "gen-orders: --first-customer plus customers "
		    "is more than %llu\n%s", MAXUNIVERSE, usage_text);
		return EXIT_USAGE;
	}
	g.cs = malloc((size_t)g.ncust * sizeof(*g.cs));
	if (g.cs == NULL) {
		fprintf(stderr, "gen-orders: out of memory\n");
		return EXIT_DATA;
	}
	build_catalogue();
	setup_days(&g);
	plan(&g);
	run(&g);
	return 0;
}
