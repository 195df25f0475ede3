"""Demo data: realistic staff, teams and accounts; running it again adds nothing."""

import random
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import DebtorAccount, MembershipRole, Role, Team, TeamMembership, User
from models.account import AccountStatus, Product
from models.assignment import assign
from portal.demo_documents import seed_documents
from portal.demo_proposals import seed_proposals

DEMO_PASSWORD = "demo-password"  # noqa: S105 - documented demo credential, demo data only

DEMO_USERS = [
    ("admin", "Trần Thị Mai", [Role.ADMIN]),
    ("compliance", "Lê Minh Châu", [Role.COMPLIANCE_EDITOR]),
    ("reviewer1", "Phạm Quốc Bảo", [Role.REVIEWER]),
    ("reviewer2", "Sarah Mitchell", [Role.REVIEWER]),
    ("lead", "Nguyễn Văn Hùng", [Role.TEAM_LEAD]),
    ("collector1", "Đỗ Thu Hà", [Role.COLLECTOR]),
    ("collector2", "James Carter", [Role.COLLECTOR]),
    ("risk", "Vũ Hoàng Nam", [Role.RISK_OFFICER]),
    ("fraud", "Bùi Thanh Tâm", [Role.FRAUD_ANALYST]),
    ("auditor", "Emily Nguyen", [Role.AUDITOR]),
]

TEAMS = [
    ("Hà Nội Early Bucket", "Hà Nội", "1-30"),
    ("Hà Nội Late Bucket", "Hà Nội", "91-180"),
    ("HCMC Early Bucket", "TP. Hồ Chí Minh", "1-30"),
    ("HCMC Mid Bucket", "TP. Hồ Chí Minh", "31-90"),
    ("HCMC Late Bucket", "TP. Hồ Chí Minh", "91-360"),
    ("Đà Nẵng Collections", "Đà Nẵng", "all"),
    ("Cần Thơ Collections", "Cần Thơ", "all"),
    ("Recovery & Legal", "Hà Nội", "360+"),
]

VN_FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
             "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý"]
VN_MIDDLE = ["Văn", "Thị", "Minh", "Thanh", "Quốc", "Ngọc", "Hoàng", "Đức", "Thu", "Gia"]
VN_GIVEN = ["An", "Bình", "Cường", "Dũng", "Giang", "Hải", "Hương", "Khánh", "Linh", "Long",
            "Mai", "Nam", "Nga", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy",
            "Yến", "Hiếu", "Lan", "Đạt", "Ánh"]
EN_FIRST = ["Michael", "Laura", "David", "Emma", "Daniel", "Olivia", "Peter", "Sophie", "Mark",
            "Hannah", "Thomas", "Grace"]
EN_LAST = ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Evans", "Walker", "Hughes",
           "Clarke", "Turner"]
DPD_BANDS = [(0, 0), (1, 30), (31, 60), (61, 90), (91, 180), (181, 360), (361, 900)]
DPD_WEIGHTS = [8, 30, 20, 14, 14, 8, 6]


def person_name(rng: random.Random) -> str:
    """Return a realistic customer or staff name; about one in eight is English."""
    if rng.random() < 0.125:
        return f"{rng.choice(EN_FIRST)} {rng.choice(EN_LAST)}"
    return f"{rng.choice(VN_FAMILY)} {rng.choice(VN_MIDDLE)} {rng.choice(VN_GIVEN)}"


