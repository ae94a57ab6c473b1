#!/usr/bin/env python3
"""Makes the spreadsheet and CSV fixtures of the import tests, with writers that are not celedger's.

    python3 -m pip install openpyxl XlsxWriter
    python3 Tests/CeledgerSheetsTests/Fixtures/make_fixtures.py

The files are committed; run this again only to change them. XlsxWriter writes strings as shared strings
(rich text too), dates as serial numbers with a date format, numbers as Python writes floats; openpyxl
(3.1) writes strings as inline strings and can use the 1904 date system. A few cells are then rewritten
in the XML to look as Excel writes them (a phonetic run in a shared string, an ID number kept to 15
digits as Excel stores it). CSV fixtures are the same text encoded as UTF-8 and as GB18030 with Python's
codecs.
"""
import datetime
import io
import os
import re
import zipfile

import openpyxl
import xlsxwriter
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.utils.datetime import CALENDAR_MAC_1904

HERE = os.path.dirname(os.path.abspath(__file__))
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
CHECK = "10X98765432"


def resident_id(region, birth, seq):
    body = f"{region}{birth}{seq:03d}"
    return body + CHECK[sum(int(c) * w for c, w in zip(body, WEIGHTS)) % 11]


ZHANG = resident_id("360102", "19800101", 1)
LI = resident_id("360102", "19850215", 2)
OUYANG = resident_id("360103", "19900310", 3)
WANG = resident_id("360104", "19751120", 5)


def path(name):
    return os.path.join(HERE, name)


def rewrite(name, changes):
    """Rewrites parts of a saved workbook: changes maps a part to a function of its text."""
    with zipfile.ZipFile(path(name)) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path(name), "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename in changes:
                data = changes[info.filename](data.decode("utf-8")).encode("utf-8")
            z.writestr(info.filename, data)


def persons_workbook():
    """XlsxWriter: Chinese headers as shared strings, an empty row, a row with cells missing at the end, an
    18-digit ID stored as a number, a date, a second sheet that must be ignored."""
    wb = xlsxwriter.Workbook(path("persons-shared.xlsx"))
    ws = wb.add_worksheet("人员名单")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    rows = [
        ["身份证号", "姓名", "单位", "部门", "职称级别", "在职状态", "状态日期"],
        [ZHANG, "张三", "南昌市第一医院", "内科", "中级", "在职", None],
        [],  # an empty row: skipped
        [LI, "李小明", "南昌市第一医院", "外科", "副高", "离职", datetime.date(2024, 6, 30)],
        [OUYANG, "欧阳明辉", "江西省建筑设计院"],  # cells missing at the end
        [int(WANG), "王五", "江西省建筑设计院", "结构所"],  # the ID as a number: its last digits are lost
    ]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, datetime.date):
                ws.write_datetime(r, c, datetime.datetime.combine(value, datetime.time()), date)
            else:
                ws.write(r, c, value)
    other = wb.add_worksheet("其他")
    other.write_row(0, 0, ["这张表", "不应被读取"])
    other.write_row(1, 0, ["nonsense", 1])
    wb.close()


def records_workbook():
    """XlsxWriter: dates as serials with date formats (yyyy-mm-dd, built-in 14, a custom Chinese one, a
    date and time) and as text, hours 8.1, 40.0 and 12, a rich-text shared string with a phonetic run,
    a formula-looking text, a line break, a second sheet."""
    wb = xlsxwriter.Workbook(path("records-shared.xlsx"), {"strings_to_formulas": False})
    ws = wb.add_worksheet("学时")
    iso = wb.add_format({"num_format": "yyyy-mm-dd"})
    builtin14 = wb.add_format({"num_format": 14})
    chinese = wb.add_format({"num_format": 'yyyy"年"m"月"d"日"'})
    stamp = wb.add_format({"num_format": "yyyy/m/d h:mm"})
    bold = wb.add_format({"bold": True})
    header = ["身份证号", "学习方式", "科目类别", "内容", "举办单位", "开始日期", "结束日期",
              "考核结果", "成绩", "申报学时", "认定学时", "认定状态", "备注"]
    ws.write_row(0, 0, header)

    def day(y, m, d, h=0, mi=0):
        return datetime.datetime(y, m, d, h, mi)
    ws.write_row(1, 0, [ZHANG, "培训班", "公需", "政策法规与职业道德", "江西省人社厅"])
    ws.write_datetime(1, 5, day(2024, 3, 4), iso)
    ws.write_datetime(1, 6, day(2024, 3, 5, 17, 30), stamp)
    ws.write_row(1, 7, ["合格", 86, 8.1, 8.1, "已认定"])
    ws.write_row(2, 0, [ZHANG, "进修班", "专业"])
    ws.write_rich_string(2, 3, bold, "内科", "新进展研修")
    ws.write_row(2, 4, ["南昌大学", "2024/3/4", "2024年3月8日", "优秀", 95.5, 40.0, 40, "已认定", "第一行\n第二行"])
    # row 4 (index 3) left empty
    ws.write_row(4, 0, [LI, "网络学习", "公需科目", "在线课程", None])
    ws.write_datetime(4, 5, day(2024, 12, 30), builtin14)
    ws.write_datetime(4, 6, day(2025, 1, 2), builtin14)
    ws.write_row(4, 7, ["未考核", None, 12, None, "待认定"])
    ws.write_string(4, 12, "=SUM(A1)")
    ws.write_row(5, 0, [OUYANG, "学术会议", "专业", "PHONETIC-PLACEHOLDER"])
    ws.write_datetime(5, 5, day(2024, 6, 1), chinese)
    ws.write_datetime(5, 6, day(2024, 6, 2), chinese)
    ws.write_row(5, 9, [3, 3])
    wb.add_worksheet("备用").write(0, 0, "忽略")
    wb.close()

    def strings(text):
        # A rich-text shared string with a phonetic guide (<rPh>) that is not part of the text.
        return text.replace(
            "<si><t>PHONETIC-PLACEHOLDER</t></si>",
            "<si><r><rPr><b/></rPr><t>学术</t></r><r><t xml:space=\"preserve\">年会 2024</t></r>"
            "<rPh sb=\"0\" eb=\"2\"><t>がくじゅつ</t></rPh><phoneticPr fontId=\"1\"/></si>")
    rewrite("records-shared.xlsx", {"xl/sharedStrings.xml": strings})


