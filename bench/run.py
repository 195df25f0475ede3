"""Time the accounts list and CSV export against a plain Flask-Admin ModelView; write RESULTS.md.

Run `python -m bench.run` (or `make bench`) for 1,000,000 accounts on SQLite; `--rows 50000`
for a quick run. The database is generated first when its file is missing.
"""

import argparse
import json
import math
import os
import platform
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

import psutil
from flask.testing import FlaskClient
from flask_admin.base import BaseView
from flask_admin.contrib.sqla import ModelView
from flask_admin.model.base import BaseModelView
from sqlalchemy import create_engine, make_url, text

from admin_views import list_rows
from admin_views.base import PortalModelView
from admin_views.listing import COUNT_CAP
from bench.generate import DATA_DIR, DEFAULT_ROWS, default_url, generate
from bench.portal_app import build_app, list_urls, login

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "RESULTS.md"
SECTION = "## Account list and export"  # + ", SQLite" or ", PostgreSQL"
EXPORT_ROWS = 100_000
PAGE_TARGET_MS = 25.0
EXPORT_RSS_TARGET_MB = 150.0


@dataclass
class Timing:
    """Request times of one URL, in milliseconds."""

    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[math.ceil(0.95 * len(ordered)) - 1]  # nearest rank


def _get_ms(client: FlaskClient, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    response.get_data()
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered HTTP {response.status_code}")
    return elapsed


def time_pair(client: FlaskClient, ours: str, plain: str, repeat: int) -> tuple[Timing, Timing]:
    """Time two URLs, alternating, after two warm-up requests each."""
    for _ in range(2):
        _get_ms(client, ours), _get_ms(client, plain)
    mine, theirs = [], []
    for _ in range(repeat):
        # Alternating spreads any background load over both views alike.
        mine.append(_get_ms(client, ours))
        theirs.append(_get_ms(client, plain))
    return Timing(mine), Timing(theirs)


def time_lists(url: str, rows: int, repeat: int) -> tuple[dict[str, tuple[Timing, Timing]], dict]:
    """Time every list case on both views in one app, then split the first two cases' time."""
    app = build_app(url, export_rows=EXPORT_ROWS)
    client = app.test_client()
    login(client)
    results = {}
    urls = list_urls(app, rows)
    for name, (ours, plain) in urls.items():
        results[name] = time_pair(client, ours, plain, repeat)
        print(f"  {name}: {results[name][0].median:.1f} ms vs {results[name][1].median:.1f} ms")
    split = {name: [time_parts(client, u, repeat) for u in pair]
             for name, pair in list(urls.items())[:2]}
    return results, split


# Where a list request's time goes: (label, owner, attribute) timed by wrapping the attribute.
# The portal draws its cells through list_rows.cell_getter's functions, not get_list_value,
# and has its own _get_filter_groups: both are timed too.
PARTS = (("SQL and loading rows", ModelView, "get_list"),
         ("filter options", BaseModelView, "_get_filter_groups"),
         ("filter options", PortalModelView, "_get_filter_groups"),
         ("cell values (formatters)", BaseModelView, "get_list_value"),
         ("cell values (formatters)", list_rows, "cell_getter"),
         ("template", BaseView, "render"))
# Attributes that return the function to time rather than being timed themselves.
FACTORIES = {(list_rows, "cell_getter")}


def _timer(original, label: str, spent: dict, depth: dict):
    """Wrap `original` so that its outermost calls add their time to spent[label]."""
    def timed(*args, **kwargs):
        depth[label] += 1
        start = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            depth[label] -= 1
            if not depth[label]:  # a timed call inside another of the same label counts once
                spent[label] += (time.perf_counter() - start) * 1000

    # Keep Jinja's pass_context marker on get_list_value.
    timed.__dict__.update(getattr(original, "__dict__", {}))
    return timed


def time_parts(client: FlaskClient, url: str, repeat: int) -> dict[str, float]:
    """Return the median milliseconds a request spends in each of PARTS, and in the rest."""
    labels = list(dict.fromkeys(label for label, _owner, _name in PARTS))
    spent, depth = dict.fromkeys(labels, 0.0), dict.fromkeys(labels, 0)
    originals = []
    for label, owner, name in PARTS:
        original = owner.__dict__[name]
        originals.append((owner, name, original))
        if (owner, name) in FACTORIES:
            def make(*args, _original=original, _label=label, **kwargs):
                return _timer(_original(*args, **kwargs), _label, spent, depth)
            setattr(owner, name, make)
        else:
            setattr(owner, name, _timer(original, label, spent, depth))
    samples = []
    try:
        for index in range(repeat + 1):
            spent.update(dict.fromkeys(spent, 0.0))
            total = _get_ms(client, url)
            # Cell values are computed while the template renders: count them only once.
            parts = {**spent, "template": spent["template"] - spent["cell values (formatters)"]}
            parts["rest of the request (login, hooks, response)"] = total - sum(parts.values())
            if index:  # the first request only warms up the wrappers
                samples.append({"total": total, **parts})
    finally:
        for owner, name, original in originals:
            setattr(owner, name, original)
    return {key: statistics.median(sample[key] for sample in samples) for key in samples[0]}


def run_probe(url: str, view: str, rows: int, repeat: int) -> dict:
    """Run one export probe in a fresh Python process and return its measurements."""
    command = [sys.executable, "-m", "bench.export_probe", "--url", url, "--view", view,
               "--rows", str(rows), "--repeat", str(repeat)]
    done = subprocess.run(command, cwd=ROOT.parent, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"export probe failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_exports(url: str, rows: int, repeat: int) -> dict:
    """Measure the capped export on both views, then the portal's memory at other sizes."""
    size = min(EXPORT_ROWS, rows)
    result = {"ours": run_probe(url, "accounts", size, repeat),
              "plain": run_probe(url, "plain_accounts", size, repeat), "series": []}
    for count in sorted({min(10_000, rows), size, rows}):
        print(f"  portal export of {count:,} rows")
        result["series"].append(run_probe(url, "accounts", count, 1))
    return result


def machine_facts(url: str) -> list[str]:
    """Describe the machine, versions and database the numbers come from."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())
    database = make_url(url)
    engine = f"SQLite {sqlite3.sqlite_version}"
    if database.get_backend_name() == "postgresql":
        server = create_engine(url)
        with server.connect() as conn:
            engine = f"PostgreSQL {conn.scalar(text('SHOW server_version'))}"
        server.dispose()
    facts = [f"{os.cpu_count()} cores ({cpu}), {psutil.virtual_memory().total / 2**30:.0f} GiB RAM,"
             f" {platform.system()} {platform.release()}",
             f"Python {platform.python_version()}, {engine}, "
             f"Flask {version('flask')}, Flask-Admin {version('flask-admin')}, "
             f"SQLAlchemy {version('sqlalchemy')}",
             f"database: {database.render_as_string(hide_password=True)}"]
    if database.get_backend_name() == "sqlite" and database.database:
        facts[-1] += f" ({Path(database.database).stat().st_size / 2**20:,.0f} MiB)"
    return facts


def _ms(value: float) -> str:
    return f"{value:,.1f} ms"


def _verdict(ok: bool) -> str:
    return "yes" if ok else "**no**"


def list_table(lists: dict[str, tuple[Timing, Timing]]) -> list[str]:
    """Render the list timings with ratios and the issue's targets."""
    names = list(lists)
    page1 = lists[names[0]][0].median
    lines = ["| request | portal median | portal p95 | plain median | plain p95 | plain / portal "
             "| target | met |", "|---|---:|---:|---:|---:|---:|---|---|"]
    for index, name in enumerate(names):
        ours, plain = lists[name]
        ratio = plain.median / ours.median
        if index < 2:
            target = f"<= {PAGE_TARGET_MS:.0f} ms and >= 2x faster"
            met = (f"{_verdict(ours.median <= PAGE_TARGET_MS)} / {_verdict(ratio >= 2)}")
        else:
            target = f"<= 2 x portal page 1 ({_ms(2 * page1)})"
            met = _verdict(ours.median <= 2 * page1)
        lines.append(f"| {name} | {_ms(ours.median)} | {_ms(ours.p95)} | {_ms(plain.median)} "
                     f"| {_ms(plain.p95)} | {ratio:.1f}x | {target} | {met} |")
    return lines


def split_table(split: dict) -> list[str]:
    """Render where the time of the first two list requests goes, portal and plain view."""
    labels = [key for key in next(iter(split.values()))[0] if key != "total"]
    lines = ["| request | view | total | " + " | ".join(labels) + " |",
             "|---|---|---:|" + "---:|" * len(labels)]
    for name, (ours, plain) in split.items():
        for view, parts in (("portal", ours), ("plain", plain)):
            lines.append(f"| {name} | {view} | {_ms(parts['total'])} | "
                         + " | ".join(_ms(parts[label]) for label in labels) + " |")
    return lines


def export_table(exports: dict) -> list[str]:
    """Render the export timings and peak memory of both views, then the portal's series."""
    ours, plain = exports["ours"], exports["plain"]
    mine, theirs = statistics.median(ours["seconds"]), statistics.median(plain["seconds"])
    lines = ["| CSV export | rows | median time | peak RSS while exporting | RSS before | target "
             "| met |", "|---|---:|---:|---:|---:|---|---|"]
    for label, probe, seconds in (("portal", ours, mine), ("plain", plain, theirs)):
        ours = label == "portal"
        target = f"< {EXPORT_RSS_TARGET_MB:.0f} MB" if ours else "-"
        met = _verdict(probe["peak_rss_mb"] < EXPORT_RSS_TARGET_MB) if ours else "-"
        lines.append(f"| {label} | {probe['rows']:,} | {seconds:.2f} s | "
                     f"{probe['peak_rss_mb']:.0f} MB | {probe['rss_before_mb']:.0f} MB | "
                     f"{target} | {met} |")
    lines += ["", "Portal export memory by row count (one fresh process each, one export):", "",
              "| rows exported | time | peak RSS while exporting | RSS before |",
              "|---:|---:|---:|---:|"]
    lines += [f"| {p['rows']:,} | {p['seconds'][0]:.2f} s | {p['peak_rss_mb']:.0f} MB | "
              f"{p['rss_before_mb']:.0f} MB |" for p in exports["series"]]
    return lines


def report(url: str, rows: int, repeat: int, export_repeat: int, lists: dict, split: dict,
           exports: dict, load: tuple[tuple, tuple]) -> str:
    """Return the Markdown section with every measurement and how to reproduce it."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_text = ", ".join(f"{name} {' / '.join(f'{v:.1f}' for v in values)}"
                          for name, values in zip(("start", "end"), load, strict=True))
    lines = [section_title(url), "", f"{rows:,} accounts, measured {stamp}.", ""]
    lines += [f"- {fact}" for fact in machine_facts(url)]
    lines += [f"- load average (1/5/15 min): {load_text}", "",
              f"List requests: median and p95 (nearest rank) of {repeat} requests each through "
              "the Flask test client, logged in as `admin`, after 2 warm-up requests. The portal "
              "view (`/accounts/`) and a plain `flask_admin.contrib.sqla.ModelView` over the same "
              "table (`/plain_accounts/`: the same columns, team filter and 25 rows a page) run "
              "in the same app, requests alternating.", ""]
    lines += list_table(lists)
    lines += ["", "What differs: the plain view runs an exact `count(*)` of every matching row and "
              "`OFFSET` for every page; the portal view counts at most "
              f"{COUNT_CAP:,} + 1 rows (shown as \"{COUNT_CAP:,}+\"), skips rows of numbered pages "
              "on the sort index before joining, and reaches rows past the count cap with a "
              "keyset cursor (`?after=`). Its list page (`portal/templates/admin/portal_list.html`"
              " with `admin_views/list_rows.py`) draws the HTML of Flask-Admin's list template "
              "(`tests/test_list_rendering.py` compares the two for every list view and role), "
              "built cheaper: table rows, header and pager in one Python call each instead of a "
              "template call per cell, row actions worked out once per page, each formatter's "
              "locale and permission asked once per page; what holds no records (menu per set of "
              "entries the user may open, head, title, script tags) rendered once per view, "
              "language and site root; the filter menu rebuilt only when its option lists change "
              "(team and collector options are kept for up to 10 s and dropped at once when a "
              "team or user is saved); list URLs made from the rule's path and Werkzeug's query "
              "encoding instead of a url_for call each. Rows and counts are read for every "
              "request. Both views share the navbar of `portal_master.html`, the notification "
              "bell's count included.",
              "", f"Where the time goes (median of {repeat} more requests each, timed by wrapping "
              "the methods named in `bench/run.py`; 'template' excludes the cell values it asks "
              "for; the portal has one column more than the plain view, and its cells are masked "
              "and formatted):", ""]
    lines += split_table(split)
    lines += ["", f"Exports: `GET /<view>/export/csv/` streamed through the test client, "
              f"{export_repeat} times in a fresh process per view; peak RSS is the process's "
              "high-water mark (VmHWM) reset just before the first export, so it is the export's "
              "own peak, not the login's 64 MiB argon2 check.", ""]
    lines += export_table(exports)
    lines += ["", "Reproduce: `make bench` (generates `bench/data/accounts-1000000.sqlite` first, "
              "about a minute), or `.venv/bin/python -m bench.run --rows 50000` for a quick run "
              "(written to `bench/data/`). `--url postgresql+psycopg://... --generate` runs it "
              "on PostgreSQL.", ""]
    return "\n".join(lines)


def section_title(url: str) -> str:
    """Return the results heading for the database behind `url`."""
    backend = make_url(url).get_backend_name()
    return f"{SECTION}, {'PostgreSQL' if backend == 'postgresql' else 'SQLite'}"


def write_section(path: Path, title: str, section: str) -> None:
    """Replace this benchmark's section of the results file, keeping every other section."""
    text = path.read_text() if path.exists() else "# Benchmark results\n"
    start = text.find(title + "\n")
    if start < 0:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + len(title))
        rest = "\n\n" + text[end + 1:] if end >= 0 else ""
        text = text[:start] + section.rstrip("\n") + rest
    path.write_text(text.rstrip("\n") + "\n")


def main() -> None:
    """Parse the command line, prepare the database, measure and write the results."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="accounts in the database")
    parser.add_argument("--url", help="database URL (default: bench/data/accounts-<rows>.sqlite)")
    parser.add_argument("--generate", action="store_true", help="(re)generate the data first")
    parser.add_argument("--repeat", type=int, default=9, help="timed requests per list URL")
    parser.add_argument("--export-repeat", type=int, default=5, help="exports per view")
    parser.add_argument("--output", type=Path, help="results file (default: bench/RESULTS.md "
                        "for 1,000,000 rows, else bench/data/results-<rows>.md)")
    args = parser.parse_args()
    url = args.url or default_url(args.rows)
    if args.generate or (not args.url and not (DATA_DIR / f"accounts-{args.rows}.sqlite").exists()):
        generate(url, args.rows)
    load_start = os.getloadavg()
    print("list pages:")
    lists, split = time_lists(url, args.rows, args.repeat)
    print("exports:")
    exports = time_exports(url, args.rows, args.export_repeat)
    section = report(url, args.rows, args.repeat, args.export_repeat, lists, split, exports,
                     (load_start, os.getloadavg()))
    output = args.output or (RESULTS if args.rows == DEFAULT_ROWS
                             else DATA_DIR / f"results-{args.rows}.md")
    write_section(output, section_title(url), section)
    print(section)
    print(f"written to {output}")


if __name__ == "__main__":
    main()
