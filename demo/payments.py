"""Demo money for the demo area, 2019/20 to 2024/25: what no published file gives, synthesised
from one seeded generator and labelled so, then payments made through the real actions.

- Weighted and Adjusted Populations for each practice at each 1 January (the national files
  carry neither): the registered list times a practice factor (0.85-1.20 weighted, 0.95-1.05
  adjusted), as a commissioner would take them from NHS England's PCN funding calculator.
- Care home beds for each network from August 2020; IIF points for 2020/21 and 2021/22; the
  assessed share of the Capacity and Access Improvement Payment for 2023/24 and 2024/25.
- A practice moving between two networks of one CCG on 1 October 2022, through an approved
  change request: each network is paid for it by month (payments.inputs).
- Every month from April 2019 to August 2024 marked paid as calculated in its month, so the
  September 2024 revision, backdated to April, gives arrears lines in September 2024.
- ARRS staff for two networks from April 2023, claimed monthly to August 2024: one within its
  ARR Sum, one that has taken on more staff than the Sum will pay for.
- The CCG's 2019/20 resilience fund (seed 000): expressions of interest, a panel, MOUs,
  transfers and spend, 75% by 31 December missed; and a £1.50-a-head development fund.
- A payment statement for one network's payee for April to June 2024, as the payment system
  would give it, short by £25.00 on May's care home premium: one variance to reconcile.
"""

import random
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import transaction

from organisations.models import Measure, Organisation, OrgKind, PopulationFigure, RelType
from organisations.population import populations, practice_populations
from organisations.queries import members, parent
from payments.models import Achievement, CareHomeBeds, PaidLine, PaidMonth
from payments.rates import ENTITLEMENTS
from payments.reconcile import load_statement
from payments.schedule import mark_paid_through
from registrations.changes import decide_change, request_change
from registrations.models import ChangeKind

JANUARIES = [date(year, 1, 1) for year in range(2019, 2025)]
BEDS_FROM, BEDS_TO = date(2020, 8, 1), date(2025, 3, 1)
MOVE_ON = date(2022, 10, 1)
PAID_THROUGH, PAID_KNOWN_ON = date(2024, 8, 1), date(2024, 8, 15)
SYNTHETIC = "synthetic demo figure"


def _populations(rng: random.Random) -> None:
    practices = list(Organisation.objects.filter(kind=OrgKind.PRACTICE).order_by("code"))
    factors = {p.pk: (rng.uniform(0.85, 1.20), rng.uniform(0.95, 1.05)) for p in practices}
    rows = []
    for january in JANUARIES:
        lists = practice_populations(factors, january, purpose="on_the_day")
        for practice_id, figure in lists.items():
            if figure.value is None:
                continue
            patients = figure.patients
            weighted, adjusted = factors[practice_id]
            for measure, factor in ((Measure.WEIGHTED, weighted), (Measure.ADJUSTED, adjusted)):
                rows.append(
                    PopulationFigure(
                        organisation_id=practice_id,
                        as_at=january,
                        measure=measure,
                        value=Decimal(patients * factor).quantize(Decimal("0.01")),
                        synthetic=True,
                    )
                )
    # Flagged synthetic, so every payment line on them says so (the population rule's warnings).
    PopulationFigure.objects.bulk_create(rows)


def _entered(pcns: list[Organisation], rng: random.Random) -> None:
    beds, achievements = [], []
    for pcn in pcns:
        homes = rng.randrange(0, 6)
        for year in range(BEDS_FROM.year, BEDS_TO.year + 1):
            for month in range(1, 13):
                first = date(year, month, 1)
                if BEDS_FROM <= first <= BEDS_TO and homes:
                    beds.append(
                        CareHomeBeds(
                            pcn=pcn,
                            month=first,
                            beds=homes * 24 + rng.randrange(-4, 5),
                            source=SYNTHETIC,
                        )
                    )
        for year, points in (("2020/21", (90, 194)), ("2021/22", (110, 225))):
            achievements.append(
                Achievement(pcn=pcn, year=year, iif_points=Decimal(rng.randrange(*points)))
            )
        for year in ("2023/24", "2024/25"):
            share = Decimal(rng.choice((50, 75, 100))) / 100
            achievements.append(Achievement(pcn=pcn, year=year, improvement_share=share))
    CareHomeBeds.objects.bulk_create(beds)
    Achievement.objects.bulk_create(achievements)


