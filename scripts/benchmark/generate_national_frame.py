#!/usr/bin/env python3
"""A national one-stop-shop frame for the server's sampling benchmark: ROWS dossiers over the
given communes (a JSON list of {"code", "name"}), with contact columns; CSV, or XLSX (write-only).

    generate_national_frame.py ROWS COMMUNES.json OUT.csv|OUT.xlsx
"""
import csv, datetime, json, random, sys

rows, communes, out = int(sys.argv[1]), json.load(open(sys.argv[2], encoding="utf-8")), sys.argv[3]
header = ["Số hồ sơ", "Mã xã", "Họ và tên", "Điện thoại", "Địa chỉ", "Lĩnh vực", "Ngày trả kết quả"]
fields = ["Tư pháp", "Đất đai", "Hộ tịch", "Xây dựng", "Kinh doanh"]
rng = random.Random(7)


def records():
    for i in range(rows):
        c = communes[(i * 7919) % len(communes)]
        yield [f"{(i * 2654435761) % 10**10:010d}", c["code"], f"Người thứ {i}", f"09{rng.randrange(10**8):08d}",
               f"Thôn {i % 17}, {c['name']}", fields[i % 5], datetime.date(2026, 1 + i % 12, 1 + i % 28)]


if out.endswith(".xlsx"):
    import openpyxl
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Hồ sơ")
    sheet.append(header)
    for r in records():
        sheet.append(r)
    book.save(out)
else:
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in records():
            w.writerow(r[:6] + [r[6].strftime("%d/%m/%Y")])
