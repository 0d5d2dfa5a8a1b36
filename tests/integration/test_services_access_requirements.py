"""Each network's weekly access requirement against its provision: the scheme in force by
date, the population by the access purpose (list date per DES year), missing populations
that cannot be calculated, the page through HTTP and the `access` command.

The standing cast: this PCN's two practices and the other PCN's one, 10,000 patients each
at 1 January 2019."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from organisations.models import Measure, PopulationFigure, RelType
from services.actions import record_provision
from services.network_access import network_access, networks_in
from tests import factories as f

EH_DAY, EA_DAY = date(2019, 7, 1), date(2022, 10, 1)


@pytest.fixture
def provided(area, commissioner_user):
    """This PCN: Extended Hours of 600 minutes a week from 1 July 2019, and Enhanced Access
    of 600 evening and 500 weekend minutes from 1 October 2022; adjusted populations at
    1 January 2022 for this PCN's practices only (9,000.50 each)."""
    pcn = area["this_pcn"]
    record_provision(
        provider=pcn,
        scheme="extended_hours",
        valid_from=EH_DAY,
        evening_minutes=450,
        weekend_minutes=150,
        by=commissioner_user,
    )
    record_provision(
        provider=pcn,
        scheme="enhanced_access",
        valid_from=EA_DAY,
        evening_minutes=600,
        weekend_minutes=500,
        by=commissioner_user,
    )
    for practice in area["practices"][:2]:
        PopulationFigure.objects.create(
            organisation=practice,
            measure=Measure.ADJUSTED,
            as_at=date(2022, 1, 1),
            value=Decimal("9000.50"),
        )
    return area


def rows_on(area, day):
    return {r.network.code: r for r in network_access(networks_in(area["commissioner"], day), day)}


def test_extended_hours_on_the_2019_list_to_the_quarter_hour(provided):
    # A list at 1 April 2019 (the 2019/20 DES's date) beats the January one for Surgery 1.
    f.ListSizeFactory(
        organisation=provided["practices"][0], extract_date=date(2019, 4, 1), patients=10_617
    )
    # ... and one after it is not used.
    f.ListSizeFactory(
        organisation=provided["practices"][1], extract_date=date(2019, 6, 1), patients=50_000
    )
    found = rows_on(provided, EH_DAY)
    this, other = found["U00001"], found["U00002"]
    assert this.scheme.key == "extended_hours" and this.list_date.on == date(2019, 4, 1)
    assert this.population.value == 20_617
    assert this.population.purpose == "access"
    assert this.required == 615  # 618.51 minutes: 41.23 quarter hours, to 41
    assert this.required_words == "10 h 15 min (615 minutes)"
    assert (this.provided, this.met, this.met_words) == (600, False, "not met")
    assert (other.required, other.provided, other.met_words) == (300, 0, "not met")
    assert other.record is None


def test_the_scheme_changes_between_30_september_and_1_october_2022(provided):
    found = rows_on(provided, date(2022, 9, 30))
    this = found["U00001"]
    assert this.scheme.key == "extended_hours"
    assert this.list_date.on == date(2022, 1, 1)
    assert (this.required, this.provided, this.met) == (600, 600, True)
    assert any("older than" in w for w in this.population.warnings)  # the 2019 list, stale

    found = rows_on(provided, EA_DAY)
    this, other = found["U00001"], found["U00002"]
    assert this.scheme.key == "enhanced_access"
    assert this.population.value == Decimal("18001.00")
    assert this.required == Decimal("1080.06")  # 60 a 1,000, not rounded
    assert this.required_words == "18 h 1 min (1,080.06 minutes)"
    assert (this.provided, this.met) == (1100, True)
    # The other network has no adjusted population: cannot be calculated, never 0.
    assert other.required is None and other.met is None
    assert other.required_words.startswith(
        "cannot be calculated: no PCN adjusted population for U00002 on or before 1 Jan 2022"
    )


def test_short_network_standard_hours_are_not_met(provided, commissioner_user):
    record_provision(
        provider=provided["this_pcn"],
        scheme="enhanced_access",
        valid_from=date(2023, 1, 1),
        evening_minutes=1500,
        weekend_minutes=400,
        by=commissioner_user,
    )
    PopulationFigure.objects.filter(as_at=date(2022, 1, 1)).update(as_at=date(2023, 1, 1))
    this = rows_on(provided, date(2023, 4, 1))["U00001"]
    assert this.provided >= this.required
    assert this.met is False
    assert [c.text for c in this.checks if c.short] == [
        "400 weekend minutes a week cannot cover 09:00 to 17:00 on Saturday (480 minutes)"
    ]


def test_a_member_without_a_figure_leaves_the_network_uncalculated(provided):
    PopulationFigure.objects.filter(organisation=provided["practices"][1]).delete()
    this = rows_on(provided, EA_DAY)["U00001"]
    assert this.required is None
    assert this.reason == (
        "1 member without a PCN adjusted population at 1 Jan 2022 (A00002): "
        "a requirement is not set on part of a network"
    )


def test_before_the_network_scheme_nothing_is_required(provided):
    (this,) = network_access([provided["this_pcn"]], date(2019, 6, 30))
    assert this.scheme is None and this.required is None
    assert this.reason.startswith("no network access scheme in force on 30 Jun 2019")