def inline_workbook():
    """openpyxl: inline strings (plain and rich text), a boolean, a formula without a cached value."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["身份证号", "姓名", "单位", "部门"])
    ws.append([ZHANG, "张三", CellRichText([TextBlock(InlineFont(b=True), "南昌市"), "第一医院"]), True])
    ws.append([LI, "李小明", "=1+1", "外科"])
    wb.save(path("persons-inline.xlsx"))


def date1904_workbook():
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904
    ws = wb.active
    ws.append(["身份证号", "学习方式", "科目类别", "内容", "结束日期", "申报学时"])
    ws.append([ZHANG, "讲座", "专业", "1904 日期系统", datetime.date(2024, 3, 4), 2])
    ws.append([ZHANG, "讲座", "专业", "1904 日期系统（二）", datetime.date(1905, 1, 1), 2.5])
    wb.save(path("dates-1904.xlsx"))


def excel_like_id():
    """An ID typed into a General cell in Excel: stored as 3.60102198001010E+17, digits lost."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["身份证号", "姓名"])
    ws.append(["ID-PLACEHOLDER", "张三"])
    ws.append([LI, "李小明"])
    wb.save(path("id-as-number.xlsx"))

    def sheet(text):
        out = re.sub(r'<c r="A2" t="inlineStr"><is><t>ID-PLACEHOLDER</t></is></c>', '<c r="A2"><v>3.6010219800101E+17</v></c>', text)
        assert out != text
        return out
    rewrite("id-as-number.xlsx", {"xl/worksheets/sheet1.xml": sheet})


def bad_files():
    with open(path("persons-shared.xlsx"), "rb") as f:
        data = f.read()
    with open(path("corrupt.xlsx"), "wb") as f:  # cut in the middle
        f.write(data[: len(data) // 2])
    with zipfile.ZipFile(path("not-a-workbook.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("readme.txt", "a zip file, but not a spreadsheet\n")
    with zipfile.ZipFile(path("no-sheet.xlsx"), "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        z.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                   '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        z.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets/></workbook>')


PERSONS_TEXT = (
    "身份证号,姓名,单位,部门,职称,职称级别,专业\r\n"
    f"{ZHANG},张三,南昌市第一医院,内科,主治医师,中级,临床医学\r\n"
    f"{LI},李小明,南昌市第一医院,\"外科,二病区\",主管护师,副高级,护理\r\n"
    f"{OUYANG},欧阳明辉,江西省建筑设计院,结构所,高级工程师,正高,结构工程\r\n"
)
RECORDS_TEXT = (
    "身份证号,学习方式,科目类别,内容,举办单位,开始日期,结束日期,考核结果,成绩,申报学时,认定学时,认定状态,备注\r\n"
    f"{ZHANG},培训班,公需,政策法规与职业道德,江西省人社厅,2024-03-04,2024/3/5,合格,86,12,12,已认定,\"第一行, 含逗号\r\n第二行\"\r\n"
    f"{ZHANG},进修班,专业,\"内科\"\"新进展\"\"研修\",南昌大学,2024.3.4,2024年3月8日,优秀,95.5,40,38.5,已认定,\r\n"
    f"{LI},网络学习,公需科目,在线课程（一）,,2024/12/30,2025/1/2,未考核,,20,,待认定,\r\n"
    f"{OUYANG},学术会议,专业,学术年会·结构工程,,2024-06-01,2024-06-02,,,12,0,不予认定,𠀀 扩展B区汉字\r\n"
)


def csv_files():
    for name, text in [("persons", PERSONS_TEXT), ("records", RECORDS_TEXT)]:
        with open(path(f"{name}-utf8-bom.csv"), "wb") as f:
            f.write(b"\xef\xbb\xbf" + text.encode("utf-8"))
        with open(path(f"{name}-gb18030.csv"), "wb") as f:
            f.write(text.encode("gb18030"))
    # The header and 300 rows are ASCII; Chinese (GBK) starts far down the file.
    lines = ["id_number,name,unit"]
    for i in range(300):
        lines.append(f"{resident_id('360102', '19800101', 100 + i)},Person {i},Unit {i}")
    lines.append(f"{resident_id('360102', '19800101', 999)},司马相如,江西省南昌市红谷滩新区人民医院")
    with open(path("persons-late-gbk.csv"), "wb") as f:
        f.write(("\r\n".join(lines) + "\r\n").encode("gbk"))
    # Neither UTF-8 nor GB18030: bytes FF FE FD in the name of line 3.
    with open(path("undecodable.csv"), "wb") as f:
        f.write(f"id_number,name\r\n{ZHANG},张三\r\n{LI},".encode("utf-8") + b"\xff\xfe\xfd\r\n")


if __name__ == "__main__":
    persons_workbook()
    records_workbook()
    inline_workbook()
    date1904_workbook()
    excel_like_id()
    bad_files()
    csv_files()
    print("fixtures written to", HERE)
