"""Debtor accounts: balances, delinquency bucket and the Vietnamese debt group."""

from decimal import Decimal
from enum import IntEnum, StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from models import validation as rules
from models.base import Base, Timestamped, Versioned
from models.errors import N_
from models.team import Team
from models.user import User

MONEY = Numeric(18, 2)
MONEY_LABELS = {"outstanding_principal": N_("Outstanding principal"),
                "overdue_interest": N_("Overdue interest"), "fees": N_("Fees")}


class Product(StrEnum):
    """Credit products the department collects on."""

    CREDIT_CARD = "credit_card"
    PERSONAL_LOAN = "personal_loan"
    AUTO_LOAN = "auto_loan"
    MORTGAGE = "mortgage"
    CONSUMER_DURABLE = "consumer_durable"
    OVERDRAFT = "overdraft"


class AccountStatus(StrEnum):
    """Where the account stands in the collection process."""

    ACTIVE = "active"
    RESTRUCTURED = "restructured"
    LEGAL = "legal"
    WRITTEN_OFF = "written_off"
    CLOSED = "closed"


class Bucket(StrEnum):
    """Delinquency bucket by days past due."""

    CURRENT = "current"
    B1 = "1-30"
    B2 = "31-60"
    B3 = "61-90"
    B4 = "91-180"
    B5 = "181-360"
    B6 = "360+"


class DebtGroup(IntEnum):
    """Debt classification groups 1-5 of the State Bank of Vietnam by days past due."""

    STANDARD = 1
    SPECIAL_MENTION = 2
    SUBSTANDARD = 3
    DOUBTFUL = 4
    LOSS = 5


_BUCKET_LIMITS = [(0, Bucket.CURRENT), (30, Bucket.B1), (60, Bucket.B2), (90, Bucket.B3),
                  (180, Bucket.B4), (360, Bucket.B5)]
# Circular 11/2021/TT-NHNN, article 10: <10 days group 1, 10-90 group 2, 91-180 group 3,
# 181-360 group 4, over 360 group 5.
_GROUP_LIMITS = [(9, DebtGroup.STANDARD), (90, DebtGroup.SPECIAL_MENTION),
                 (180, DebtGroup.SUBSTANDARD), (360, DebtGroup.DOUBTFUL)]


def bucket_for(days_past_due: int) -> Bucket:
    """Return the delinquency bucket for a number of days past due."""
    for limit, bucket in _BUCKET_LIMITS:
        if days_past_due <= limit:
            return bucket
    return Bucket.B6


def debt_group_for(days_past_due: int) -> DebtGroup:
    """Return the SBV debt group (1-5) for a number of days past due."""
    for limit, group in _GROUP_LIMITS:
        if days_past_due <= limit:
            return group
    return DebtGroup.LOSS


class DebtorAccount(Timestamped, Versioned, Base):
    """One credit account in collection."""

    __tablename__ = "debtor_accounts"
    __table_args__ = (
        CheckConstraint("days_past_due >= 0", name="dpd_not_negative"),
        CheckConstraint("outstanding_principal >= 0", name="principal_not_negative"),
        CheckConstraint("debt_group BETWEEN 1 AND 5", name="debt_group_range"),
        # Composite indexes serve the common "my team's accounts, most overdue first" lists.
        Index("ix_debtor_accounts_team_dpd", "team_id", "days_past_due", "id"),
        Index("ix_debtor_accounts_collector_dpd", "collector_id", "days_past_due", "id"),
        Index("ix_debtor_accounts_dpd_id", "days_past_due", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_number: Mapped[str] = mapped_column(String(32), unique=True)
    customer_name: Mapped[str] = mapped_column(String(200), index=True)
    national_id: Mapped[str] = mapped_column(String(20), index=True)
    phone_primary: Mapped[str] = mapped_column(String(20), default="")
    phone_secondary: Mapped[str] = mapped_column(String(20), default="")
    product: Mapped[str] = mapped_column(String(32), index=True)
    outstanding_principal: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    overdue_interest: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    fees: Mapped[Decimal] = mapped_column(MONEY, default=Decimal(0))
    days_past_due: Mapped[int] = mapped_column(Integer, default=0)
    bucket: Mapped[str] = mapped_column(String(16), index=True, default=Bucket.CURRENT)
    debt_group: Mapped[int] = mapped_column(Integer, index=True, default=1)
    region: Mapped[str] = mapped_column(String(80), index=True)
    status: Mapped[str] = mapped_column(String(20), index=True, default=AccountStatus.ACTIVE)
    do_not_contact: Mapped[bool] = mapped_column(Boolean, default=False)
    dispute: Mapped[bool] = mapped_column(Boolean, default=False)
    deceased: Mapped[bool] = mapped_column(Boolean, default=False)
    fraud_suspect: Mapped[bool] = mapped_column(Boolean, default=False)
    # Cache of the active Assignment, written only by models.assignment.assign().
    collector_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"))

    collector: Mapped[User | None] = relationship(foreign_keys=[collector_id])
    team: Mapped[Team | None] = relationship(foreign_keys=[team_id])

    @validates("days_past_due")
    def _derive_delinquency(self, _key: str, value: int) -> int:
        """Keep bucket and debt group in step with days past due."""
        value = rules.whole_number(N_("Days past due"), value if value is not None else 0)
        self.bucket = bucket_for(value).value
        self.debt_group = int(debt_group_for(value))
        return value

    @validates("account_number")
    def _check_number(self, _key: str, value: str) -> str:
        return rules.account_number(value).upper()

    @validates("customer_name")
    def _check_name(self, _key: str, value: str) -> str:
        return rules.plain_text(N_("Customer name"), value, 200)

    @validates("region")
    def _check_region(self, _key: str, value: str) -> str:
        return rules.plain_text(N_("Region"), value, 80)

    @validates("national_id")
    def _check_national_id(self, _key: str, value: str) -> str:
        return rules.national_id(value)

    @validates("phone_primary", "phone_secondary")
    def _check_phone(self, key: str, value: str) -> str:
        label = N_("Primary phone") if key == "phone_primary" else N_("Secondary phone")
        return rules.phone(label, value)

    @validates("outstanding_principal", "overdue_interest", "fees")
    def _check_money(self, key: str, value) -> Decimal:
        return rules.money(MONEY_LABELS[key], value)

    @validates("product")
    def _check_product(self, _key: str, value: str) -> str:
        return rules.choice(N_("Product"), value, [p.value for p in Product])

    @validates("status")
    def _check_status(self, _key: str, value: str) -> str:
        return rules.choice(N_("Status"), value, [s.value for s in AccountStatus])

    @property
    def total_due(self) -> Decimal:
        """Principal plus overdue interest plus fees."""
        return (self.outstanding_principal or 0) + (self.overdue_interest or 0) + (self.fees or 0)

    def __str__(self) -> str:
        return f"{self.account_number} - {self.customer_name}"
