#!/usr/bin/env python3
"""A one-stop-shop frame for the sampling benchmark: ROWS dossiers over STRATA communes, keys in
scrambled order (a permutation of the row numbers), Vietnamese service fields and contact columns.

    generate_frame.py ROWS STRATA OUT.csv
"""
import sys

rows, strata, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
fields = ["Tư pháp", "Đất đai", "Hộ tịch", "Xây dựng", "Kinh doanh"]
with open(out, "w", encoding="utf-8", buffering=1 << 22) as f:
    f.write("ma_ho_so,ma_xa,linh_vuc,ho_ten,dien_thoai,ngay_hoan_thanh\n")
    block = []
    for i in range(rows):
        key = (i * 2654435761) % 10**10
        block.append(f"HS{key:010d},{(key % strata) + 10000:05d},{fields[key % 5]},Nguyễn Văn {i % 997},09{key % 10**8:08d},2026-0{1 + key % 9}-1{key % 10}\n")
        if len(block) == 100000:
            f.write("".join(block))
            block.clear()
    f.write("".join(block))
