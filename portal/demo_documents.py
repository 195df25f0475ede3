"""Demo policy documents: every lifecycle state, real version histories and acknowledgements.

The texts (portal.demo_texts) are written in a small block source, one block per line:

    # Heading            (## for level 2)
    1. Clause            (1.1. and 1.1.1. nest; the written number only gives the level,
    a) Lettered point     renumber() computes the real one; a) sits under the clause above)
    - Bullet
    | Cell | Cell |       (consecutive rows form one table)
    Any other text       (a paragraph)
        indented text    (continues the block above, so lines stay short)

Later versions are edits of the previous one's source (see `revise`), so a compare shows what
a real revision changes. Everything goes through the repository's own actions as the demo
compliance officer (the admin for one document), with publication dates in the past where a
version was in force before today.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from documents import acknowledgements, repository
from documents.blocks import Block, BlockKind, new_block_id, renumber
from models import PolicyDocument, Team, User
from models.base import DEPARTMENT_ZONE, utcnow
from models.document import aware

_DECIMAL = re.compile(r"^((?:\d+\.)+)\s+(.*)$")
_LETTER = re.compile(r"^[a-z]\)\s+(.*)$")


# --- block source --------------------------------------------------------------------------

def logical_lines(source: str) -> list[str]:
    """Split block source into one line per block, joining indented continuation lines."""
    lines: list[str] = []
    for raw in source.splitlines():
        if not raw.strip():
            continue
        if raw[0].isspace() and lines:
            lines[-1] += " " + raw.strip()
        else:
            lines.append(raw.strip())
    return lines


def _table_row(line: str) -> tuple[str, ...]:
    return tuple(cell.strip() for cell in line.strip().strip("|").split("|"))


def parse_blocks(lines: Sequence[str]) -> list[Block]:
    """Build numbered blocks from logical lines of block source."""
    blocks: list[Block] = []
    rows: list[tuple[str, ...]] = []
    clause_level = -1  # level of the last decimal clause: a lettered point sits below it
    for line in [*lines, ""]:
        if line.startswith("|"):
            rows.append(_table_row(line))
            continue
        if rows:
            blocks.append(Block(new_block_id(), BlockKind.TABLE, cells=tuple(rows)))
            rows = []
        if not line:
            continue
        block, clause_level = _block(line, clause_level)
        blocks.append(block)
    return renumber(blocks)


def _block(line: str, clause_level: int) -> tuple[Block, int]:
    if line.startswith("#"):
        marks, _, text = line.partition(" ")
        return Block(new_block_id(), BlockKind.HEADING, text, level=len(marks)), clause_level
    if found := _DECIMAL.match(line):
        level = found.group(1).count(".") - 1
        return Block(new_block_id(), BlockKind.LIST_ITEM, found.group(2), level=level,
                     number_format="decimal"), level
    if found := _LETTER.match(line):
        return Block(new_block_id(), BlockKind.LIST_ITEM, found.group(1), level=clause_level + 1,
                     number_format="lowerLetter"), clause_level
    if line.startswith("- "):
        return Block(new_block_id(), BlockKind.LIST_ITEM, line[2:], level=clause_level + 1,
                     number_format="bullet"), clause_level
    return Block(new_block_id(), BlockKind.PARAGRAPH, line), clause_level


def _find(lines: list[str], start: str) -> int:
    found = [i for i, line in enumerate(lines) if line.startswith(start)]
    if len(found) != 1:
        raise ValueError(f"demo edit: {len(found)} blocks start with {start!r}")
    return found[0]


def revise(lines: Sequence[str], edits: Sequence[tuple]) -> list[str]:
    """Apply edits to a version's logical lines and return the next version's.

    Each edit names the one block that starts with a given text: ("replace", start, source),
    ("after", start, source), ("before", start, source), ("delete", start) or
    ("move", start, start_of_the_block_it_goes_after).
    """
    out = list(lines)
    for operation, start, *rest in edits:
        at = _find(out, start)
        if operation == "move":
            block = out.pop(at)
            out.insert(_find(out, rest[0]) + 1, block)
            continue
        new = logical_lines(rest[0]) if rest else []
        if operation == "replace":
            out[at:at + 1] = new
        elif operation == "after":
            out[at + 1:at + 1] = new
        elif operation == "before":
            out[at:at] = new
        elif operation == "delete":
            del out[at]
        else:
            raise ValueError(f"demo edit: unknown operation {operation!r}")
    return out


# --- what to create ------------------------------------------------------------------------

@dataclass(frozen=True)
class VersionPlan:
    """One version: its edits of the previous version, and when it took (or takes) effect.

    `effective` None leaves a draft; `withdrawn` withdraws that draft. `acknowledged` lists
    (username, days after the start) of those who read it while it was in force.
    """

    edits: Sequence[tuple]
    summary: str
    effective: datetime | None = None
    acknowledged: Sequence[tuple[str, int]] = ()
    withdrawn: bool = False


@dataclass(frozen=True)
class DocumentPlan:
    """One demo document: its metadata, its first version's source and its versions."""

    code: str
    title: str
    category: str
    owner: str  # username
    source: str
    versions: Sequence[VersionPlan]
    owning_team: str | None = None
    audience_roles: tuple[str, ...] = ()
    audience_teams: tuple[str, ...] = ()
    review_cycle_months: int = 12
    regulatory_refs: str = ""
    tags: str = ""
    actor: str = "compliance"
    retired: bool = False
    reviewed_days_ago: int | None = None


