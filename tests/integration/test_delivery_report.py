"""The board highlight report: RAG summary, exceptions with the owner's comment, decisions
needed, next-period and overdue milestones; its PDF; signing freezes it against later edits;
two signed reports compare; and the pages, in scope and in a bounded number of queries."""

import json
from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from delivery import actions
from delivery.models import Contact, Snapshot, StatusUpdate
from delivery.plan import load
from delivery.report import (
    MILESTONES_LISTED,
    board_report,
    report_pdf,
    signature_line,
    subject,
)
from delivery.snapshots import compare, freeze, intact
from pcnhub.nhs_calendar import quarter_of
from tests import factories as f
from tests.pdfs import page_count, pdf_text

ESTATES = "Estates works delayed to the spring"
DECISION = "Approve locum funding for the hub"


@pytest.fixture
def board(area, programme_office_user, this_pcn_manager):
    """A plan around today: an action late since last quarter, one under way with its next
    milestone next quarter, and one done early."""
    today = timezone.localdate()
    current = quarter_of(today)
    previous = quarter_of(current.start - timedelta(days=1))
    following = quarter_of(current.end + timedelta(days=1))
    later = quarter_of(following.end + timedelta(days=1))
    by = programme_office_user
    Contact.objects.create(name="Priya Shah")
    programme = actions.create_programme(
        name="STP primary care",
        start=previous.start,
        end=later.end,
        organisations=[area["ics"]],
        by=by,
    )
    access = actions.add_deliverable(
        programme=programme,
        kind="national",
        reference="National 1",
        title="Evening and weekend access",
        by=by,
    )
    workforce = actions.add_deliverable(
        programme=programme, kind="local", reference="Local 1", title="Workforce", by=by
    )
    recruit = actions.add_action(
        deliverable=access, title="Recruit hub GPs", owners=["this_pcn_manager"], by=by
    )
    late = actions.add_milestone(action=recruit, period=previous.label, by=by)
    triage = actions.add_action(
        deliverable=access,
        title="Open the triage hub",
        owners=["this_pcn_manager", "Priya Shah"],
        by=by,
    )
    begun = actions.add_milestone(action=triage, period=previous.label, by=by)
    actions.complete_milestone(milestone=begun, done_on=previous.end, by=by)
    coming = actions.add_milestone(action=triage, period=following.label, by=by)
    mapping = actions.add_action(
        deliverable=workforce, title="Map the workforce", owners=["Priya Shah"], by=by
    )
    early = actions.add_milestone(action=mapping, period=following.label, by=by)
    actions.complete_milestone(milestone=early, done_on=today, by=by)
    return SimpleNamespace(
        programme=programme,
        access=access,
        recruit=recruit,
        triage=triage,
        mapping=mapping,
        late=late,
        coming=coming,
        early=early,
        today=today,
        previous=previous,
        current=current,
        following=following,
    )


def owner_reports(board, owner):
    """The owner marks the triage hub at risk, and asks the board about the late action."""
    actions.set_status(action=board.triage, status="at_risk", commentary=ESTATES, by=owner)
    actions.set_status(
        action=board.recruit,
        status="off_track",
        commentary="The locum market is thin",
        decision_needed=DECISION,
        by=owner,
    )


def content_of(board, quarter=None):
    return board_report(load(board.programme, board.today), quarter or board.current)


