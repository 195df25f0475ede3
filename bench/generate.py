"""Create a benchmark database: the real schema, the demo staff and N debtor accounts.

Run `python -m bench.generate [--rows N] [--url URL]`; SQLite files go to bench/data/.
"""

import argparse
import random
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from argon2 import PasswordHasher
from sqlalchemy import Engine, create_engine, event, func, select, text
from sqlalchemy.orm import Session
from tqdm import tqdm

from models import Assignment, AuditHead, Base, DebtorAccount
from models.account import AccountStatus, Product, bucket_for, debt_group_for
from models.audit import GENESIS
from portal.demo import DEMO_PASSWORD, DPD_BANDS, DPD_WEIGHTS, person_name, seed_staff

DATA_DIR = Path(__file__).resolve().parent / "data"
DEFAULT_ROWS = 1_000_000
BATCH = 20_000
SEED = 20261129
PRODUCTS = [p.value for p in Product]
FEES = [Decimal(0), Decimal(0), Decimal(100_000), Decimal(250_000)]


def default_url(rows: int) -> str:
    """Return the SQLite URL of the benchmark database for a row count."""
    return f"sqlite:///{DATA_DIR / f'accounts-{rows}.sqlite'}"


def _fast_sqlite_load(engine: Engine) -> None:
    """Trade durability for speed while loading: a failed load is simply generated again."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=OFF")
        cursor.execute("PRAGMA synchronous=OFF")
        cursor.execute("PRAGMA cache_size=-262144")
        cursor.close()


def _reset_schema(engine: Engine) -> None:
    """Start from an empty database with the portal's real tables and indexes."""
    if engine.dialect.name == "sqlite" and engine.url.database:
        Path(engine.url.database).unlink(missing_ok=True)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)


def _seed_staff(engine: Engine, rng: random.Random) -> tuple[list[tuple[int, str]], dict]:
    """Create the demo users, teams and collectors; return teams and collectors by team."""
    # A plain Session, not the app's: the audit listener is not installed on it, so bench
    # data carries no audit chain (fine for timing lists; `audit verify` sees an empty chain).
    password_hash = PasswordHasher().hash(DEMO_PASSWORD)
    with Session(engine) as session:
        session.add(AuditHead(id=1, seq=0, hash=GENESIS))
        staff = seed_staff(session, password_hash, rng)
        session.commit()
        teams = [(team.id, team.region) for team in staff["teams"]]
        collectors = {team_id: [u.id for u in users]
                      for team_id, users in staff["collectors"].items()}
        admin_id = staff["demo"]["admin"].id
    return teams, {"collectors": collectors, "admin_id": admin_id}


def _account_row(rng: random.Random, number: int, team: tuple[int, str], collector_id: int,
                 now: datetime) -> dict:
    """Return one account as column values, with the demo's distributions."""
    low, high = rng.choices(DPD_BANDS, weights=DPD_WEIGHTS)[0]
    dpd = rng.randint(low, high)
    principal = Decimal(rng.randrange(5, 2000) * 500_000)
    return {
        "id": number, "account_number": f"VN{number:010d}", "customer_name": person_name(rng),
        "national_id": f"0{rng.randrange(10**10, 10**11)}",
        "phone_primary": f"09{rng.randrange(10**7, 10**8)}",
        "phone_secondary": f"03{rng.randrange(10**7, 10**8)}" if rng.random() < 0.4 else "",
        "product": rng.choice(PRODUCTS), "outstanding_principal": principal,
        "overdue_interest": (principal * dpd * Decimal("0.0005")).quantize(Decimal(1)),
        "fees": rng.choice(FEES), "days_past_due": dpd, "bucket": bucket_for(dpd).value,
        "debt_group": int(debt_group_for(dpd)), "region": team[1],
        "status": (AccountStatus.LEGAL if dpd > 360 else AccountStatus.ACTIVE).value,
        "do_not_contact": rng.random() < 0.02, "dispute": rng.random() < 0.03,
        "deceased": rng.random() < 0.005, "fraud_suspect": rng.random() < 0.01,
        "collector_id": collector_id, "team_id": team[0], "version": 1,
        "created_at": now, "updated_at": now,
    }


def _batches(rows: int, teams: list, staff: dict, rng: random.Random) -> Iterator[tuple]:
    """Yield (accounts, assignments) batches of column values, spread like the demo."""
    now = datetime.now(UTC)
    accounts, assignments = [], []
    for number in range(1, rows + 1):
        team = teams[number % len(teams)]
        members = staff["collectors"][team[0]]
        collector_id = members[number % len(members)]
        accounts.append(_account_row(rng, number, team, collector_id, now))
        assignments.append({"id": number, "account_id": number, "collector_id": collector_id,
                            "team_id": team[0], "assigned_by_id": staff["admin_id"],
                            "started_at": now, "ended_at": None,
                            "reason": "Initial allocation"})
        if len(accounts) == BATCH:
            yield accounts, assignments
            accounts, assignments = [], []
    if accounts:
        yield accounts, assignments


def _load(engine: Engine, rows: int, teams: list, staff: dict, rng: random.Random) -> None:
    """Bulk-insert accounts and assignments with Core executemany, indexes built afterwards."""
    tables = [DebtorAccount.__table__, Assignment.__table__]
    indexes = [index for table in tables for index in table.indexes]
    with engine.begin() as conn:
        # Building each index once after the load is several times faster than keeping
        # ten indexes up to date row by row.
        for index in indexes:
            index.drop(conn)
        with tqdm(total=rows, unit="acct", desc="accounts") as bar:
            for accounts, assignments in _batches(rows, teams, staff, rng):
                conn.execute(DebtorAccount.__table__.insert(), accounts)
                conn.execute(Assignment.__table__.insert(), assignments)
                bar.update(len(accounts))
        for index in tqdm(indexes, desc="indexes", unit="idx"):
            index.create(conn)
        if conn.dialect.name == "postgresql":
            # Explicit ids leave the sequences behind; later inserts must not collide.
            for table in tables:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                                  f"(SELECT max(id) FROM {table.name}))"))
    _settle(engine)


def _settle(engine: Engine) -> None:
    """Leave the database as a live one would be, without tuning it beyond that."""
    if engine.dialect.name != "postgresql":
        # The portal's SQLite database is never ANALYZEd, so the bench one is not either.
        return
    # What autovacuum does to a table soon after a bulk load: statistics, visibility map.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


def generate(url: str, rows: int) -> None:
    """Build the benchmark database at `url` with `rows` accounts."""
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    _fast_sqlite_load(engine)
    rng = random.Random(SEED)  # fixed seed: the same data on every machine
    _reset_schema(engine)
    teams, staff = _seed_staff(engine, rng)
    _load(engine, rows, teams, staff, rng)
    with engine.connect() as conn:
        count = conn.scalar(select(func.count()).select_from(DebtorAccount.__table__))
    engine.dispose()
    print(f"{count:,} accounts in {url}")


def main() -> None:
    """Parse the command line and generate."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="accounts to create")
    parser.add_argument("--url", help="database URL (default: a SQLite file in bench/data/)")
    args = parser.parse_args()
    generate(args.url or default_url(args.rows), args.rows)


if __name__ == "__main__":
    main()
