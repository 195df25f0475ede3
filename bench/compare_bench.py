"""Time the compare engine on two long policy versions; print a Markdown table.

Run `.venv/bin/python -m bench.compare_bench` (300,000 words, 1% and 10% changed). Beside it, a
whole-document difflib word diff runs on the same kind of input at `--baseline-words` (100,000
by default: at 300,000 words it takes minutes, FIELD_NOTES) in a child process that is stopped
after `--baseline-timeout` seconds.
"""

import argparse
import difflib
import multiprocessing
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from bench.doc_corpus import Edited, edit, fresh_ids, policy
from documents.blocks import Block, word_count
from documents.compare import carry_ids, compare
from documents.redline_html import render_inline, render_side_by_side

FRACTIONS = (0.01, 0.10)
TARGET_S = 0.5


@dataclass
class Row:
    """One line of the results table."""

    what: str
    words: int
    fraction: float
    median_s: float | None
    cpu_s: float | None  # median CPU seconds of this process
    deleted: str
    inserted: str
    note: str = ""


def _median(fn: Callable[[], object], runs: int) -> tuple[float, float, object]:
    """Return the median wall and CPU seconds of fn over runs, and its last result.

    CPU time is reported too because this machine is shared: other processes stretch wall
    time, much less the CPU time of this one.
    """
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _marked(got: int, actual: int) -> str:
    flag = "ok" if got <= actual else "TOO MANY"
    return f"{got:,} / {actual:,} {flag}"


def _engine_rows(old: list[Block], edited: Edited, fraction: float, runs: int) -> list[Row]:
    words = word_count(old)
    rows = []
    wall, cpu, redline = _median(lambda: compare(old, edited.blocks), runs)
    s = redline.stats
    rows.append(Row("compare (ids carried)", words, fraction, wall, cpu,
                    _marked(s.words_deleted, edited.words_deleted),
                    _marked(s.words_inserted, edited.words_inserted),
                    f"{s.blocks_moved}/{edited.moves} moves found, {s.blocks_changed:,} blocks "
                    f"changed"))
    imported = fresh_ids(edited.blocks)
    wall, cpu, by_content = _median(lambda: compare(old, imported), runs)
    s = by_content.stats
    rows.append(Row("compare (fresh ids: content only)", words, fraction, wall, cpu,
                    _marked(s.words_deleted, edited.words_deleted),
                    _marked(s.words_inserted, edited.words_inserted),
                    f"{s.blocks_moved}/{edited.moves} moves found"))
    wall, cpu, carried = _median(lambda: carry_ids(old, imported), runs)
    kept = sum(a.id == b.id for a, b in zip(carried, edited.blocks, strict=True))
    rows.append(Row("carry_ids (new upload)", words, fraction, wall, cpu, "", "",
                    f"{kept:,}/{len(carried):,} ids as the editor kept them"))
    wall, cpu, page = _median(lambda: render_inline(redline), max(1, runs // 2))
    rows.append(Row("render_inline", words, fraction, wall, cpu, "", "",
                    f"{len(page) / 1e6:.1f} MB of HTML"))
    wall, cpu, page = _median(lambda: render_side_by_side(redline), max(1, runs // 2))
    rows.append(Row("render_side_by_side", words, fraction, wall, cpu, "", "",
                    f"{len(page) / 1e6:.1f} MB of HTML"))
    return rows


def _difflib_words(old: list[str], new: list[str], queue) -> None:
    """Whole-document word diff (autojunk on, as difflib does by default); report the marks."""
    cpu = time.process_time()
    start = time.perf_counter()
    deleted = inserted = 0
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag != "equal":
            deleted, inserted = deleted + i2 - i1, inserted + j2 - j1
    queue.put((time.perf_counter() - start, time.process_time() - cpu, deleted, inserted))


def _baseline_row(old: list[Block], edited: Edited, fraction: float, timeout: float) -> Row:
    """Run the difflib baseline in a child process, stopped after timeout seconds."""
    old_words = " ".join(b.plain_text for b in old).split()
    new_words = " ".join(b.plain_text for b in edited.blocks).split()
    queue = multiprocessing.Queue()
    child = multiprocessing.Process(target=_difflib_words, args=(old_words, new_words, queue))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.terminate()
        child.join()
        return Row("difflib, whole document", len(old_words), fraction, None, None, "", "",
                   f"stopped after {timeout:.0f} s")
    wall, cpu, deleted, inserted = queue.get()
    return Row("difflib, whole document", len(old_words), fraction, wall, cpu,
               _marked(deleted, edited.words_deleted), _marked(inserted, edited.words_inserted),
               "one run")


def _table(rows: list[Row]) -> str:
    lines = ["| what | words | changed | median s | CPU s | words deleted: marked / actual "
             "| words inserted: marked / actual | note |",
             "|---|---:|---:|---:|---:|---|---|---|"]
    for r in rows:
        median = f"{r.median_s:.3f}" if r.median_s is not None else "—"
        cpu = f"{r.cpu_s:.3f}" if r.cpu_s is not None else "—"
        lines.append(f"| {r.what} | {r.words:,} | {r.fraction:.0%} | {median} | {cpu} "
                     f"| {r.deleted} | {r.inserted} | {r.note} |")
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--baseline-words", type=int, default=100_000)
    parser.add_argument("--baseline-timeout", type=float, default=300.0)
    parser.add_argument("--no-baseline", action="store_true", help="skip difflib (minutes)")
    parser.add_argument("--seed", type=int, default=20261201)
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average "
          f"{os.getloadavg()[0]:.1f} at start")
    old = policy(args.words, random.Random(args.seed))
    small = policy(args.baseline_words, random.Random(args.seed + 1))
    rows = []
    for fraction in FRACTIONS:
        edited = edit(old, fraction, random.Random(args.seed + int(fraction * 100)))
        rows += _engine_rows(old, edited, fraction, args.runs)
        small_edit = edit(small, fraction, random.Random(args.seed + 7))
        wall, cpu, redline = _median(lambda e=small_edit: compare(small, e.blocks), args.runs)
        s = redline.stats
        rows.append(Row("compare (ids carried), baseline input", word_count(small), fraction,
                        wall, cpu, _marked(s.words_deleted, small_edit.words_deleted),
                        _marked(s.words_inserted, small_edit.words_inserted)))
        if not args.no_baseline:
            rows.append(_baseline_row(small, small_edit, fraction, args.baseline_timeout))
    print(_table(rows))
    print(f"Load average {os.getloadavg()[0]:.1f} at the end; target: compare under {TARGET_S} s")


if __name__ == "__main__":
    main()