def test_board_report_lists_exceptions_decisions_and_milestones(board, this_pcn_manager):
    owner_reports(board, this_pcn_manager)
    content = content_of(board)
    assert content["period"] == board.current.label
    assert content["next_period"] == board.following.label
    summary = {row["status"]: (row["deliverables"], row["actions"]) for row in content["summary"]}
    assert summary == {
        "off_track": (1, 1),
        "at_risk": (0, 1),
        "on_track": (0, 0),
        "not_started": (0, 0),
        "complete": (1, 1),
    }
    [group] = content["exceptions"]
    assert (group["reference"], group["status"]) == ("National 1", "off_track")
    recruit, triage = group["actions"]
    assert (recruit["title"], recruit["status"]) == ("Recruit hub GPs", "off_track")
    assert (triage["title"], triage["status"], triage["commentary"]) == (
        "Open the triage hub",
        "at_risk",
        ESTATES,
    )
    assert triage["owners"] == "this_pcn_manager, Priya Shah" and triage["by"] == "this_pcn_manager"
    assert triage["reason"].startswith("reported by this_pcn_manager")
    [decision] = content["decisions"]
    assert (decision["title"], decision["decision"]) == ("Recruit hub GPs", DECISION)
    assert [(m["action"], m["period"], m["done_on"]) for m in content["next_milestones"]] == [
        ("Open the triage hub", board.following.label, ""),
        ("Map the workforce", board.following.label, f"{board.today:%-d %b %Y}"),
    ]
    assert [(m["action"], m["period"]) for m in content["overdue"]] == [
        ("Recruit hub GPs", board.previous.label)
    ]
    assert (content["next_milestones_total"], content["overdue_total"]) == (2, 1)
    assert [item["key"] for item in content["items"]] == [
        "summary:deliverables",
        "summary:actions",
        f"deliverable:{board.access.pk}",
        f"action:{board.recruit.pk}",
        f"action:{board.triage.pk}",
        f"decision:{board.recruit.pk}",
        f"next_milestones:{board.coming.pk}",
        f"next_milestones:{board.early.pk}",
        f"overdue:{board.late.pk}",
    ]
    assert json.loads(json.dumps(content)) == content


def asked_on(action, day):
    """Date the action's reports back to a day (set_status stamps them now)."""
    noon = timezone.make_aware(datetime.combine(day, time(12)))
    StatusUpdate.objects.filter(action=action).update(at=noon)


def test_a_decision_stays_listed_while_its_report_stands(board, this_pcn_manager):
    owner_reports(board, this_pcn_manager)
    asked_on(board.recruit, board.previous.end)
    assert load(board.programme, board.today).actions[board.recruit.pk].standing.source != (
        "lapsed"
    )
    assert [d["decision"] for d in content_of(board)["decisions"]] == [DECISION]


def test_a_decision_clears_once_its_report_lapses_unless_made_in_the_quarter(
    board, this_pcn_manager, programme_office_user
):
    owner_reports(board, this_pcn_manager)
    # Re-planned to next quarter: no longer off track, so the report asking has lapsed.
    actions.move_milestone(
        milestone=board.late,
        period=board.following.label,
        reason="Locums found for next quarter",
        by=programme_office_user,
    )
    standing = load(board.programme, board.today).actions[board.recruit.pk].standing
    assert standing.source == "lapsed"
    assert [d["decision"] for d in content_of(board)["decisions"]] == [DECISION]  # made today
    asked_on(board.recruit, board.previous.end)
    content = content_of(board)
    assert content["decisions"] == []
    assert not [i for i in content["items"] if i["key"].startswith("decision:")]
    assert "None asked for." in pdf_text(report_pdf(content, "x"))
    # The report of the quarter it was made in still lists it.
    previous = content_of(board, board.previous)
    assert [d["decision"] for d in previous["decisions"]] == [DECISION]


def test_a_deliverable_behind_on_its_measure_is_an_exception_with_no_action_late(
    board, programme_office_user
):
    from decimal import Decimal

    from delivery.measures import define_measure, record_actual, set_trajectory

    workforce = board.mapping.deliverable  # its one action is done
    measure = define_measure(
        programme=board.programme,
        deliverable=workforce,
        descriptor="Clinical pharmacists in post",
        unit="WTE",
        direction="up",
        baseline_value=Decimal("0"),
        baseline_date=board.previous.start,
        target_value=Decimal("10"),
        target_date=board.following.end,
        tolerance=Decimal("1"),
        computed="",
        area=None,
        by=programme_office_user,
    )
    period = board.previous.label
    set_trajectory(measure=measure, values={period: Decimal("6")}, by=programme_office_user)
    record_actual(
        measure=measure,
        period=period,
        value=Decimal("2"),
        evidence="workforce return",
        by=programme_office_user,
    )
    content = content_of(board)
    [group] = [g for g in content["exceptions"] if g["reference"] == "Local 1"]
    assert group["status"] == "off_track" and group["actions"] == []
    assert "'Clinical pharmacists in post' red in " + period in group["reason"]
    text = pdf_text(report_pdf(content, signature_line(None, content["as_at"])))
    assert "its outcome measures are behind their trajectory" in text


