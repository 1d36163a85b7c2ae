#!/usr/bin/env python3
"""Writes examples/khung-mau-van-quan-2026.xlsx and .csv: a one-stop-shop export as a commune
system gives it (dossiers completed in 2026 in the six communes that succeeded Văn Quan district),
for trying the sampling screens. Deterministic; contact details are invented.

    make_frame_example.py   (needs openpyxl)
"""
import csv, datetime, os, random

import openpyxl

COMMUNES = ["Xã Văn Quan", "Xã Điềm He", "Xã Khánh Khê", "Xã Yên Phúc", "Xã Tri Lễ", "Xã Tân Đoàn"]
PROCEDURES = [("Hộ tịch", "Đăng ký khai sinh"), ("Hộ tịch", "Đăng ký kết hôn"), ("Chứng thực", "Chứng thực bản sao từ bản chính"),
              ("Đất đai", "Đăng ký biến động đất đai"), ("Lao động - Thương binh và Xã hội", "Hưởng trợ cấp xã hội hằng tháng"),
              ("Xây dựng", "Cấp giấy phép xây dựng nhà ở riêng lẻ")]
FAMILY = ["Nguyễn", "Hoàng", "Lương", "Vi", "Nông", "Lăng", "Triệu", "Hà", "Lục", "Chu"]
MIDDLE = ["Văn", "Thị", "Đức", "Thu", "Minh", "Hồng"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Hạnh", "Khánh", "Lan", "Mai", "Nam", "Phúc", "Quyết", "Sơn", "Thảo", "Tuấn", "Yến"]


def rows():
    rng = random.Random(2026)
    out = []
    for i in range(1, 901):
        commune = COMMUNES[rng.randrange(len(COMMUNES))] if i % 10 else COMMUNES[i % 6]
        field, procedure = PROCEDURES[rng.randrange(len(PROCEDURES))]
        name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
        phone = f"09{rng.randrange(10**8):08d}"
        date = datetime.date(2026, 1, 5) + datetime.timedelta(days=rng.randrange(300))
        out.append([i, f"000.{60 + COMMUNES.index(commune):02d}.{i:05d}.2026", name, f"Thôn {rng.randrange(1, 15)}, {commune}",
                    phone, procedure, field, commune, date])
    # Three dossiers of one person (the same name and phone written differently).
    out[40][2], out[40][4] = "Lương Thị Mai", "0912 345 678"
    out[410][2], out[410][4] = "LƯƠNG THỊ MAI", "+84912345678"
    out[777][2], out[777][4] = "Luong Thi Mai", "0912345678"
    return out


HEADER = ["STT", "Số hồ sơ", "Họ và tên người nộp", "Địa chỉ", "Số điện thoại", "Tên thủ tục", "Lĩnh vực", "Đơn vị tiếp nhận", "Ngày trả kết quả"]


def main():
    here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples")
    data = rows()
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Hồ sơ đã trả kết quả"
    sheet.append(HEADER)
    for r in data:
        sheet.append(r)
        sheet.cell(row=sheet.max_row, column=9).number_format = "dd/mm/yyyy"
    book.save(os.path.join(here, "khung-mau-van-quan-2026.xlsx"))
    with open(os.path.join(here, "khung-mau-van-quan-2026.csv"), "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(HEADER)
        for r in data:
            writer.writerow(r[:8] + [r[8].strftime("%d/%m/%Y")])


if __name__ == "__main__":
    main()
