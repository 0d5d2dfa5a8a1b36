"""Render a large plan's pages: a programme of 500 deliverables, 5,000 key actions and 20,000
milestones over the real December 2019 networks.

In a fresh throwaway database (SQLite, then PostgreSQL from BENCH_POSTGRES_URL, default
postgres://postgres@127.0.0.1:5432/postgres) it imports the ODS ePCN file of December 2019,
then writes (in bulk: this is the bench's set-up, not the product's write path) a programme
over every commissioner with one deliverable for each of the first 500 networks, ten key
actions each with owners among 60 contacts and 20 people, four milestones per action spread
over the quarters, halves, months and days of 2019/20 to 2023/24 (a third done, some late),
a status report on every fifth action and a dependency on every seventh, and measures
through the test client as a superuser, best of 5 (wall time and queries):

1. the timeline page (target < 500 ms) and one deliverable's actions opened on it;
2. the dashboard (target < 500 ms) and a drill-down page of off-track actions;
3. the quarter grid (25 deliverables a page; no target);
4. the board highlight report as PDF through its page (target < 5 s), and the plan as an
   Excel workbook (no target);
5. the whole plan read (delivery.plan.load), for the floor under the pages.

    .venv/bin/python bench/delivery.py [--data DIR] [--only sqlite|postgresql]

A missed target prints a cProfile summary (top 10 cumulative functions).
"""

import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402 - bench/ is this script's own folder

FILES = ["ods-epcn-2019-12/ePCN.xlsx"]
DELIVERABLES, ACTIONS_EACH, MILESTONES_EACH = 500, 10, 4
PAGE_TARGET, REPORT_TARGET = 0.5, 5.0
TODAY = date(2021, 11, 15)  # inside the plan, so some milestones are late and some to come


def build(by):
    """The programme, written in bulk with history rows left out (set-up, not product)."""
    from django.utils import timezone

    from delivery.models import Action, Contact, Deliverable, Milestone, Programme, StatusUpdate
    from organisations.models import Organisation, OrgKind
    from pcnhub.nhs_calendar import half, month_period, quarter

    rng = random.Random(2019)
    commissioners = list(Organisation.objects.filter(kind=OrgKind.COMMISSIONER))
    pcns = list(Organisation.objects.filter(kind=OrgKind.PCN).order_by("code")[:DELIVERABLES])
    programme = Programme.objects.create(
        name="National PCN development programme",
        start=date(2019, 4, 1),
        end=date(2024, 3, 31),
    )
    programme.organisations.set(commissioners)
    contacts = Contact.objects.bulk_create(Contact(name=f"Lead {i:02d}") for i in range(60))
    from django.contrib.auth import get_user_model

    people = get_user_model().objects.bulk_create(
        get_user_model()(username=f"owner{i:02d}", first_name="Owner", last_name=f"{i:02d}")
        for i in range(20)
    )
    deliverables = Deliverable.objects.bulk_create(
        Deliverable(
            programme=programme,
            kind="local" if i % 5 else "national",
            reference=f"{'Local' if i % 5 else 'National'} {i + 1}",
            title=f"Network development: {pcn.name}",
        )
        for i, pcn in enumerate(pcns)
    )
    actions = Action.objects.bulk_create(
        Action(deliverable=d, title=f"Key action {j + 1} of {d.reference}")
        for d in deliverables
        for j in range(ACTIONS_EACH)
    )
    years = ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"]
    milestones = []
    for action in actions:
        for _ in range(MILESTONES_EACH):
            year = rng.choice(years)
            shape = rng.random()
            if shape < 0.5:
                period = quarter(year, rng.randint(1, 4))
            elif shape < 0.7:
                period = half(year, rng.randint(1, 2))
            else:
                start, _ = (date(int(year[:4]), 4, 1), None)
                period = month_period(start + timedelta(days=rng.randint(0, 360)))
            done = period.end < TODAY and rng.random() < 0.6
            milestones.append(
                Milestone(
                    action=action,
                    period=period.label,
                    start=period.start,
                    end=period.end,
                    done_on=period.end - timedelta(days=3) if done else None,
                )
            )
    Milestone.objects.bulk_create(milestones, batch_size=2000)
    owners = Action.owners.through
    contacts_through = Action.contacts.through
    owners.objects.bulk_create(
        owners(action_id=a.pk, user_id=rng.choice(people).pk) for a in actions[::2]
    )
    contacts_through.objects.bulk_create(
        contacts_through(action_id=a.pk, contact_id=rng.choice(contacts).pk) for a in actions
    )
    depends = Action.depends_on.through
    depends.objects.bulk_create(
        depends(from_action_id=a.pk, to_action_id=actions[i - 1].pk)
        for i, a in enumerate(actions)
        if i % 7 == 1
    )
    now = timezone.make_aware(datetime(2021, 11, 1, 9))
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            action=a,
            status=rng.choice(["on_track", "at_risk", "off_track"]),
            derived="on_track",
            commentary="Reported at the monthly programme board",
            decision_needed="Agree the recovery plan" if i % 25 == 0 else "",
            by=by,
            at=now,
        )
        for i, a in enumerate(actions[::5])
    )
    return programme, deliverables


def measure(data: Path) -> None:
    throwaway.import_into_fresh_database(data, FILES)
    from unittest import mock

    from django.contrib.auth import get_user_model
    from django.test import Client

    from delivery import plan as plan_module
    from delivery.models import Milestone

    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x" * 16)
    programme, deliverables = build(user)
    print(
        f"plan: {programme.deliverables.count():,} deliverables, "
        f"{sum(1 for _ in programme.deliverables.values('actions')):,} actions, "
        f"{Milestone.objects.filter(action__deliverable__programme=programme).count():,} "
        f"milestones; today taken as {TODAY}"
    )
    client = Client()
    client.force_login(user)
    pk = programme.pk
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        pages = [
            ("1. timeline", f"/plans/{pk}/timeline/", PAGE_TARGET),
            ("   a deliverable's actions", f"/plans/{pk}/timeline/{deliverables[0].pk}/", None),
            ("2. dashboard", f"/plans/{pk}/dashboard/", PAGE_TARGET),
            ("   off-track drill-down", f"/plans/{pk}/actions/?status=off_track", None),
            ("3. quarter grid (no target)", f"/plans/{pk}/", None),
            ("4. board report PDF", f"/plans/{pk}/report.pdf", REPORT_TARGET),
            ("   plan as Excel (no target)", f"/plans/{pk}/plan.xlsx", None),
        ]
        for label, url, target in pages:
            time_page(client, url, label, target)
        wall, queries, found = throwaway.best_of(5, lambda: plan_module.load(programme, TODAY))
        counts = ", ".join(f"{k} {v:,}" for k, v in found.counts().items())
        print(f"5. the plan read whole: {wall * 1000:.0f} ms, {queries} queries ({counts})")


def time_page(client, url: str, label: str, target: float | None) -> None:
    def get():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        return response

    wall, queries, response = throwaway.best_of(5, get)
    size = len(response.content) / 1024
    missed = target is not None and wall >= target
    verdict = f"  MISSED (target < {target * 1000:.0f} ms)" if missed else ""
    print(f"{label}: {wall * 1000:.0f} ms, {queries} queries, {size:,.0f} KB{verdict}")
    if missed or "PROFILE" in __import__("os").environ:
        throwaway.profile(label.strip(), get)


if __name__ == "__main__":
    sys.exit(
        throwaway.main(
            __file__,
            __doc__.splitlines()[0],
            measure,
            throwaway.files_present(FILES),
            env={"ALLOWED_HOSTS": "testserver,127.0.0.1"},
        )
    )
