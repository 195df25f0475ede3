"""Benchmark the redline and the tracked-changes .docx of a 100,000-word policy, 10% changed.

Run: .venv/bin/python -m bench.tracked_bench [--words N] [--fraction F] [--runs 5] [--out PATH]
Times `compare` (the redline), `export_redline_docx` (the .docx from a redline computed
already) and `export_tracked_docx` (both), median of the runs, CPU time beside wall time (the
2 cores are shared). Checks that the portal's importer, which accepts every tracked change,
reads the file back as the new version. Prints a Markdown table and writes it to --out.
"""

import argparse
import io
import os
import platform
import random
import statistics
import time
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

from lxml import etree

from bench.doc_corpus import edit, policy
from documents.blocks import Block, word_count
from documents.compare import compare
from documents.docx_export import ExportMeta, export_docx
from documents.docx_import import import_docx
from documents.docx_tracked import export_redline_docx, export_tracked_docx

META = ExportMeta("COL-POL-900", "Chính sách thu hồi nợ / Collections policy", 12,
                  date(2026, 1, 1), "Proposal", "policy")
AUTHOR = "Nguyễn Văn An"
WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
DEFAULT_OUT = Path("/work/notes/results_tracked.md")


def _median(action: Callable[[], object], runs: int) -> tuple[float, float, object]:
    """Run `action` `runs` times; return median wall and CPU seconds and the last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _content(blocks: list[Block]) -> list[tuple]:
    return [(b.kind, b.level, b.number, b.number_format, b.text, b.cells) for b in blocks]


def _change_counts(data: bytes) -> dict[str, int]:
    """Count the tracked-change elements of word/document.xml."""
    root = etree.fromstring(zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml"))
    counts = dict.fromkeys(("ins", "del", "moveFrom", "moveTo", "pPrChange"), 0)
    for el in root.iter(*(W + tag for tag in counts)):
        counts[etree.QName(el).localname] += 1
    return counts


def _timing(wall: float, cpu: float) -> str:
    return f"{wall:.3f} s | {cpu:.3f} s"


def run(words: int, fraction: float, runs: int, seed: int) -> str:
    """Run the benchmark; return the Markdown report."""
    load_start = os.getloadavg()[0]
    rng = random.Random(seed)
    old = policy(words, rng)
    edited = edit(old, fraction, rng)
    new = edited.blocks
    rows = []
    wall, cpu, redline = _median(lambda: compare(old, new), runs)
    rows.append(("compare (the redline)", _timing(wall, cpu), "under 0.5 s",
                 "yes" if wall < 0.5 else "no"))
    wall, cpu, data = _median(lambda: export_redline_docx(redline, META, AUTHOR, WHEN), runs)
    rows.append(("export_redline_docx (the .docx of that redline)", _timing(wall, cpu), "", ""))
    wall, cpu, both = _median(lambda: export_tracked_docx(old, new, META, AUTHOR, WHEN), runs)
    rows.append(("export_tracked_docx (compare + .docx)", _timing(wall, cpu), "under 2 s",
                 "yes" if wall < 2 else "no"))
    wall, cpu, _ = _median(lambda: export_docx(new, META), runs)
    rows.append(("export_docx of the new version, for comparison", _timing(wall, cpu), "", ""))
    same_bytes = both == data
    accepted = _content(import_docx(data).blocks) == _content(new)
    stats = redline.stats
    counts = _change_counts(data)
    lines = [
        f"Tracked-changes export, measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: "
        f"Python {platform.python_version()}, {os.cpu_count()} cores (shared), load average "
        f"{load_start:.1f} at start, {os.getloadavg()[0]:.1f} at the end. Input: "
        f"`bench.doc_corpus.policy({words:,})` ({word_count(old):,} words, {len(old):,} blocks), "
        f"`edit(blocks, {fraction})` ({edited.words_changed:,} word positions changed, "
        f"{edited.words_deleted:,} words deleted, {edited.words_inserted:,} inserted, "
        f"{edited.moves} clauses moved); seed {seed}. Median of {runs} runs.",
        "",
        "| step | median wall | median CPU | target | met |",
        "|---|---:|---:|---|---|",
        *(f"| {name} | {timing} | {target} | {met} |" for name, timing, target, met in rows),
        "",
        f"- Redline: {stats.words_deleted:,} words deleted and {stats.words_inserted:,} inserted "
        f"(the edit made {edited.words_deleted:,} / {edited.words_inserted:,}); "
        f"{stats.blocks_changed:,} blocks changed, {stats.blocks_inserted} inserted, "
        f"{stats.blocks_deleted} deleted, {stats.blocks_moved} moved, "
        f"{stats.blocks_renumbered:,} renumbered (no tracked change needed for those).",
        f"- File: {len(data) / 2**20:.2f} MB; {counts['ins']:,} w:ins, {counts['del']:,} w:del, "
        f"{counts['moveFrom']:,} w:moveFrom, {counts['moveTo']:,} w:moveTo, "
        f"{counts['pPrChange']:,} w:pPrChange (clauses restyled, or numbering one list "
        "definition cannot show in both versions).",
        f"- `import_docx(file).blocks` (every change accepted) == the new version, numbers "
        f"included: {'yes' if accepted else 'NO'}; same bytes from both entry points: "
        f"{'yes' if same_bytes else 'NO'}.",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run the benchmark, print the report and write it to --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=100_000)
    parser.add_argument("--fraction", type=float, default=0.10)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()
    report = run(args.words, args.fraction, args.runs, args.seed)
    print(report)
    if str(args.out) != "-":
        args.out.write_text("# Tracked-changes .docx benchmark\n\n" + report, encoding="utf-8")


if __name__ == "__main__":
    main()
