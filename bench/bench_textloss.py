"""Text lost by `gongwen import`: every .txt of a corpus folder and the DOCX/PDF files of a
folder of real documents, imported in one process. Counts the paragraphs the body reader
left out (which import's last line of defence then adds at the end of the 正文) and what is
still missing from the YAML written (generator/importer/textloss.py says what is compared).

    .venv/bin/python bench/bench_textloss.py [--corpus DIR] [--realdocs DIR] [--samples] [--limit N] [--show N]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.importer.document import import_file  # noqa: E402
from generator.importer.paragraphs import read_paragraphs  # noqa: E402
from generator.importer.clean import is_furniture  # noqa: E402
from generator.importer.textloss import KEPT, imported_loss  # noqa: E402

SHARED = ROOT.parent / "shared"


def files_of(corpus: Path | None, realdocs: Path | None, limit: int | None) -> list[Path]:
    files = sorted(corpus.rglob("*.txt")) if corpus and corpus.exists() else []
    files = files[:limit] if limit else files
    if realdocs and realdocs.exists():
        files += sorted(p for p in realdocs.iterdir() if p.suffix.lower() in (".docx", ".pdf"))
    return files


def sample_files(folder: Path) -> list[Path]:
    """Every shipped sample rendered to DOCX and PDF, and the hand-written received texts."""
    from generator.pipeline import FORMATS, generate_file

    samples = sorted((ROOT / "samples").glob("*.yaml"))
    rendered = [p for s in samples for p in generate_file(s, folder, FORMATS).outputs]
    return rendered + sorted((ROOT / "samples" / "导入").glob("*.txt")) + sorted(
        (ROOT / "tests" / "fixtures" / "import").glob("*.txt"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--realdocs", type=Path, default=SHARED / "realdocs")
    parser.add_argument("--limit", type=int, help="at most N corpus files")
    parser.add_argument("--show", type=int, default=15, help="files to list with examples")
    parser.add_argument("--samples", action="store_true",
                        help="also the shipped samples rendered to DOCX/PDF, and the received texts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        files = files_of(args.corpus, args.realdocs, args.limit)
        files += sample_files(Path(tmp)) if args.samples else []
        run(files, args.show)


def run(files: list[Path], show: int) -> None:
    start = time.perf_counter()
    losses, failures, total_chars, furniture, deficits, kept = [], [], 0, [], [], []
    for path in files:
        try:
            paragraphs = read_paragraphs(path)
            imported = import_file(path, paragraphs)
            loss = imported_loss(paragraphs, imported)
        except Exception:  # what fails is measured too
            failures.append((path, traceback.format_exc(limit=3)))
            continue
        total_chars += sum(len(p.text) for p in paragraphs)
        furniture += [(path, p) for p in paragraphs if is_furniture(p.text)]
        deficits.append((path, loss.deficit))
        kept += [(path, f) for f in imported.findings if KEPT in f.message]
        if loss.pieces:
            losses.append((path, loss))
    took = time.perf_counter() - start
    lost = sum(loss.chars for _, loss in losses)
    print(f"文件 {len(files)}，读入字符 {total_chars}，用时 {took:.1f} 秒")
    print(f"结构读取漏掉、由兜底整段附在正文末尾的段落 {len(kept)}（{len({p for p, _ in kept})} 个文件）"
          + "".join(f"\n  {path.name[:30]} {f.where}: {f.message[:60]}" for path, f in kept[:show]))
    print(f"写出的 YAML 仍有丢失的文件 {len(losses)}，丢失字符 {lost}，失败 {len(failures)}")
    short = [(path, n) for path, n in deficits if n]
    print(f"逐字计数（原文某字出现次数多于 YAML 的）：{len(short)} 个文件，共 {sum(n for _, n in short)} 字"
          + "".join(f"\n  {path.name[:40]}: {n}" for path, n in sorted(short, key=lambda x: -x[1])[:5]))
    print(f"作为网页杂项删除（不计入丢失，--report 列出）{len(furniture)} 行，"
          f"{sum(len(p.text) for _, p in furniture)} 字；最长的几行：")
    for path, p in sorted(furniture, key=lambda x: -len(x[1].text))[:5]:
        print(f"  {path.name[:30]} {p.where}: {p.text[:70]}")
    for path, loss in sorted(losses, key=lambda x: -x[1].chars)[:show]:
        print(f"\n{path.parent.name}/{path.name}：丢失 {loss.chars} 字")
        for p, piece in loss.pieces[:4]:
            print(f"  {p.where}: {piece[:60]}    ← {p.text[:50]}")
    for path, trace in failures[:5]:
        print(f"\n失败 {path}:\n{trace}")


if __name__ == "__main__":
    main()
