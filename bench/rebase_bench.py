"""Time the rebase of a long proposal (documents.merge3); print a Markdown table.

Run `.venv/bin/python -m bench.rebase_bench` (300,000 words; proposal and published version each
change about 1%, then 10%, of the base's words independently, so some clauses change on both
sides). `--out FILE` writes the table there as well.
"""

import argparse
import os
import platform
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.doc_corpus import edit, policy
from documents.blocks import Block, word_count
from documents.merge3 import MergeResult, merge3, own_changes_key

FRACTIONS = (0.01, 0.10)
TARGET_S = 1.0


@dataclass
class Row:
    """One line of the results table."""

    fraction: float
    words: int
    wall_s: float
    cpu_s: float
    key_wall_s: float
    key_cpu_s: float
    changed_both: int
    differently: int
    conflicts: str
    clean_blocks: int


def _median(fn: Callable[[], object], runs: int) -> tuple[float, float, object]:
    """Return the median wall and CPU seconds of fn over runs, and its last result."""
    walls, cpus, result = [], [], None
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus), result


def _both_changed(base: list[Block], ours: list[Block], theirs: list[Block]) -> tuple[int, int]:
    """Count blocks (by id) both sides changed, and those changed differently.

    The second count is what a merge by whole blocks would call conflicts: the word-level retry
    is what brings them down.
    """
    base_by_id = {b.id: b for b in base}
    theirs_by_id = {b.id: b for b in theirs}
    both = differently = 0
    for o in ours:
        b, t = base_by_id.get(o.id), theirs_by_id.get(o.id)
        if b and t and (o.text, o.cells) != (b.text, b.cells) \
                and (t.text, t.cells) != (b.text, b.cells):
            both += 1
            differently += (o.text, o.cells) != (t.text, t.cells)
    return both, differently


def _row(base: list[Block], fraction: float, seed: int, runs: int) -> Row:
    ours = edit(base, fraction, random.Random(seed + 1)).blocks
    theirs = edit(base, fraction, random.Random(seed + 2)).blocks
    wall, cpu, result = _median(lambda: merge3(base, ours, theirs), runs)
    assert isinstance(result, MergeResult)
    key_wall, key_cpu, _ = _median(lambda: own_changes_key(theirs, result.blocks), runs)
    kinds = Counter(c.kind.value for c in result.conflicts)
    both, differently = _both_changed(base, ours, theirs)
    return Row(fraction, word_count(base), wall, cpu, key_wall, key_cpu, both, differently,
               f"{len(result.conflicts)} ({', '.join(f'{n} {k}' for k, n in kinds.items())})",
               len(result.blocks))


def _table(rows: list[Row]) -> str:
    lines = ["| words | changed per side | merge3 median s | CPU s | target | blocks changed on "
             "both sides | of which differently | conflicts after the word retry | merged blocks "
             "| own_changes_key median s (CPU) |",
             "|---:|---:|---:|---:|---|---:|---:|---|---:|---:|"]
    for r in rows:
        met = "yes" if r.wall_s < TARGET_S else "**no**"
        lines.append(f"| {r.words:,} | {r.fraction:.0%} | {r.wall_s:.3f} | {r.cpu_s:.3f} "
                     f"| < {TARGET_S:.0f} s: {met} | {r.changed_both:,} | {r.differently:,} "
                     f"| {r.conflicts} | {r.clean_blocks:,} "
                     f"| {r.key_wall_s:.3f} ({r.key_cpu_s:.3f}) |")
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark, print the table and write it to --out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--words", type=int, default=300_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20261201)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    load_start = os.getloadavg()[0]
    base = policy(args.words, random.Random(args.seed))
    rows = [_row(base, fraction, args.seed + k * 10, args.runs)
            for k, fraction in enumerate(FRACTIONS)]
    text = "\n".join([
        f"Rebase benchmark, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC: Python "
        f"{platform.python_version()}, {os.cpu_count()} CPUs, load average {load_start:.1f} at "
        f"the start and {os.getloadavg()[0]:.1f} at the end (the machine is shared).",
        f"Median of {args.runs} runs each. Base: {len(base):,} blocks; the proposal and the "
        "published version are two independent `bench.doc_corpus.edit` revisions of it (words "
        "edited in clauses, clauses added, dropped and moved, a table cell changed). "
        "own_changes_key is timed on the published version and the merged blocks (the call a "
        "rebase adds to keep or dismiss approvals; the key before the rebase can be stored).",
        "", _table(rows), ""])
    print(text)
    if args.out:
        args.out.write_text(text)


if __name__ == "__main__":
    main()
