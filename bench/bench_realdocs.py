"""Per-field accuracy of `import_file` on the PDFs of ../shared/realdocs, against the facts its
README lists (encoded below as data).

    .venv/bin/python bench/bench_realdocs.py [--folder ../shared/realdocs]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.importer.document import import_file  # noqa: E402

# file -> field -> expected value; None: the field must be absent (a non-document).
EXPECTED = {
    "达州市政府办-印发十条措施的通知.pdf": {
        "文种": "通知",
        "标题": "关于印发达州市促进房地产市场良性循环健康发展十条措施的通知",
        "发文字号": "达市府办发〔2022〕25号",
        "主送机关": ["各县（市、区）人民政府", "达州高新区管委会", "达州东部经开区管委会", "市级有关部门（单位）"],
        "发文机关": "达州市人民政府办公室",
        "成文日期": "2022-04-28",
    },
    "北京市地震预警管理办法-规章.pdf": {
        "标题": "北京市地震预警管理办法",
        "发文机关": "北京市人民政府",
        "成文日期": "2022-12-23",
        "施行日期": "2023-03-01",
    },
    "报纸版面-非公文.pdf": {"发文机关": None, "文种": None},
}


def normal(value):
    if isinstance(value, str):
        return value.replace("\n", "").strip()
    if isinstance(value, list):
        return [normal(v) for v in value]
    return None if value in ("", [], {}) else (str(value) if value is not None else None)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, default=ROOT.parent / "shared" / "realdocs")
    args = parser.parse_args()
    right = wrong = 0
    for name, facts in EXPECTED.items():
        path = args.folder / name
        if not path.exists():
            print(f"missing {path}")
            continue
        try:
            fields = import_file(path).fields
        except Exception as error:  # what is measured
            print(f"{name}: FAILED {error!r}")
            wrong += len(facts)
            continue
        print(name)
        for key, expected in facts.items():
            got = normal(fields.get(key))
            ok = got == expected
            right += ok
            wrong += not ok
            print(f"  {'right' if ok else 'WRONG'}  {key}: {got!r}" + ("" if ok else f"  (expected {expected!r})"))
    print(f"fields right: {right}, wrong: {wrong}")


if __name__ == "__main__":
    main()