# The page


def test_the_page_shows_requirement_against_provision(client, provided, commissioner_user):
    client.force_login(commissioner_user)
    url = reverse("access_requirements", args=["01X"])
    page = client.get(url, {"as_at": "2022-10-01"})
    assert page.status_code == 200
    text = page.text
    assert "Network Contract DES Enhanced Access" in text
    assert "18 h 1 min (1,080.06 minutes)" in text and "18 h 20 min (1,100 minutes)" in text
    assert "PCN adjusted population" in text and "Rule: access requirement" in text
    assert "Cannot be calculated" in text and "No PCN adjusted population for U00002" in text
    assert "60 minutes a week per 1,000" in text and "[S51]" in text
    one = client.get(reverse("access_requirements", args=["U00001"]), {"as_at": "2019-07-01"})
    assert "Network Contract DES Extended Hours Access" in one.text
    assert "Met" in one.text and "U00002" not in one.text
    assert "1 April 2019" in one.text  # the list date's source
    before = client.get(url, {"as_at": "2019-06-30"})
    assert "No network access scheme in force on 30 Jun 2019" in before.text


def test_the_page_is_out_of_scope_for_another_network(client, provided, other_pcn_manager):
    client.force_login(other_pcn_manager)
    assert client.get(reverse("access_requirements", args=["U00001"])).status_code == 404
    assert client.get(reverse("access_requirements", args=["U00002"])).status_code == 200


@pytest.mark.parametrize("amount", [1, 12], ids=["few", "many"])
def test_the_page_makes_a_bounded_number_of_queries(
    client, provided, commissioner_user, django_assert_max_num_queries, amount
):
    pcns = []
    for i in range(amount):
        pcn = f.PcnFactory(code=f"U1{i:04d}", name=f"Network {i}")
        f.RelationshipFactory(
            child=pcn,
            parent=provided["commissioner"],
            rel_type=RelType.PCN_COMMISSIONER,
            valid_from=date(2019, 7, 1),
        )
        practice = f.PracticeFactory(code=f"B1{i:04d}", name=f"Practice {i}")
        f.RelationshipFactory(child=practice, parent=pcn, valid_from=date(2019, 7, 1))
        f.RelationshipFactory(
            child=practice,
            parent=provided["commissioner"],
            rel_type=RelType.PRACTICE_COMMISSIONER,
            valid_from=date(2013, 4, 1),
        )
        PopulationFigure.objects.create(
            organisation=practice, measure=Measure.ADJUSTED, as_at=date(2022, 1, 1), value=5000
        )
        pcns.append(pcn)
    by = type(commissioner_user).objects.get(pk=commissioner_user.pk)  # its reach read afresh
    for pcn in pcns:
        record_provision(
            provider=pcn,
            scheme="enhanced_access",
            valid_from=EA_DAY,
            evening_minutes=450,
            weekend_minutes=480,
            by=by,
        )
    client.force_login(commissioner_user)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("access_requirements", args=["01X"]), {"as_at": "2022-10-01"})
    assert page.text.count('id="network-') == amount + 2


# The command


def run(*args) -> str:
    out = io.StringIO()
    call_command("access", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_each_network_in_text(provided):
    text = run("--on", "2022-10-01", "--scope", "01x")
    assert "Scheme: Network Contract DES Enhanced Access, 1 October 2022 onwards" in text
    assert "This PCN (U00001)\n  Population: 18,001.00 (sum of 2 practices' PCN adjusted" in text
    assert "  Required a week: 18 h 1 min (1,080.06 minutes)\n" in text
    assert "  Provided a week: 18 h 20 min (1,100 minutes)\n  Met\n" in text
    assert "  Population: cannot be calculated: no PCN adjusted population for U00002" in text
    assert "  Required a week: cannot be calculated: no PCN adjusted population" in text
    assert "  Cannot be calculated\n" in text


def test_the_command_writes_csv(provided):
    found = list(
        csv.DictReader(io.StringIO(run("--on", "2019-07-01", "--scope", "Q01", "--format", "csv")))
    )
    assert [r["network"] for r in found] == ["U00002", "U00001"]  # by name
    this = found[1]
    assert this["scheme"] == "Network Contract DES Extended Hours Access"
    assert (this["population"], this["population_date"]) == ("20000", "2019-04-01")
    assert this["population_basis"] == "sum of 2 practices' registered list at 1 Jan 2019"
    assert (this["required_minutes"], this["provided_minutes"], this["met"]) == (
        "600",
        "600",
        "met",
    )
    other = run("--on", "2022-10-01", "--scope", "U00002", "--format", "csv")
    row = next(csv.DictReader(io.StringIO(other)))
    assert (row["required_minutes"], row["met"]) == ("", "cannot be calculated")
    assert row["reason"].startswith("no PCN adjusted population for U00002")


def test_the_command_refuses_an_unknown_scope_with_exit_1_like_every_command(area):
    with pytest.raises(
        CommandError, match="no region, ICS, commissioner or PCN with ODS code 'ZZZ'"
    ) as refused:
        run("--on", "2022-10-01", "--scope", "ZZZ")
    assert refused.value.returncode == 1