def _user(session: Session, username: str, full_name: str, roles, password_hash: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        user = User(username=username, full_name=full_name,
                    email=f"{username}@collections.example.vn", password_hash=password_hash)
        user.set_roles(roles)
        session.add(user)
    return user


def _member(session: Session, team: Team, user: User, role: MembershipRole) -> None:
    exists = session.scalar(select(TeamMembership.id).where(
        TeamMembership.team_id == team.id, TeamMembership.user_id == user.id))
    if exists is None:
        session.add(TeamMembership(team=team, user=user, role_in_team=role.value,
                                   from_date=date(2024, 1, 2)))


def seed_staff(session: Session, password_hash: str, rng: random.Random) -> dict[str, list]:
    """Create the demo users, 8 teams with a lead each, and about 60 staff."""
    demo = {u: _user(session, u, n, r, password_hash) for u, n, r in DEMO_USERS}
    teams, collectors_by_team = [], {}
    for index, (name, region, focus) in enumerate(TEAMS):
        lead = demo["lead"] if index == 0 else _user(
            session, f"lead{index + 1}", person_name(rng), [Role.TEAM_LEAD], password_hash)
        team = session.scalar(select(Team).where(Team.name == name))
        if team is None:
            team = Team(name=name, region=region, bucket_focus=focus, lead=lead)
            session.add(team)
        session.flush()
        _member(session, team, lead, MembershipRole.LEAD)
        staff = [demo["collector1"], demo["collector2"]] if index == 0 else []
        staff += [_user(session, f"col{index + 1}{n}", person_name(rng), [Role.COLLECTOR],
                        password_hash) for n in range(1, 7 - len(staff) + 1)]
        session.flush()
        for user in staff:
            _member(session, team, user, MembershipRole.COLLECTOR)
        teams.append(team)
        collectors_by_team[team.id] = staff
    return {"teams": teams, "collectors": collectors_by_team, "demo": demo}


def _account(rng: random.Random, number: int, region: str) -> DebtorAccount:
    low, high = rng.choices(DPD_BANDS, weights=DPD_WEIGHTS)[0]
    dpd = rng.randint(low, high)
    product = rng.choice(list(Product))
    principal = Decimal(rng.randrange(5, 2000) * 500_000)
    return DebtorAccount(
        account_number=f"VN{number:010d}", customer_name=person_name(rng),
        national_id=f"0{rng.randrange(10**10, 10**11)}",
        phone_primary=f"09{rng.randrange(10**7, 10**8)}",
        phone_secondary=f"03{rng.randrange(10**7, 10**8)}" if rng.random() < 0.4 else "",
        product=product.value, outstanding_principal=principal,
        overdue_interest=(principal * Decimal(dpd) * Decimal("0.0005")).quantize(Decimal(1)),
        fees=Decimal(rng.choice([0, 0, 100_000, 250_000])), days_past_due=dpd, region=region,
        status=(AccountStatus.LEGAL if dpd > 360 else AccountStatus.ACTIVE).value,
        do_not_contact=rng.random() < 0.02, dispute=rng.random() < 0.03,
        deceased=rng.random() < 0.005, fraud_suspect=rng.random() < 0.01,
    )


def seed_accounts(session: Session, staff: dict, count: int, rng: random.Random, admin: User,
                  progress=None) -> int:
    """Create up to `count` demo accounts, each assigned to a collector; return how many new."""
    existing = set(session.scalars(select(DebtorAccount.account_number)))
    groups: dict[tuple[int, int], list[DebtorAccount]] = {}
    targets = {}
    for number in range(1, count + 1):
        team = staff["teams"][number % len(staff["teams"])]
        account = _account(rng, number, team.region)
        collector = staff["collectors"][team.id][number % len(staff["collectors"][team.id])]
        if account.account_number not in existing:
            session.add(account)
            groups.setdefault((team.id, collector.id), []).append(account)
            targets[(team.id, collector.id)] = (team, collector)
    session.flush()
    for key, batch in groups.items():
        team, collector = targets[key]
        assign(session, batch, collector, team, "Initial allocation", assigned_by=admin)
        if progress:
            progress(len(batch))
    return sum(len(batch) for batch in groups.values())


def seed_demo(session: Session, password_hash: str, accounts: int = 5000, progress=None, *,
              documents: bool = True, proposals: bool = True) -> dict:
    """Load the whole demo set; return counts of what was created.

    The demo proposals and their review rules come with the documents: `documents=False`
    loads neither (tests write the rules they need).
    """
    rng = random.Random(20261129)  # noqa: S311 - fixed seed: the same data every time, so reruns add nothing
    staff = seed_staff(session, password_hash, rng)
    created = seed_accounts(session, staff, accounts, rng, staff["demo"]["admin"], progress)
    documents_created = seed_documents(session, staff) if documents else 0
    proposals_created = seed_proposals(session, staff) if proposals and documents else 0
    return {"teams": len(staff["teams"]), "accounts_created": created,
            "documents_created": documents_created, "proposals_created": proposals_created}