def _move(commissioner_user) -> None:
    """The smallest practice of the CCG's largest network joins its smallest network of more
    than one practice; the largest stays above 30,000 patients."""
    ccg = commissioner_user.role_assignments.get().organisation
    pcns = [
        link.child
        for link in ccg.child_links.filter(rel_type=RelType.PCN_COMMISSIONER).select_related(
            "child"
        )
    ]
    january = date(2019, 1, 1)
    sizes = populations(pcns, january, purpose="des_registration", members_on=MOVE_ON)
    shared = [pcn for pcn in pcns if members(pcn, MOVE_ON).count() > 1]
    by_size = sorted(shared, key=lambda pcn: sizes[pcn.pk].patients or 0)
    smallest, largest = by_size[0], by_size[-1]
    practice_sizes = practice_populations(
        members(largest, MOVE_ON).values_list("pk", flat=True), january, purpose="des_registration"
    )
    practice = Organisation.objects.get(
        pk=min(practice_sizes, key=lambda pk: practice_sizes[pk].patients or 0)
    )
    change = request_change(
        by=commissioner_user,
        kind=ChangeKind.MOVE,
        pcn=largest,
        target_pcn=smallest,
        practice=practice,
        effective_date=MOVE_ON,
        reason="The practice's patients live mostly in the smaller network's town",
    )
    decide_change(
        change=change,
        by=commissioner_user,
        approve=True,
        committee="Primary Care Commissioning Committee",
        decision_date=date(2022, 8, 18),
    )
    assert parent(practice, MOVE_ON, RelType.PRACTICE_PCN) == smallest


@transaction.atomic
def seed(*, commissioner_user, finance_user, seed: int = 2019) -> int:
    """Returns how many network-months were marked paid (none when already seeded)."""
    if PaidMonth.objects.exists():
        return 0
    rng = random.Random(seed)
    pcns = list(Organisation.objects.filter(kind=OrgKind.PCN).order_by("code"))
    _populations(rng)
    _entered(pcns, rng)
    _move(commissioner_user)
    ccg = finance_user.role_assignments.get().organisation
    own = [pcn for pcn in pcns if parent(pcn, MOVE_ON, RelType.PCN_COMMISSIONER) == ccg]
    _arrs(own[:2], finance_user)
    paid = mark_paid_through(
        pcns=own, through=PAID_THROUGH, known_on=PAID_KNOWN_ON, by=finance_user
    )
    # The statement is for a network that was paid then (one not approved was paid nothing).
    statement_pcn = next(
        (
            pcn
            for pcn in own
            if PaidLine.objects.filter(
                paid_month__pcn=pcn, paid_month__month=date(2024, 4, 1), paid_to="network"
            ).exists()
        ),
        None,
    )
    if statement_pcn is None:
        raise RuntimeError("the demo paid none of its networks in April 2024: check its seed")
    _statement(statement_pcn, finance_user)
    _funds(commissioner_user)
    return paid


