"""The benchmark corpus: N plain-text documents written to a folder.

By default they are made from the project's own samples, varied at two levels:
- model level (a few hundred bases): each sample's validated spec gets another unit, other
  people, measures drawn from every sample (owners remapped to its own people), shuffled
  sentences and another date, then goes through build_document like a real plan;
- text level (every document): another unit name, its own sentence order in long paragraphs,
  and a contact line that makes it unique.
With a folder of real .txt files (--corpus) the files are used as they are, and reused with
the text-level variation when more documents are asked for than there are files.
"""
from __future__ import annotations

import random
import re
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = [
    *sorted((ROOT / "samples").glob("*.yaml")),
    *sorted((ROOT / "samples" / "district" / "单位").glob("*.yaml")),
]
COUNTIES = ["青山县", "白河县", "松林县", "石门县", "龙泉县", "桃源县", "清水县", "云岭县",
            "东湖区", "西江区", "南平区", "北塘区"]
ORGANS = ["第一中学", "第二实验小学", "城东中学", "实验幼儿园", "民政局", "卫生健康委员会",
          "人民医院", "中心卫生院", "城东街道办事处", "河西镇人民政府", "教育局", "交通运输局",
          "市场监督管理局", "应急管理局", "社区卫生服务中心"]
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦许何吕施张孔曹严华金魏陶姜谢邹喻柏窦章苏潘葛范彭郎鲁"
GIVEN = "建国志强丽华海燕文斌晓红小兵立新雪梅春燕金凤伟明慧敏俊杰德才秋菊永红光辉玉兰振宇"
BASES = 240  # model-level variants; more adds build time, not realism


def units() -> list[str]:
    return [county + organ for county in COUNTIES for organ in ORGANS]


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[。；！？])", text) if s]


def shuffle_sentences(text: str, rng: random.Random) -> str:
    """Same sentences, another order (a paragraph of one or two sentences is kept)."""
    parts = _sentences(text)
    if len(parts) < 3 or not parts[-1].endswith("。"):
        return text
    rng.shuffle(parts)
    return "".join(parts)


def _map_strings(value, fn):
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, list):
        return [_map_strings(v, fn) for v in value]
    if isinstance(value, dict):
        return {k: _map_strings(v, fn) for k, v in value.items()}
    return value


def _measure_lists(value) -> Iterator[list]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "工作措施" and isinstance(item, list):
                yield item
            else:
                yield from _measure_lists(item)
    elif isinstance(value, list):
        for item in value:
            yield from _measure_lists(item)


def _remap_owners(measure: dict, names: list[str], rng: random.Random) -> dict:
    def pick(ref):
        return rng.choice(names) if isinstance(ref, str) else ref
    measure = dict(measure)
    measure["责任领导"] = pick(measure["责任领导"])
    measure["责任人"] = [pick(ref) for ref in measure["责任人"]]
    return measure


class SpecVariants:
    """Model-level variants of the samples, built through the real generator."""

    def __init__(self, seed: int = 7):
        from generator.load import load_document

        self.rng = random.Random(seed)
        self.bases = [load_document(path) for path in SAMPLES]
        self.dumps = [b.spec.model_dump(by_alias=True, exclude_none=True, warnings=False)
                      for b in self.bases]
        self.pool = [m for d in self.dumps for lst in _measure_lists(d) for m in lst]

    def text(self, n: int, unit: str) -> str:
        from archive.from_spec import document_text
        from generator.build import build_document
        from generator.schema import DocumentSpec

        rng = self.rng
        base, data = self.bases[n % len(self.bases)], self.dumps[n % len(self.dumps)]
        mapping = {data["发文机关"]: unit}
        if "青山县" in data["发文机关"]:  # the samples' county, in their prose too
            mapping["青山县"] = unit[:3]
        people = data.get("人员", [])
        names = []
        for person in people:
            new = person_name(rng)
            mapping[person["姓名"]] = new
            names.append(new)

        def rewrite(text: str) -> str:
            for old, new in mapping.items():
                text = text.replace(old, new)
            return shuffle_sentences(text, rng) if len(text) > 60 else text

        varied = _map_strings(data, rewrite)
        if names:
            for measures in _measure_lists(varied):
                keep = rng.sample(measures, k=max(1, len(measures) - rng.randint(0, 2)))
                extra = [_remap_owners(_map_strings(m, rewrite), names, rng)
                         for m in rng.sample(self.pool, k=rng.randint(0, 4))]
                measures[:] = keep + extra
                rng.shuffle(measures)
        varied["成文日期"] = date(2019, 1, 1) + timedelta(days=rng.randrange(6 * 365))
        spec = DocumentSpec.model_validate(varied)
        return document_text(build_document(replace(base, spec=spec)))


_DATE = re.compile(r"(20\d\d)年(\d{1,2})月(\d{1,2})日\s*$")


def vary_text(text: str, n: int, unit: str, old_unit: str, rng: random.Random) -> str:
    """Text-level variation of one document; the contact line makes it unique."""
    if old_unit:
        text = text.replace(old_unit, unit)
    lines = [shuffle_sentences(line, rng) if len(line) > 60 else line
             for line in text.splitlines()]
    phone = f"0791-8{n:07d}"
    return "\n".join(lines).rstrip() + f"\n（联系人：{person_name(rng)}，电话：{phone}）\n"


def write_synthetic(folder: Path, count: int, seed: int = 7) -> list[Path]:
    variants = SpecVariants(seed)
    all_units = units()
    rng = random.Random(seed + 1)
    bases = []
    for n in range(min(BASES, count)):
        unit = all_units[rng.randrange(len(all_units))]
        bases.append((variants.text(n, unit), unit))
    paths = []
    for n in range(count):
        text, unit = bases[n % len(bases)]
        new_unit = all_units[(n * 7919) % len(all_units)]
        paths.append(_write(folder, n, vary_text(text, n, new_unit, unit, rng)))
    return paths


def write_from_folder(source: Path, folder: Path, count: int, seed: int = 7) -> list[Path]:
    files = sorted(source.rglob("*.txt"))
    if not files:
        raise SystemExit(f"{source} 下没有 .txt 文件")
    rng = random.Random(seed)
    paths = []
    for n in range(count):
        text = files[n % len(files)].read_text(encoding="utf-8", errors="replace")
        if n >= len(files):  # a second round: vary so that no document repeats
            text = vary_text(text, n, "", "", rng)
        paths.append(_write(folder, n, text))
    return paths


def _write(folder: Path, n: int, text: str) -> Path:
    sub = folder / f"{n // 1000:03d}"
    sub.mkdir(parents=True, exist_ok=True)
    path = sub / f"{n:06d}.txt"
    path.write_text(text, encoding="utf-8")
    return path
