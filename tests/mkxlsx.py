#!/usr/bin/python3
# mkxlsx.py: workbooks for the tests, made by another program than the
# reader (openpyxl), so the reader is checked against what others write.
#
#   mkxlsx.py csv IN.csv OUT.xlsx [--enc E] [--typed] [--1904]
#             [--write-only] [--sheet NAME] [--junk-first] [--sst]
#       the CSV's cells in a sheet: as text, or --typed (dates and times
#       as date serials in date styles, whole numbers without a leading
#       zero and decimals as numbers, the rest text)
#       --sst: its text in a shared string table, as Excel writes it
#       (openpyxl writes text in its cells)
#   mkxlsx.py edit IN.xlsx OUT.xlsx PART REGEX REPLACEMENT
#       the same zip with one part's text changed (re.sub, once)
#   mkxlsx.py big IN.csv OUT.xlsx
#       fast, for large files: openpyxl makes the workbook, and the rows
#       are written here as Excel writes them (text in a shared string
#       table, whole numbers as numbers), streamed
#   mkxlsx.py fixtures DIR
#       the small workbooks tests/unit/xlsxr_test.c reads, kept in
#       tests/data/xlsx
#   mkxlsx.py part IN.xlsx PART
#       one part's text, to stdout
import csv
import datetime
import os
import re
import sys
import zipfile

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

DATE = re.compile(r'^(\d{4})[-/](\d{1,2})[-/](\d{1,2})'
                  r'(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$')
INT = re.compile(r'^-?(0|[1-9]\d{0,14})$')
DEC = re.compile(r'^-?(0|[1-9]\d*)\.\d+$')


def typed(v):
    m = DATE.match(v)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3])
        if m[4] is None:
            return datetime.date(y, mo, d)
        return datetime.datetime(y, mo, d, int(m[4]), int(m[5]),
                                 int(m[6] or 0))
    if INT.match(v):
        return int(v)
    if DEC.match(v):
        return float(v)
    return v


def from_csv(args):
    src, out = args[0], args[1]
    opts = args[2:]
    enc = 'utf-8-sig'
    if '--enc' in opts:
        enc = opts[opts.index('--enc') + 1]
    name = 'Sheet1'
    if '--sheet' in opts:
        name = opts[opts.index('--sheet') + 1]
    wb = openpyxl.Workbook(write_only='--write-only' in opts)
    if '--1904' in opts:
        wb.epoch = CALENDAR_MAC_1904
    if '--write-only' in opts:
        if '--junk-first' in opts:
            wb.create_sheet('Notes').append(['not the orders'])
        ws = wb.create_sheet(name)
    else:
        ws = wb.active
        if '--junk-first' in opts:
            ws.title = 'Notes'
            ws.append(['not the orders'])
            ws = wb.create_sheet(name)
        else:
            ws.title = name
    with open(src, encoding=enc, newline='') as f:
        for i, row in enumerate(csv.reader(f)):
            if '--typed' in opts and i > 0:
                row = [typed(v) for v in row]
            # An empty text is no cell at all, as Excel writes it.
            ws.append([None if v == '' else v for v in row])
    wb.save(out)
    if '--sst' in opts:
        to_sst(out)


SST_TYPE = ('application/vnd.openxmlformats-officedocument.spreadsheetml.'
            'sharedStrings+xml')
SST_REL = ('http://schemas.openxmlformats.org/officeDocument/2006/'
           'relationships/sharedStrings')
INLINE = re.compile(r'<c ([^>]*?)t="inlineStr"([^>]*)><is><t[^>]*>(.*?)'
                    r'</t></is></c>')


def with_sst(name, text):
    """A part's text naming the shared strings, when it is one that must."""
    if name == '[Content_Types].xml':
        return text.replace('</Types>', '<Override PartName="/xl/shared'
                            'Strings.xml" ContentType="%s"/></Types>' %
                            SST_TYPE)
    if name == 'xl/_rels/workbook.xml.rels':
        return text.replace('</Relationships>', '<Relationship Id="rIdSst" '
                            'Type="%s" Target="sharedStrings.xml"/>'
                            '</Relationships>' % SST_REL)
    return text


def to_sst(path):
    z = zipfile.ZipFile(path)
    parts = [(i, z.read(i.filename)) for i in z.infolist()]
    z.close()
    strings, index = [], {}

    def shared(m):
        t = m[3]
        if t not in index:
            index[t] = len(strings)
            strings.append(t)
        return '<c %st="s"%s><v>%d</v></c>' % (m[1], m[2], index[t])

    out = []
    for item, data in parts:
        text = data.decode()
        if item.filename.startswith('xl/worksheets/sheet'):
            text = INLINE.sub(shared, text)
        text = with_sst(item.filename, text)
        out.append((item, text.encode()))
    sst = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
           '2006/main" count="%d" uniqueCount="%d">' %
           (len(strings), len(strings)) +
           ''.join('<si><t xml:space="preserve">%s</t></si>' % t
                   for t in strings) + '</sst>')
    zout = zipfile.ZipFile(path, 'w', zipfile.ZIP_DEFLATED)
    for item, data in out:
        zout.writestr(item, data)
    zout.writestr('xl/sharedStrings.xml', sst)
    zout.close()