def _funds(commissioner_user) -> None:
    from payments.funds import advance, create_fund, record_eoi, record_spend
    from payments.models import AwardStage

    ccg = commissioner_user.role_assignments.get().organisation
    resilience = create_fund(
        commissioner=ccg,
        name="Practice resilience 2019/20",
        kind="resilience",
        year="2019/20",
        by=commissioner_user,
        allocation=Decimal("120000.00"),
        source="NHS England sustainability and resilience allocation (seed 000)",
    )
    create_fund(
        commissioner=ccg,
        name="PCN development 2019/20",
        kind="development",
        year="2019/20",
        by=commissioner_user,
        per_head=Decimal("1.50"),
    )
    practices = list(
        Organisation.objects.filter(parent_links__parent=ccg, kind=OrgKind.PRACTICE)
        .order_by("code")
        .distinct()[:4]
    )
    plans = (
        (
            "Telephony and online consultation",
            "35000",
            (date(2019, 11, 1), "20000"),
            (date(2020, 2, 1), "15000"),
        ),
        (
            "Locum cover while recruiting",
            "30000",
            (date(2019, 12, 1), "10000"),
            (date(2020, 3, 1), "20000"),
        ),
        ("Premises: second consulting room", "40000", (date(2020, 3, 1), "25000")),
    )
    for practice, (purpose, amount, *spend) in zip(practices, plans, strict=False):
        award = record_eoi(
            fund=resilience,
            recipient=practice,
            purpose=purpose,
            amount=Decimal(amount),
            eoi_on=date(2019, 7, 31),
            by=commissioner_user,
        )
        for stage, day in (
            (AwardStage.APPROVED, date(2019, 8, 20)),
            (AwardStage.MOU, date(2019, 9, 10)),
            (AwardStage.TRANSFERRED, date(2019, 9, 30)),
        ):
            advance(award=award, to=stage, on=day, by=commissioner_user)
        for month, spent in spend:
            record_spend(award=award, month=month, amount=Decimal(spent), by=commissioner_user)
    record_eoi(
        fund=resilience,
        recipient=practices[3],
        purpose="Practice manager development",
        amount=Decimal("8000"),
        eoi_on=date(2019, 8, 15),
        by=commissioner_user,
    )


ARRS_TEAMS = (
    # (reference, role, WTE, salary): a modest team, and one too large for its ARR Sum.
    (
        ("CP-01", "clinical_pharmacist", "1.0", 47_000),
        ("SPLW-01", "social_prescribing_link_worker", "1.0", 27_000),
    ),
    tuple(
        (f"{prefix}-{i:02d}", role, "1.0", salary)
        for i in range(1, 9)
        for prefix, role, salary in (
            ("CP", "clinical_pharmacist", 52_000),
            ("FCP", "first_contact_physiotherapist", 50_000),
            ("CC", "care_coordinator", 25_000),
        )
    ),
)


def _arrs(pcns: list[Organisation], finance_user) -> None:
    """Staff from April 2023 with employer on-costs, and a claim for each month they worked."""
    from payments.entries import add_staff, make_claim
    from pcnhub.nhs_calendar import months

    for pcn, team in zip(pcns, ARRS_TEAMS, strict=False):
        employer = members(pcn, date(2023, 4, 1)).order_by("code").first()
        for ref, role, wte, salary in team:
            member = add_staff(
                pcn=pcn,
                by=finance_user,
                ref=ref,
                role=role,
                wte=Decimal(wte),
                start=date(2023, 4, 1),
                end=None,
                annual_salary=Decimal(salary),
                annual_ni=Decimal(round(salary * 0.11)),
                annual_pension=Decimal(round(salary * 0.1438)),
                employer=employer.name if employer else pcn.name,
            )
            for month in months(date(2023, 4, 1), PAID_THROUGH):
                # The second team is meant to claim more than its ARR Sum (see ARRS_TEAMS).
                make_claim(member=member, month=month, by=finance_user, over_budget_confirmed=True)


def _statement(pcn: Organisation, finance_user) -> None:
    """Rows as paid for April-June 2024, one of them short, loaded as a statement file."""
    lines = PaidLine.objects.filter(
        paid_month__pcn=pcn, paid_month__month__range=(date(2024, 4, 1), date(2024, 6, 1))
    ).order_by("paid_month__month", "payee_code", "entitlement")
    rows = ["Payee ODS code,Month,Entitlement,Amount"]
    for line in lines:
        amount = line.amount
        if line.entitlement == "care_home_premium" and line.month == date(2024, 5, 1):
            amount -= Decimal("25.00")
        label = ENTITLEMENTS[line.entitlement]
        rows.append(f"{line.payee_code},{line.paid_month.month:%Y-%m},{label},{amount}")
    path = settings.VAR_DIR / "demo" / f"payment-statement-{pcn.code}-2024-q1.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\r\n".join(rows) + "\r\n", encoding="utf-8")
    load_statement(
        path=path, by=finance_user, first_month=date(2019, 4, 1), last_month=date(2025, 3, 1)
    )