def _day(year: int, month: int, day: int) -> datetime:
    # Midnight in Vietnam, as `documents publish --effective YYYY-MM-DD` records a date.
    return datetime(year, month, day, tzinfo=DEPARTMENT_ZONE)


def _months_ago(now: datetime, months: int) -> datetime:
    """Return the first day of the month `months` before now's month."""
    index = now.year * 12 + now.month - 1 - months
    return _day(index // 12, index % 12 + 1, 1)


def _next_new_year(now: datetime) -> datetime:
    """Return the next 1 January at least two weeks away (a date a version can wait for)."""
    start = _day(now.year + 1, 1, 1)
    return start if start - now >= timedelta(days=14) else _day(now.year + 2, 1, 1)


def document_plans(now: datetime) -> list[DocumentPlan]:
    """Return the demo documents; dates that must stay recent or future follow `now`."""
    from portal.demo_texts import consumer_policy as pol
    from portal.demo_texts import procedures as prc
    from portal.demo_texts import restructuring as rst
    from portal.demo_texts import scenario_and_form as scn

    first = "Ban hành lần đầu."
    return [
        DocumentPlan(
            "COL-POL-001", "Chính sách thu hồi nợ khách hàng cá nhân", "policy", "compliance",
            pol.V1, owning_team="Recovery & Legal", audience_roles=("collector", "team_lead"),
            review_cycle_months=12, tags="thu hồi nợ, liên hệ khách hàng, tuân thủ",
            regulatory_refs="Thông tư 43/2016/TT-NHNN; Thông tư 18/2019/TT-NHNN; Luật Các tổ "
                            "chức tín dụng 2024; Luật Bảo vệ dữ liệu cá nhân 2025",
            versions=[
                VersionPlan((), first, _day(2024, 3, 1), [("lead", 1), ("collector1", 3),
                                                          ("collector2", 5), ("lead2", 8)]),
                VersionPlan(pol.V2_EDITS, pol.V2_SUMMARY, _day(2025, 1, 15),
                            [("lead", 1), ("collector1", 2), ("collector2", 6)]),
                VersionPlan(pol.V3_EDITS, pol.V3_SUMMARY, _day(2026, 7, 1),
                            [("lead", 2), ("col21", 3), ("collector1", 4), ("col31", 5),
                             ("lead2", 9), ("col22", 12)]),
                VersionPlan(pol.V4_EDITS, pol.V4_SUMMARY),
            ]),
        DocumentPlan(
            "COL-PRC-002", "Quy trình liên hệ và nhắc nợ khách hàng qua điện thoại",
            "procedure", "lead", prc.CONTACT_V1, owning_team="Hà Nội Early Bucket",
            audience_roles=("collector",), review_cycle_months=12,
            tags="gọi điện, xác minh danh tính, mã kết quả", reviewed_days_ago=20,
            regulatory_refs="Thông tư 18/2019/TT-NHNN",
            versions=[
                VersionPlan((), first, _day(2025, 10, 15), [("collector1", 2), ("col31", 4)]),
                VersionPlan(prc.CONTACT_V2_EDITS, prc.CONTACT_V2_SUMMARY, _next_new_year(now)),
            ]),
        DocumentPlan(
            "COL-SCN-003", "Collection scenario: early delinquency (1-30 days past due)",
            "collection_scenario", "lead3", scn.EARLY_V1, owning_team="HCMC Early Bucket",
            audience_teams=("Hà Nội Early Bucket", "HCMC Early Bucket"), review_cycle_months=6,
            tags="early bucket, call script, English",
            versions=[
                VersionPlan((), "First issue.", _day(2025, 11, 3),
                            [("collector2", 3), ("collector1", 5)]),
                VersionPlan(scn.EARLY_V2_EDITS, scn.EARLY_V2_SUMMARY, _day(2026, 9, 1),
                            [("collector2", 2), ("lead3", 4)]),
            ]),
        DocumentPlan(
            "COL-WI-004", "Hướng dẫn ghi nhận cam kết trả nợ (PTP)", "work_instruction",
            "lead", prc.PTP_V1, owning_team="Hà Nội Early Bucket",
            audience_roles=("collector", "team_lead"), review_cycle_months=12,
            tags="cam kết trả nợ, PTP, hệ thống",
            versions=[VersionPlan((), first, _months_ago(now, 14),
                                  [("collector1", 3), ("col21", 6)])]),
        DocumentPlan(
            "COL-FRM-005", "Tờ khai hoàn cảnh khó khăn tài chính / Financial hardship declaration",
            "form", "compliance", scn.HARDSHIP_V1, owning_team="Recovery & Legal",
            audience_roles=("collector", "team_lead", "risk_officer"), review_cycle_months=24,
            tags="biểu mẫu, khó khăn tài chính, hardship, cơ cấu nợ", reviewed_days_ago=45,
            versions=[VersionPlan((), first, _day(2025, 2, 3), [("risk", 1), ("collector1", 10)])]),
        DocumentPlan(
            "COL-POL-006", "Chính sách làm việc trực tiếp tại địa chỉ khách hàng", "policy",
            "lead2", rst.FIELD_V1, owning_team="Hà Nội Late Bucket", actor="admin",
            audience_teams=("Hà Nội Late Bucket", "HCMC Late Bucket", "Recovery & Legal"),
            review_cycle_months=12, retired=True, tags="làm việc trực tiếp, field visit",
            regulatory_refs="Thông tư 43/2016/TT-NHNN",
            versions=[
                VersionPlan((), first, _day(2023, 4, 3), [("lead2", 2)]),
                VersionPlan(rst.FIELD_V2_EDITS, rst.FIELD_V2_SUMMARY, _day(2024, 8, 1),
                            [("lead2", 3), ("col21", 5)]),
            ]),
        DocumentPlan(
            "COL-POL-007", "Risk mitigation and restructuring policy", "policy", "compliance",
            rst.RESTRUCTURING_V1, owning_team="Recovery & Legal",
            audience_roles=("risk_officer", "team_lead"), review_cycle_months=12,
            tags="restructuring, hardship, risk, English",
            regulatory_refs="Law on Credit Institutions 2024; Circular 31/2024/TT-NHNN",
            versions=[
                VersionPlan((), "First issue.", _day(2025, 3, 3), [("risk", 2)]),
                VersionPlan(rst.RESTRUCTURING_V2_EDITS, rst.RESTRUCTURING_V2_SUMMARY,
                            _day(2026, 5, 4), [("risk", 1), ("lead", 6)]),
                VersionPlan(rst.RESTRUCTURING_V3_EDITS, rst.RESTRUCTURING_V3_SUMMARY,
                            withdrawn=True),
            ]),
        DocumentPlan(
            "COL-PRC-008", "Quy trình tiếp nhận và giải quyết khiếu nại về thu hồi nợ",
            "procedure", "compliance", prc.COMPLAINTS_V1, owning_team="Recovery & Legal",
            review_cycle_months=12, tags="khiếu nại, kiểm soát chất lượng",
            versions=[VersionPlan((), "Dự thảo lần 1 để lấy ý kiến các trưởng nhóm.")]),
    ]


# --- seeding -------------------------------------------------------------------------------

def _people(staff: dict) -> dict[str, User]:
    people = dict(staff["demo"])
    for team in staff["teams"]:
        people[team.lead.username] = team.lead
        for user in staff["collectors"][team.id]:
            people[user.username] = user
    return people


def _fields(plan: DocumentPlan, people: dict[str, User], teams: dict[str, Team]
            ) -> repository.DocumentFields:
    return repository.DocumentFields(
        code=plan.code, title=plan.title, category=plan.category, owner=people[plan.owner],
        owning_team=teams[plan.owning_team] if plan.owning_team else None,
        audience_roles=plan.audience_roles,
        audience_teams=tuple(teams[name] for name in plan.audience_teams),
        review_cycle_months=plan.review_cycle_months, regulatory_refs=plan.regulatory_refs,
        tags=plan.tags)


def _acknowledge(session: Session, version, people: dict[str, User],
                 readers: Sequence[tuple[str, int]]) -> None:
    """Record who read a version while it was in force, on the day they read it."""
    for username, days in readers:
        ack = acknowledgements.acknowledge(session, people[username], version)
        # The row is new and acknowledgements are only protected from deletion, so dating it
        # back to when the reader confirmed is a plain field update.
        ack.acknowledged_at = aware(version.effective_from) + timedelta(days=days, hours=9)
    session.flush()


def _seed_document(session: Session, plan: DocumentPlan, people: dict[str, User],
                   teams: dict[str, Team], now: datetime) -> PolicyDocument:
    actor = people[plan.actor]
    document = repository.create_document(session, actor, _fields(plan, people, teams))
    lines = logical_lines(plan.source)
    for step in plan.versions:
        lines = revise(lines, step.edits)
        version = repository.add_version(session, actor, document, parse_blocks(lines),
                                         step.summary)
        if step.withdrawn:
            repository.withdraw(session, actor, version)
        elif step.effective is not None:
            repository.publish(session, actor, version, step.effective,
                               backdate=step.effective < utcnow())
            _acknowledge(session, version, people, step.acknowledged)
    if plan.reviewed_days_ago is not None:
        repository.mark_reviewed(session, actor, document,
                                 (now - timedelta(days=plan.reviewed_days_ago)).date())
    if plan.retired:
        repository.retire(session, actor, document)
    return document


def seed_documents(session: Session, staff: dict, now: datetime | None = None) -> int:
    """Create the demo policy documents not there yet; return how many were created.

    `staff` is what portal.demo.seed_staff returns. A document whose code exists is left as
    it is, so a second run writes nothing (and no audit entries).
    """
    now = now or utcnow()
    existing = set(session.scalars(select(PolicyDocument.code)))
    plans = [p for p in document_plans(now) if p.code not in existing]
    people = _people(staff)
    teams = {team.name: team for team in staff["teams"]}
    for plan in plans:
        _seed_document(session, plan, people, teams, now)
    return len(plans)