def col(i):
    s = ''
    i += 1
    while i > 0:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def big(args):
    from xml.sax.saxutils import escape
    src, out = args[0], args[1]
    tmp = out + '.tmp'
    wb = openpyxl.Workbook()
    wb.active.append(['x'])
    wb.save(tmp)
    z = zipfile.ZipFile(tmp)
    parts = [(i, z.read(i.filename)) for i in z.infolist()]
    z.close()
    os.unlink(tmp)
    head = parts[[i.filename for i, _ in parts].index(
        'xl/worksheets/sheet1.xml')][1].decode()
    head = head[:head.index('<sheetData>')]
    zout = zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED)
    for item, data in parts:
        if item.filename == 'xl/worksheets/sheet1.xml':
            continue
        text = data.decode()
        text = with_sst(item.filename, text)
        zout.writestr(item, text)
    strings, index = [], {}
    cols = [col(i) for i in range(64)]
    with open(src, encoding='utf-8-sig', newline='') as f, \
            zout.open('xl/worksheets/sheet1.xml', 'w') as w:
        w.write((head + '<sheetData>').encode())
        for r, row in enumerate(csv.reader(f), 1):
            cells = []
            for i, v in enumerate(row):
                if v == '':
                    continue
                if r > 1 and INT.match(v):
                    cells.append('<c r="%s%d"><v>%s</v></c>' %
                                 (cols[i], r, v))
                    continue
                k = index.get(v)
                if k is None:
                    k = index[v] = len(strings)
                    strings.append(v)
                cells.append('<c r="%s%d" t="s"><v>%d</v></c>' %
                             (cols[i], r, k))
            w.write(('<row r="%d">%s</row>' % (r, ''.join(cells)))
                    .encode())
        w.write(b'</sheetData></worksheet>')
    with zout.open('xl/sharedStrings.xml', 'w') as w:
        w.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                 '\n<sst xmlns="http://schemas.openxmlformats.org/'
                 'spreadsheetml/2006/main" count="%d" uniqueCount="%d">' %
                 (len(strings), len(strings))).encode())
        for i in range(0, len(strings), 4096):
            w.write(''.join('<si><t>%s</t></si>' % escape(t)
                            for t in strings[i:i + 4096]).encode())
        w.write(b'</sst>')
    zout.close()


def fixtures(args):
    d = args[0]
    wb = openpyxl.Workbook()
    wb.active.title = 'Notes'
    wb.active.append(['not the orders'])
    ws = wb.create_sheet('訂單')
    ws.append(['order_id', 'amount'])
    ws.append(['A1', 5])
    ws.append(['A2', 7.25])
    wb.create_sheet('Third').append(['x', 'y', 'z'])
    wb.save(d + '/sheets.xlsx')

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(['what', 'value'])
    rows = [('int', 912345678), ('tenth', 0.1), ('small', 1e-7),
            ('fifteen', 123456789012345), ('big', 1.5e20),
            ('negative', -12.5), ('zero', -0.0), ('true', True),
            ('false', False), ('text', '0912345678'),
            ('date', datetime.date(2024, 2, 29)),
            ('datetime', datetime.datetime(2024, 3, 1, 13, 45, 30)),
            ('serial-one', datetime.date(1900, 1, 1)),
            ('serial-61', datetime.date(1900, 3, 1))]
    for what, v in rows:
        ws.append([what, v])
    for what, v, fmt in [('custom-date', 45000, 'dd/mm/yy'),
                         ('custom-time', 45000.25, '[$-404]e/m/d h:mm'),
                         ('quoted', 45000, '0 "days"'),
                         ('red', 45000, '[Red]0.00'),
                         ('builtin-14', 45000, 'mm-dd-yy')]:
        ws.append([what, v])
        ws.cell(ws.max_row, 2).number_format = fmt
    ws.append(['third', 2 / 3])
    wb.save(d + '/numbers.xlsx')

    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(['what', 'value'])
    ws.append(['date', datetime.date(2024, 2, 29)])
    ws.append(['first', datetime.date(1904, 1, 1)])
    wb.save(d + '/date1904.xlsx')


def part(args):
    sys.stdout.write(zipfile.ZipFile(args[0]).read(args[1]).decode())


def edit(args):
    src, out, part, rx, repl = args
    zin = zipfile.ZipFile(src)
    zout = zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED)
    done = False
    for item in zin.infolist():
        data = zin.read(item.filename)
        if item.filename == part:
            text, n = re.subn(rx, repl, data.decode(), count=1)
            done = n == 1
            data = text.encode()
        zout.writestr(item, data)
    zout.close()
    if not done:
        sys.exit('mkxlsx: %s: no match for %s' % (part, rx))


if __name__ == '__main__':
    {'csv': from_csv, 'edit': edit, 'part': part, 'big': big,
     'fixtures': fixtures}[sys.argv[1]](sys.argv[2:])
