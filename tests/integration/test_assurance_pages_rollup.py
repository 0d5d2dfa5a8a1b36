"""Roll-ups from commissioner to ICS to region: ratings counted per requirement over each
commissioner's latest round by the date, in a bounded number of queries, with drill-down."""

from datetime import date

import pytest
from django.urls import reverse

from assurance import actions
from organisations.models import RelType
from tests import factories as f

# Session, user, the area, roles and the hierarchy below them (four levels from a region),
# the frameworks, then the roll-up: commissioners under the area (two levels), the
# commissioners, their ICSs, latest rounds, requirements and ratings: 16 for a region, and
# one more for an ICS's breadcrumb (the region above it).
ROLLUP_BOUND = 17


def _commissioner(area, code):
    made = f.CommissionerFactory(code=code, name=f"NHS {code} CCG")
    f.RelationshipFactory(child=made, parent=area["ics"], rel_type=RelType.COMMISSIONER_ICS)
    return made


def _rated_round(framework, commissioner, by, rater, rating, submitted=date(2019, 7, 12)):
    found = actions.open_round(
        framework=framework,
        commissioner=commissioner,
        label="Q1 return",
        submitted_on=submitted,
        by=by,
    )
    actions.rate(round=found, requirement="pcn-coverage", rating=rating, reasons="x", by=rater)
    return found


def _counts(page, title):
    """The numbers in the counts table's row for a requirement."""
    row = page.text.split(title)[1].split("</tr>")[0]
    return [cell.split(">")[-1] for cell in row.split("</td>")[:-1]]


def test_area_page_counts_each_commissioners_latest_round(
    client, area, statement, assurance_user, commissioner_user
):
    # Commissioners first: a user's reach is worked out once and kept on the user.
    second, _ = _commissioner(area, "72A"), _commissioner(area, "73A")
    first = actions.open_round(
        framework=statement,
        commissioner=area["commissioner"],
        label="Q1 return",
        submitted_on=date(2019, 7, 12),
        by=commissioner_user,
    )
    for row in first.ratings.select_related("requirement"):
        actions.rate(
            round=first,
            requirement=row.requirement,
            rating="assured",
            reasons="x",
            by=assurance_user,
        )
    actions.close_round(round=first, statement="Agreed", by=assurance_user)
    actions.open_round(
        framework=statement,
        commissioner=area["commissioner"],
        label="Q2 return",
        submitted_on=date(2019, 10, 11),
        by=commissioner_user,
    )
    _rated_round(statement, second, assurance_user, assurance_user, "not_assured")
    client.force_login(assurance_user)
    url = reverse("assurance_area", args=["Q01"])
    title = "1. Every practice is part of a Primary Care Network"
    # By December 01X's latest is its unrated Q2 return; 72A is not assured; 73A has no round.
    # Columns: assured, partially assured, not assured, not rated, no round.
    assert _counts(client.get(url, {"as_at": "2019-12-31"}), title) == ["0", "0", "1", "1", "1"]
    earlier = client.get(url, {"as_at": "2019-09-30"})
    assert _counts(earlier, title) == ["1", "0", "1", "0", "1"]
    assert reverse("assurance_round", args=[first.pk]) in earlier.text  # drill-down
    assert 'data-chart="stacked"' in earlier.text


@pytest.mark.parametrize("amount", [3, 30], ids=["small", "large"])
def test_area_page_queries_are_bounded(
    client, area, statement, assurance_user, amount, django_assert_max_num_queries
):
    made = [_commissioner(area, f"{i + 10:02d}Y") for i in range(amount)]
    for i, commissioner in enumerate(made):
        rating = ("assured", "partially_assured", "not_assured")[i % 3]
        _rated_round(statement, commissioner, assurance_user, assurance_user, rating)
    client.force_login(assurance_user)
    with django_assert_max_num_queries(ROLLUP_BOUND):
        shown = client.get(reverse("assurance_area", args=["Y01"]))
    assert shown.text.count('href="/assurance/rounds/') == amount
    assert "STP / ICS</th>" in shown.text  # a region's page names each commissioner's ICS


def test_area_page_for_england_takes_an_area_team_to_its_area(client, area, assurance_user):
    client.force_login(assurance_user)
    assert client.get(reverse("assurance_england")).url == reverse("assurance_area", args=["Y01"])
    assert client.get(reverse("assurance_area", args=["01X"])).url == reverse(
        "assurance_commissioner", args=["01X"]
    )


def test_area_page_out_of_scope_answers_404(client, area, outsider, commissioner_user):
    client.force_login(outsider)
    assert client.get(reverse("assurance_area", args=["Q01"])).status_code == 404
    assert client.get(reverse("assurance_england")).status_code == 404
    client.force_login(commissioner_user)
    assert client.get(reverse("assurance_area", args=["Q01"])).status_code == 404
