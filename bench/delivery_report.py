"""The board highlight report of a large programme: 500 deliverables, 5,000 key actions and
20,000 milestones.

In a fresh throwaway database (SQLite, then PostgreSQL) it synthesises the programme around
today (four years of quarters and halves, three in four past milestones done, a status
update on one action in five and a decision on one in fifty), then measures:

1. the report as PDF: the plan read whole, the report's content and its PDF drawn (best of 3
   wall time, queries, pages and size);
2. the same through the PDF page, signed in as a superuser (best of 3, queries);
3. the plan as an Excel workbook (best of 3).

    .venv/bin/python bench/delivery_report.py [--only sqlite|postgresql]

Target on the 2-core reference machine: the PDF board report < 5 s. A missed target prints a
cProfile summary (top 10 cumulative functions).
"""

import random
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402 - bench/ is this script's own folder

DELIVERABLES, ACTIONS_EACH, MILESTONES_EACH = 500, 10, 4
PDF_TARGET = 5.0
WORDS = ["recruit", "clinical", "pharmacists", "network", "hub", "access", "estates", "funding"]


def synthesise():
    """The programme, written in bulk: the bench measures reading it, not writing it."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from delivery.models import Action, Deliverable, Milestone, Programme, StatusUpdate
    from organisations.models import Organisation, OrgKind
    from pcnhub.nhs_calendar import half_of, periods, quarter_of

    rng = random.Random(5)
    today = timezone.localdate()
    ics = Organisation.objects.create(
        kind=OrgKind.ICS, code="QBN", name="Bench ICS", open_date=today, status="active"
    )
    owners = get_user_model().objects.bulk_create(
        get_user_model()(username=f"owner{i}", first_name="Owner", last_name=f"{i}")
        for i in range(60)
    )
    start = quarter_of(today - timedelta(days=730)).start
    end = half_of(today + timedelta(days=730)).end
    programme = Programme.objects.create(name="Bench programme", start=start, end=end)
    programme.organisations.add(ics)
    choices = periods(start, end, "quarter") + periods(start, end, "half")
    deliverables = Deliverable.objects.bulk_create(
        Deliverable(
            programme=programme,
            kind="national" if i < 50 else "local",
            reference=f"{'National' if i < 50 else 'Local'} {i + 1}",
            title=f"Deliverable {i + 1}: " + " ".join(rng.choices(WORDS, k=rng.randint(6, 24))),
        )
        for i in range(DELIVERABLES)
    )
    actions = Action.objects.bulk_create(
        Action(
            deliverable=deliverable,
            title=" ".join(rng.choices(WORDS, k=rng.randint(6, 30))).capitalize(),
        )
        for deliverable in deliverables
        for _ in range(ACTIONS_EACH)
    )
    Action.owners.through.objects.bulk_create(
        Action.owners.through(action_id=action.pk, user_id=owner.pk)
        for action in actions
        for owner in rng.sample(owners, rng.randint(1, 3))
    )
    Milestone.objects.bulk_create(
        Milestone(
            action=action,
            period=period.label,
            start=period.start,
            end=period.end,
            done_on=period.end if period.end < today and rng.random() < 0.75 else None,
        )
        for action in actions
        for period in rng.sample(choices, MILESTONES_EACH)
    )
    StatusUpdate.objects.bulk_create(
        StatusUpdate(
            action=action,
            status=rng.choice(["on_track", "at_risk", "off_track"]),
            derived="on_track",
            commentary=" ".join(rng.choices(WORDS, k=rng.randint(8, 60))).capitalize(),
            decision_needed="Agree " + " ".join(rng.choices(WORDS, k=8)) if n % 10 == 0 else "",
            by=owners[n % len(owners)],
        )
        for n, action in enumerate(rng.sample(actions, len(actions) // 5))
    )
    return programme


def measure(_data: Path) -> None:
    throwaway.import_into_fresh_database(_data, [])
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from delivery.exports import plan_xlsx
    from delivery.plan import load
    from delivery.report import board_report, default_quarter, report_pdf, signature_line
    from tests.pdfs import page_count

    t0 = time.perf_counter()
    programme = synthesise()
    print(f"  synthesised in {time.perf_counter() - t0:.1f} s")
    today = timezone.localdate()

    def pdf():
        content = board_report(load(programme, today), default_quarter(programme, today))
        return content, report_pdf(content, signature_line(None, content["as_at"]))

    wall, queries, (content, document) = throwaway.best_of(3, pdf)
    late = "" if wall < PDF_TARGET else "  MISSED"
    exceptions = sum(len(group["actions"]) for group in content["exceptions"])
    print(
        f"1. board report PDF: best of 3 {wall:.2f} s, {queries} queries, "
        f"{page_count(document)} pages, {len(document) // 1024} KB; {exceptions} exceptions, "
        f"{len(content['decisions'])} decisions, {content['next_milestones_total']} milestones "
        f"next quarter, {content['overdue_total']} overdue{late}"
    )
    if late:
        throwaway.profile("the board report PDF", pdf)
    user = get_user_model().objects.create_superuser("bench", "bench@example.org", "x" * 16)
    client = Client()
    client.force_login(user)
    url = f"/plans/{programme.pk}/report.pdf"

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    wall, queries, _ = throwaway.best_of(3, get)
    late = "" if wall < PDF_TARGET else "  MISSED"
    print(f"2. {url}: best of 3 {wall:.2f} s, {queries} queries{late}")
    wall, queries, workbook = throwaway.best_of(3, lambda: plan_xlsx(load(programme, today)))
    print(
        f"3. plan as Excel: best of 3 {wall:.2f} s, {queries} queries, {len(workbook) // 1024} KB"
    )


if __name__ == "__main__":
    sys.exit(
        throwaway.main(
            __file__,
            __doc__.splitlines()[0],
            measure,
            lambda data: None,  # synthesised: no national files needed
            env={"ALLOWED_HOSTS": "testserver,127.0.0.1"},
        )
    )