def test_board_report_pdf_lists_the_action_at_risk_with_its_comment(board, this_pcn_manager):
    owner_reports(board, this_pcn_manager)
    content = content_of(board)
    pdf = report_pdf(content, signature_line(None, content["as_at"]))
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF") and page_count(pdf) == 1
    for expected in (
        f"Board highlight report: {board.current.label}",
        "Open the triage hub",
        ESTATES,
        DECISION,
        f"Milestones in the next period, {board.following.label} (2)",
        "Overdue milestones (1)",
        "Page 1 of 1",
        "Preview, not signed",
    ):
        assert expected in text, expected


def test_board_report_pdf_runs_over_pages_with_the_table_header_on_each(
    board, programme_office_user
):
    by = programme_office_user
    for i in range(60):
        action = actions.add_action(
            deliverable=board.access, title=f"Extra action {i} " + "word " * 30, owners=[], by=by
        )
        actions.add_milestone(action=action, period=board.previous.label, by=by)
    pdf = report_pdf(content_of(board), "signed")
    pages = page_count(pdf)
    assert pages > 2
    assert pdf_text(pdf).count("Key action (owners)") >= pages
    assert f"Page {pages} of {pages}" in pdf_text(pdf)


def test_board_report_lists_so_many_milestones_and_counts_them_all(board, programme_office_user):
    for _ in range(MILESTONES_LISTED - 1 + 5):
        actions.add_milestone(
            action=board.recruit, period=board.previous.label, by=programme_office_user
        )
    content = content_of(board)
    assert content["overdue_total"] == MILESTONES_LISTED + 5
    assert len(content["overdue"]) == MILESTONES_LISTED
    assert f"The first {MILESTONES_LISTED} of {MILESTONES_LISTED + 5}" in pdf_text(
        report_pdf(content, "x")
    )


def test_a_signed_report_is_frozen_against_later_edits(
    board, this_pcn_manager, programme_office_user
):
    owner_reports(board, this_pcn_manager)
    snapshot = actions.sign_board_report(
        programme=board.programme, period=board.current.label, by=programme_office_user
    )
    assert intact(snapshot) and snapshot.signed_by == programme_office_user
    assert (snapshot.kind, snapshot.subject, snapshot.period) == (
        Snapshot.Kind.BOARD_REPORT,
        subject(board.programme),
        board.current.label,
    )
    assert snapshot.content == content_of(board)
    actions.set_status(
        action=board.triage,
        status="off_track",
        commentary="Contractor withdrew",
        by=this_pcn_manager,
    )
    actions.reopen_milestone(
        milestone=board.early, reason="Mapping redone", by=programme_office_user
    )
    assert "Contractor withdrew" in json.dumps(content_of(board))
    kept = Snapshot.objects.get(pk=snapshot.pk)
    assert kept.content == snapshot.content and intact(kept)
    text = pdf_text(report_pdf(kept.content, signature_line(kept, kept.content["as_at"])))
    assert ESTATES in text and "Contractor withdrew" not in text
    assert "Signed by programme_office on" in text
    with pytest.raises(ValidationError, match="it stands as signed"):
        actions.sign_board_report(
            programme=board.programme, period=board.current.label, by=programme_office_user
        )
    with pytest.raises(ValidationError, match="has not begun"):
        actions.sign_board_report(
            programme=board.programme, period=board.following.label, by=programme_office_user
        )
    with pytest.raises(ValidationError, match="a quarter of the plan"):
        actions.sign_board_report(
            programme=board.programme, period="Q1 2001/02", by=programme_office_user
        )
    with pytest.raises(PermissionDenied):
        actions.sign_board_report(
            programme=board.programme, period=board.previous.label, by=this_pcn_manager
        )
    assert Snapshot.objects.count() == 1


def test_two_signed_reports_compare(board, this_pcn_manager, programme_office_user):
    earlier = actions.sign_board_report(
        programme=board.programme, period=board.previous.label, by=programme_office_user
    )
    owner_reports(board, this_pcn_manager)
    later = actions.sign_board_report(
        programme=board.programme, period=board.current.label, by=programme_office_user
    )
    changes = {change.key: change for change in compare(earlier, later)}
    assert changes[f"action:{board.triage.pk}"].change == "added"
    assert changes[f"decision:{board.recruit.pk}"].change == "added"
    counts = {c.field: (c.before, c.after) for c in changes["summary:actions"].fields}
    assert counts == {"At risk": (0, 1), "On track": (1, 0)}
    recruit = {c.field: (c.before, c.after) for c in changes[f"action:{board.recruit.pk}"].fields}
    assert recruit == {"Latest commentary": ("", "The locum market is thin")}


