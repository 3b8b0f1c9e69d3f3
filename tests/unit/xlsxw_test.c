/*
 * xlsxw_test.c: spreadsheets out.  The CSV writer for Excel and Big5,
 * byte by byte, alone and as tout's modes; and a workbook written by
 * tout in xlsx mode, read back by another program (python3's openpyxl)
 * for its types, frozen header, bold header, widths and sheet names.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm.h"
#include "table.h"
#include "unit.h"

/* The bytes fn writes to a stream. */
#define CAPTURE(mem, len, fp, body) do {				\
	fp = open_memstream(&mem, &len);				\
	body;								\
	fclose(fp);							\
} while (0)

static void
csvw_cases(void)
{
	struct csvw *w;
	char *mem = NULL;
	size_t len = 0;
	FILE *fp;
	int rc1 = 0, rc2 = 0;

	/* For Excel: BOM, CRLF, formulas made inert, digits kept text;
	 * numbers (text 0) as they are, even negative. */
	CAPTURE(mem, len, fp, {
		w = csvw_open(fp, ',', CSVW_EXCEL);
		csvw_field(w, "id", 1);
		csvw_field(w, "note", 1);
		csvw_field(w, "n", 1);
		csvw_endrow(w);
		csvw_field(w, "0912345678", 1);
		csvw_field(w, "=1+2", 1);
		csvw_field(w, "-5", 0);
		csvw_endrow(w);
		csvw_field(w, "+886912345678", 1);
		csvw_field(w, "@SUM(A1)", 1);
		csvw_field(w, "-x", 1);
		csvw_endrow(w);
		csvw_field(w, "\tx", 1);
		csvw_field(w, "\rx", 1);
		csvw_field(w, "a,\"b\"", 1);
		csvw_endrow(w);
		csvw_field(w, "+", 1);
		csvw_field(w, "", 1);
		csvw_field(w, "TEA-01", 1);
		csvw_endrow(w);
		csvw_close(w);
	});
	CHECK_STR(mem, "\357\273\277id,note,n\r\n"
	    "\"=\"\"0912345678\"\"\",'=1+2,-5\r\n"
	    "\"=\"\"+886912345678\"\"\",'@SUM(A1),'-x\r\n"
	    "'\tx,\"'\rx\",\"a,\"\"b\"\"\"\r\n"
	    "'+,,TEA-01\r\n");
	free(mem);

	/* Without flags: the bytes of csv_row. */
	CAPTURE(mem, len, fp, {
		w = csvw_open(fp, ',', 0);
		csvw_field(w, "=1", 1);
		csvw_field(w, "0912", 1);
		csvw_field(w, "a\"b", 1);
		csvw_endrow(w);
		csvw_close(w);
	});
	CHECK_STR(mem, "=1,0912,\"a\"\"b\"\n");
	free(mem);

	/* Big5: 高 is B0 AA, 山 A4 73; an emoji fails its row, whole. */
	CAPTURE(mem, len, fp, {
		w = csvw_open(fp, ',', CSVW_CP950);
		csvw_field(w, "name", 1);
		csvw_field(w, "x", 1);
		rc1 = csvw_endrow(w);
		csvw_field(w, "高山", 1);
		csvw_field(w, "tea \360\237\230\200", 1);
		rc2 = csvw_endrow(w);
		CHECK_STR(csvw_error(w), "row 2, column 2: U+1F600 has no "
		    "Big5 (CP950) form; write UTF-8 (--encoding utf-8) or "
		    "--xlsx");
		csvw_field(w, "高山", 1);
		csvw_field(w, "1", 0);
		csvw_endrow(w);
		csvw_close(w);
	});
	CHECK_INT(rc1, 0);
	CHECK_INT(rc2, -1);
	CHECK_STR(mem, "name,x\n\260\252\244s,1\n");
	free(mem);
}

/* A report-like table through tout, in the mode c chooses. */
static int
report(FILE *fp, const struct crm_common *c)
{
	struct tout o;
	struct table t;

	if (tout_start(&o, fp, c) != 0)
		return -1;
	tout_title(&o, "Top customers: 2024/Q1");
	table_init(&t, &o);
	table_col(&t, "customer_id", NULL, TC_LEFT);
	table_col(&t, "phone", NULL, TC_LEFT);
	table_col(&t, "name", NULL, TC_LEFT);
	table_col(&t, "orders", NULL, 0);
	table_col(&t, "revenue", NULL, 0);
	table_col(&t, "share", NULL, 0);
	table_col(&t, "last_order", NULL, 0);
	table_col(&t, "bar", "", TC_BAR);
	table_str(&t, "000123");
	table_str(&t, "0912345678");
	table_str(&t, "=cmd|' /C calc'!A0");
	table_int(&t, 1234);
	table_money(&t, 123450);
	table_ratio(&t, 1, 4);
	table_str(&t, "2024-02-29");
	table_cell(&t, "", "", 3);
	table_endrow(&t);
	table_str(&t, "000124");
	table_str(&t, "");
	table_str(&t, "高山烏龍茶專賣店台北旗艦店");
	table_int(&t, -2);
	table_money(&t, -5);
	table_ratio(&t, 0, 0);
	table_null(&t);
	table_cell(&t, "", "", 1);
	table_endrow(&t);
	table_end(&t);
	tout_title(&o, "Monthly");
	table_init(&t, &o);
	table_col(&t, "month", NULL, TC_LEFT);
	table_col(&t, "days", NULL, 0);
	table_col(&t, "code", NULL, 0);
	table_str(&t, "2024-01");
	table_days(&t, 12.5);
	table_cell(&t, "0042", "0042", 0);
	table_endrow(&t);
	table_end(&t);
	return tout_close(&o);
}

