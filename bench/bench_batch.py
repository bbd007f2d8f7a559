"""Time `gongwen batch` for N units (default 50) from the shipped district template, with
1 process and with all cores. Rosters are made up: one Excel sheet per unit.

    .venv/bin/python bench/bench_batch.py [N]
"""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "samples" / "district" / "教育系统联防联控制度.yaml"
ROLES = ("主要负责人", "分管领导", "办公室主任", "安全干部", "卫生保健员", "后勤负责人", "宣传负责人")
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "建国志强丽华海燕文斌晓红小兵立新雪梅春燕金凤伟明慧敏俊杰"


def write_rosters(path: Path, units: int) -> None:
    book = openpyxl.Workbook()
    book.remove(book.active)
    info = book.create_sheet("单位信息")
    info.append(["单位", "值班电话", "观察室位置"])
    for n in range(units):
        unit = f"青山县第{n + 1}学校"
        sheet = book.create_sheet(unit)
        sheet.append(["姓名", "职务", "角色", "电话"])
        for k, role in enumerate(ROLES):
            name = SURNAMES[(n + k) % len(SURNAMES)] + GIVEN[(2 * n + k) % len(GIVEN)] + \
                GIVEN[(3 * n + 2 * k + 1) % len(GIVEN)]
            sheet.append([name, f"岗位{k + 1}", role, f"1390791{n:02d}{k:02d}"])
        info.append([unit, f"0791-866{n:05d}", "一楼东侧"])
    book.save(path)


def run(args: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([str(ROOT / ".venv" / "bin" / "gongwen"), *args], check=True,
                   capture_output=True)
    return time.perf_counter() - start


def main(units: int = 50) -> None:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        rosters = Path(tmp) / "rosters.xlsx"
        write_rosters(rosters, units)
        base = ["batch", "--from", str(TEMPLATE), "--rosters", str(rosters), "-q", "--force"]
        yaml_only = run(base + ["-o", f"{tmp}/y", "-f", "yaml"])
        print(f"{units} units, check + write YAML only: {yaml_only:.1f} s")
        for jobs in sorted({1, cores}):
            seconds = run(base + ["-o", f"{tmp}/j{jobs}", "-j", str(jobs)])
            print(f"{units} units to YAML+DOCX+PDF with {jobs} process(es): {seconds:.1f} s "
                  f"({units / seconds:.1f} units/s)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