@pytest.fixture
def long_plan(area, programme_office_user):
    """A plan begun two years ago: its quarters long past, the one before last, the one just
    ended and the current one."""
    today = timezone.localdate()
    current = quarter_of(today)
    just_ended = quarter_of(current.start - timedelta(days=1))
    programme = actions.create_programme(
        name="Two years on",
        start=quarter_of(today - timedelta(days=730)).start,
        end=quarter_of(current.end + timedelta(days=1)).end,
        organisations=[area["ics"]],
        by=programme_office_user,
    )
    return SimpleNamespace(
        programme=programme,
        long_ago=quarter_of(programme.start),
        before_last=quarter_of(just_ended.start - timedelta(days=1)),
        just_ended=just_ended,
        current=current,
    )


SIGNING_RULE = "during its quarter or in the quarter just after it"


def test_only_the_current_quarter_or_the_one_just_ended_is_signed(long_plan, programme_office_user):
    """Signed later, a report would freeze today's statuses under an old quarter's label."""
    for old in (long_plan.long_ago, long_plan.before_last):
        with pytest.raises(
            ValidationError, match=f"{old.label} ended on .*: a report is signed {SIGNING_RULE}"
        ):
            actions.sign_board_report(
                programme=long_plan.programme, period=old.label, by=programme_office_user
            )
    assert not Snapshot.objects.exists()
    signed = [
        actions.sign_board_report(
            programme=long_plan.programme, period=q.label, by=programme_office_user
        ).period
        for q in (long_plan.just_ended, long_plan.current)
    ]
    assert signed == [long_plan.just_ended.label, long_plan.current.label]


def test_the_report_page_previews_any_quarter_and_offers_to_sign_only_recent_ones(
    client, long_plan, programme_office_user
):
    client.force_login(programme_office_user)
    url = reverse("board_report", args=[long_plan.programme.pk])
    old = client.get(url, {"period": long_plan.before_last.label})
    assert f"Board highlight report: {long_plan.before_last.label}" in old.text
    assert "Sign the" not in old.text and SIGNING_RULE in old.text
    assert f"only {long_plan.current.label} or {long_plan.just_ended.label} can be signed" in (
        old.text
    )
    posted = client.post(url, {"period": long_plan.before_last.label})
    assert posted.status_code == 200 and SIGNING_RULE in posted.text
    assert not Snapshot.objects.exists()
    for recent in (long_plan.just_ended, long_plan.current):
        page = client.get(url, {"period": recent.label})
        assert f"Sign the {recent.label} report" in page.text and SIGNING_RULE in page.text


# Pages ------------------------------------------------------------------------------------


@pytest.fixture
def reader(area):
    """Someone who may see the ICS's plans but not change them."""
    return f.RoleAssignmentFactory(role="read_only", organisation=area["ics"]).user


def test_the_report_page_and_pdf_show_the_quarter_to_those_who_may_see_the_plan(
    client, board, reader, outsider, this_pcn_manager
):
    owner_reports(board, this_pcn_manager)
    pk = board.programme.pk
    client.force_login(outsider)
    for name in ("board_report", "board_report_pdf", "board_reports"):
        assert client.get(reverse(name, args=[pk])).status_code == 404
    client.force_login(reader)
    page = client.get(reverse("board_report", args=[pk]))
    assert page.status_code == 200 and ESTATES in page.text and DECISION in page.text
    assert "Sign the" not in page.text
    assert (
        client.post(reverse("board_report", args=[pk]), {"period": board.current.label}).status_code
        == 404
    )
    assert not Snapshot.objects.exists()
    previous = client.get(reverse("board_report", args=[pk]), {"period": board.previous.label})
    assert f"Board highlight report: {board.previous.label}" in previous.text
    assert client.get(reverse("board_report", args=[pk]), {"period": "Q9"}).status_code == 404
    pdf = client.get(reverse("board_report_pdf", args=[pk]), {"period": board.current.label})
    assert pdf["Content-Type"] == "application/pdf"
    assert "Open the triage hub" in pdf_text(pdf.content)