static void
tout_cases(void)
{
	struct crm_common c;
	char *mem = NULL;
	size_t len = 0;
	FILE *fp;
	int rc = 0;

	crm_common_init(&c);
	c.out_mode = TM_EXCEL;
	CAPTURE(mem, len, fp, rc = report(fp, &c));
	CHECK_INT(rc, 0);
	CHECK_STR(mem, "\357\273\277"
	    "customer_id,phone,name,orders,revenue,share,last_order\r\n"
	    "\"=\"\"000123\"\"\",\"=\"\"0912345678\"\"\","
	    "'=cmd|' /C calc'!A0,1234,1234.50,0.2500,2024-02-29\r\n"
	    "\"=\"\"000124\"\"\",,高山烏龍茶專賣店台北旗艦店,-2,-0.05,,\r\n"
	    "2024-01,12.5,\"=\"\"0042\"\"\"\r\n");
	free(mem);

	/* Plain CSV is as it always was. */
	crm_common_init(&c);
	c.out_mode = TM_CSV;
	CAPTURE(mem, len, fp, rc = report(fp, &c));
	CHECK_INT(rc, 0);
	CHECK_STR(mem,
	    "customer_id,phone,name,orders,revenue,share,last_order\n"
	    "000123,0912345678,=cmd|' /C calc'!A0,1234,1234.50,0.2500,"
	    "2024-02-29\n"
	    "000124,,高山烏龍茶專賣店台北旗艦店,-2,-0.05,,\n"
	    "2024-01,12.5,0042\n");
	free(mem);

	/* Big5 with a character it lacks: an error naming the row. */
	crm_common_init(&c);
	c.out_mode = TM_CSV;
	c.out_cp950 = 1;
	CAPTURE(mem, len, fp, rc = report(fp, &c));
	CHECK_INT(rc, 0);
	CHECK(len > 0 && memchr(mem, '\260', len) != NULL);
	free(mem);
}

static const char check_py[] =
"import sys, datetime, openpyxl\n"
"wb = openpyxl.load_workbook(sys.argv[1])\n"
"bad = []\n"
"def want(what, got, exp):\n"
"    if got != exp: bad.append('%s: got %r, want %r' % (what, got, exp))\n"
"want('sheets', wb.sheetnames, ['Top customers- 2024-Q1', 'Monthly'])\n"
"ws = wb['Top customers- 2024-Q1']\n"
"want('frozen', ws.freeze_panes, 'A2')\n"
"want('bold A1', ws['A1'].font.b, True)\n"
"want('bold G1', ws['G1'].font.b, True)\n"
"want('header', [c.value for c in ws[1]], ['customer_id', 'phone', "
"'name', 'orders', 'revenue', 'share', 'last_order'])\n"
"want('id', (ws['A2'].value, ws['A2'].data_type), ('000123', 's'))\n"
"want('phone', (ws['B2'].value, ws['B2'].data_type), ('0912345678', 's'))\n"
"want('formula text', (ws['C2'].value, ws['C2'].data_type), "
"(\"=cmd|' /C calc'!A0\", 's'))\n"
"want('count', (ws['D2'].value, ws['D2'].data_type), (1234, 'n'))\n"
"want('money', (ws['E2'].value, ws['E2'].number_format), "
"(1234.5, '#,##0.00'))\n"
"want('ratio', (ws['F2'].value, ws['F2'].number_format), (0.25, '0.0%'))\n"
"want('date', (ws['G2'].value, ws['G2'].is_date), "
"(datetime.datetime(2024, 2, 29), True))\n"
"want('blank', ws['B3'].value, None)\n"
"want('negative', (ws['D3'].value, ws['E3'].value), (-2, -0.05))\n"
"want('no ratio', ws['F3'].value, None)\n"
"want('cols', ws.max_column, 7)\n"
"w = ws.column_dimensions['C'].width\n"
"if not 28 <= w <= 29: bad.append('CJK width %r, want 26 + 2' % w)\n"
"w = ws.column_dimensions['A'].width\n"
"if not 13 <= w <= 14: bad.append('id width %r, want 11 + 2' % w)\n"
"ws = wb['Monthly']\n"
"want('month', (ws['A2'].value, ws['A2'].data_type), ('2024-01', 's'))\n"
"want('days', ws['B2'].value, 12.5)\n"
"want('code', (ws['C2'].value, ws['C2'].data_type), ('0042', 's'))\n"
"want('frozen 2', ws.freeze_panes, 'A2')\n"
"for b in bad: print('openpyxl:', b)\n"
"sys.exit(1 if bad else 0)\n";

static void
workbook_case(void)
{
	struct crm_common c;
	char dir[] = "/tmp/xlsxw_test.XXXXXX", path[64], py[64], cmd[256];
	FILE *fp;
	int rc;

	if (mkdtemp(dir) == NULL) {
		CHECK(!"mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/out.xlsx", dir);
	snprintf(py, sizeof(py), "%s/check.py", dir);
	crm_common_init(&c);
	c.out_mode = TM_XLSX;
	c.xlsx = path;
	rc = report(stdout, &c);
	CHECK_INT(rc, 0);
	CHECK(access(path, R_OK) == 0);
	if ((fp = fopen(py, "w")) != NULL) {
		fputs(check_py, fp);
		fclose(fp);
	}
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s %s", py, path);
	CHECK_INT(system(cmd), 0);
	/* Big5 is for CSV: asked of a workbook, an error. */
	c.out_cp950 = 1;
	CHECK_INT(report(stdout, &c), -1);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	CHECK_INT(system(cmd), 0);
}

int
main(void)
{
	crm_init("xlsxw_test");
	csvw_cases();
	tout_cases();
	workbook_case();
	return unit_done();
}
