"""Benchmark the account import: 100,000 rows, time and peak memory, into bench/RESULTS.md.

Run: .venv/bin/python bench/import_100k.py [--rows N] [--assign] [--database-url URL] [--record]
Without --database-url it uses a temporary SQLite file (a PostgreSQL URL has its public schema
dropped and recreated: give it a scratch database). --record measures SQLite and the given URL,
with and without assignment, and replaces only the "## Account import" section of
bench/RESULTS.md.
"""

import argparse
import csv
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402

from models import AuditEntry, AuditHead, Base, DebtorAccount  # noqa: E402
from models.audit import GENESIS  # noqa: E402
from portal import audit, create_app  # noqa: E402
from portal.account_import import ALL_COLUMNS, ImportLimits, import_accounts  # noqa: E402
from portal.demo import TEAMS, person_name, seed_demo  # noqa: E402
from portal.extensions import db  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
HEADING = "## Account import"


def write_csv(path: Path, rows: int, assign: bool) -> None:
    """Write a realistic import file with `rows` accounts, streamed (nothing held in memory)."""
    rng = random.Random(7)  # a fixed seed: reproducible benchmark data
    team = TEAMS[0][0]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(ALL_COLUMNS)
        for n in range(rows):
            dpd = rng.randint(0, 720)
            writer.writerow([f"IMP{n:09d}", person_name(rng), f"0{rng.randrange(10**10, 10**11)}",
                             f"09{rng.randrange(10**7, 10**8)}", "", "personal_loan",
                             rng.randrange(1, 4000) * 500_000, rng.randrange(0, 900_000),
                             100_000, dpd, "Hà Nội", "legal" if dpd > 360 else "active",
                             "no", "no", "no", "no",
                             team if assign else "", f"collector{n % 2 + 1}" if assign else ""])


def build_app(url: str | None, folder: Path):
    """Create the app on a fresh schema with the demo staff and no demo accounts."""
    app = create_app({"SKIP_ENVIRONMENT": True, "INSTANCE_DIR": str(folder),
                      "SECRET_KEY": "bench", "AUDIT_KEY": "bench-audit-key",
                      "SQLALCHEMY_DATABASE_URI": url or f"sqlite:///{folder / 'bench.db'}",
                      "IMPORT_MAX_BYTES": 50 * 2**20})
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
            db.session.commit()
        Base.metadata.create_all(db.engine)
        db.session.add(AuditHead(id=1, seq=0, hash=GENESIS))
        seed_demo(db.session, "x", accounts=0, documents=False)
        db.session.commit()
    return app


def run(app, path: Path) -> dict:
    """Import the file as admin and return the measurements."""
    from models import User

    with app.test_request_context():
        audit.current_actor.set("cli:admin")
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        with path.open("rb") as stream:
            report = import_accounts(db.session, admin, stream, "all-or-nothing",
                                     ImportLimits.from_config(app.config))
        seconds = time.perf_counter() - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        accounts = db.session.scalar(select(func.count()).select_from(DebtorAccount))
        entries = db.session.scalar(select(func.count()).where(AuditEntry.entity ==
                                                               "DebtorAccount",
                                                               AuditEntry.action == "create"))
        chain = audit.verify(db.session, app.config["AUDIT_KEY"].encode())
    return {"imported": report.imported, "problems": report.problem_count, "seconds": seconds,
            "rss_before_mb": rss_before / 1024, "peak_rss_mb": peak / 1024,
            "accounts": accounts, "create_entries": entries, "chain": chain.message,
            "dialect": app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0]}


def measure(rows: int, assign: bool, url: str | None) -> dict:
    """Generate the file, import it into a fresh database and return the measurements."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "accounts.csv"
        write_csv(path, rows, assign)
        result = run(build_app(url, folder), path)
        result.update(rows=rows, assign=assign, megabytes=path.stat().st_size / 2**20,
                      load=os.getloadavg()[0])
    return result


def in_subprocess(rows: int, assign: bool, url: str | None) -> dict:
    """Measure one configuration in its own process, so peak RSS belongs to it alone."""
    command = [sys.executable, __file__, "--rows", str(rows), "--json"]
    command += ["--assign"] if assign else []
    command += ["--database-url", url] if url else []
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def table_row(r: dict) -> str:
    """Render one configuration as a Markdown table row."""
    return (f"| {r['dialect']} | {r['imported']:,} | {r['megabytes']:.1f} MB | "
            f"{'yes' if r['assign'] else 'no'} | {r['seconds']:.1f} s | "
            f"{r['imported'] / r['seconds']:,.0f} | {r['peak_rss_mb']:.0f} MB | "
            f"{r['rss_before_mb']:.0f} MB | {r['create_entries']:,} | {r['load']:.1f} | "
            f"{r['chain']} |")


def section(results: list[dict]) -> str:
    """Render the measurements as the RESULTS.md section."""
    return "\n".join([
        HEADING, "",
        f"`bench/import_100k.py --record` on {date.today()}: Python "
        f"{platform.python_version()}, {os.cpu_count()} cores; each line in its own process "
        "(peak RSS is the process maximum, the app itself is the 'RSS before'). Mode "
        "all-or-nothing, one transaction, 1,000 rows per flush; 'assign' fills the team and "
        "collector columns, so every row also goes through models.assignment.assign() "
        "(2 audit entries per account: the account and its assignment). The machine is "
        "shared: 'load' is the 1-minute load average when the import ended.", "",
        "| database | rows | file | assign | time | rows/s | peak RSS | RSS before | "
        "account create entries | load (1 min) | audit verify after |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        *[table_row(r) for r in results], ""])


def record(text_block: str) -> None:
    """Replace (or append) only the "## Account import" section of bench/RESULTS.md."""
    old = RESULTS.read_text() if RESULTS.exists() else "# Benchmark results\n"
    start = old.find(HEADING)
    if start == -1:
        new = old.rstrip("\n") + "\n\n" + text_block
    else:
        end = old.find("\n## ", start + len(HEADING))
        rest = "\n" + old[end + 1:] if end != -1 else ""
        new = old[:start] + text_block.rstrip("\n") + "\n" + rest
    RESULTS.write_text(new)


def main() -> None:
    """Measure one configuration (--json) or every configuration (--record)."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--assign", action="store_true", help="fill the team/collector columns")
    parser.add_argument("--database-url", default=os.environ.get("PORTAL_BENCH_DATABASE_URL"))
    parser.add_argument("--json", action="store_true", help="print one result as JSON")
    parser.add_argument("--record", action="store_true",
                        help="measure SQLite (and --database-url) with and without assign, "
                             "then write bench/RESULTS.md")
    args = parser.parse_args()
    if args.record:
        urls = [None] + ([args.database_url] if args.database_url else [])
        results = [in_subprocess(args.rows, assign, url) for url in urls
                   for assign in (False, True)]
        record(section(results))
        print(section(results))
        return
    result = measure(args.rows, args.assign, args.database_url)
    print(json.dumps(result) if args.json else table_row(result))


if __name__ == "__main__":
    main()