def test_an_editor_signs_the_report_and_the_signed_pdf_is_the_one_signed(
    client, board, this_pcn_manager, programme_office_user
):
    owner_reports(board, this_pcn_manager)
    pk = board.programme.pk
    client.force_login(programme_office_user)
    page = client.get(reverse("board_report", args=[pk]))
    assert f"Sign the {board.current.label} report" in page.text
    posted = client.post(
        reverse("board_report", args=[pk]),
        {"period": board.current.label, "statement": "Presented to the board on 5 March"},
    )
    snapshot = Snapshot.objects.get()
    assert posted.status_code == 302
    assert posted["Location"] == reverse("board_report_signed", args=[pk, snapshot.pk])
    assert snapshot.statement == "Presented to the board on 5 March"
    again = client.post(reverse("board_report", args=[pk]), {"period": board.current.label})
    assert again.status_code == 200 and "it stands as signed" in again.text
    actions.set_status(
        action=board.triage,
        status="off_track",
        commentary="Contractor withdrew",
        by=this_pcn_manager,
    )
    signed = client.get(reverse("board_report_signed", args=[pk, snapshot.pk]))
    assert ESTATES in signed.text and "Contractor withdrew" not in signed.text
    assert "unchanged since signing" in signed.text
    pdf = client.get(reverse("board_report_signed_pdf", args=[pk, snapshot.pk]))
    assert ESTATES in pdf_text(pdf.content) and "Contractor withdrew" not in pdf_text(pdf.content)
    live = client.get(reverse("board_report", args=[pk]))
    assert "Contractor withdrew" in live.text and "See the report as signed" in live.text


def test_the_signed_reports_list_and_compare_pages(
    client, area, board, this_pcn_manager, programme_office_user, outsider
):
    pk = board.programme.pk
    earlier = actions.sign_board_report(
        programme=board.programme, period=board.previous.label, by=programme_office_user
    )
    owner_reports(board, this_pcn_manager)
    later = actions.sign_board_report(
        programme=board.programme, period=board.current.label, by=programme_office_user
    )
    other = actions.create_programme(
        name="Other",
        start=board.programme.start,
        end=board.programme.end,
        organisations=[area["ics"]],
        by=programme_office_user,
    )
    elsewhere = actions.sign_board_report(
        programme=other, period=board.current.label, by=programme_office_user
    )
    client.force_login(programme_office_user)
    listing = client.get(reverse("board_reports", args=[pk]))
    assert (
        listing.text.count("signed ") >= 2
        and reverse("board_report_signed", args=[pk, earlier.pk]) in listing.text
    )
    url = reverse("board_report_compare", args=[pk])
    page = client.get(url, {"before": earlier.pk, "after": later.pk})
    assert page.status_code == 200 and f"In the {later.period} report only" in page.text
    assert "Open the triage hub" in page.text
    # Another programme's report is not this one's to show or compare.
    assert client.get(url, {"before": earlier.pk, "after": elsewhere.pk}).status_code == 404
    assert client.get(reverse("board_report_signed", args=[pk, elsewhere.pk])).status_code == 404
    assert client.get(url, {"before": "x"}).status_code == 404
    client.force_login(outsider)
    assert client.get(url, {"before": earlier.pk, "after": later.pk}).status_code == 404


@pytest.mark.parametrize("extra", [1, 8])
def test_the_report_pages_queries_do_not_grow_with_the_plan(
    client, board, programme_office_user, django_assert_max_num_queries, extra
):
    by = programme_office_user
    for i in range(extra):
        deliverable = actions.add_deliverable(
            programme=board.programme, kind="local", reference=f"Local {i + 2}", title="More", by=by
        )
        action = actions.add_action(
            deliverable=deliverable, title="x", owners=["Priya Shah"], by=by
        )
        actions.add_milestone(action=action, period=board.previous.label, by=by)
        actions.set_status(
            action=action, status="off_track", commentary="Late", decision_needed="Decide", by=by
        )
        freeze(
            kind=Snapshot.Kind.BOARD_REPORT,
            title="x",
            subject=subject(board.programme),
            content=content_of(board),
            period=f"Q{i % 4 + 1} 20{i:02d}/{i + 1:02d}",
            by=by,
        )
    client.force_login(by)
    pk = board.programme.pk
    with django_assert_max_num_queries(24):
        page = client.get(reverse("board_report", args=[pk]))
    assert page.status_code == 200 and page.text.count("Decide") == extra
    with django_assert_max_num_queries(12):
        assert client.get(reverse("board_reports", args=[pk])).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("board_report_pdf", args=[pk])).status_code == 200
