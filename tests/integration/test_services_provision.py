"""Extended access provision: minutes a week from a date for the practices covered, and the
area's share of patients covered and minutes per 1,000 patients a week on any day.

The standing cast: this PCN's two practices and the other PCN's one, 10,000 patients each."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from services.actions import end_provision, record_provision
from services.models import Provision
from services.queries import extended_access, provision_history


def figures(area, day) -> tuple[str, str]:
    found = extended_access(area, day)
    return f"{found.pct:.2f}", f"{found.per_1000:.2f}"


@pytest.fixture
def hub(area, commissioner_user):
    """This PCN offers 450 evening and 150 weekend minutes a week from 1 July 2019, for its
    members (by default): 600 minutes for 20,000 patients, 30 per 1,000."""
    return record_provision(
        provider=area["this_pcn"],
        scheme="extended_hours",
        valid_from=date(2019, 7, 1),
        evening_minutes=450,
        weekend_minutes=150,
        by=commissioner_user,
        description="Northwick hub, weekday evenings and Saturday mornings",
    )


def test_no_provision_is_none_covered(area):
    assert figures(area["commissioner"], date(2019, 10, 1)) == ("0.00", "0.00")


def test_a_pcns_provision_covers_its_members_from_its_date(area, hub):
    assert sorted(hub.practices.values_list("code", flat=True)) == ["A00001", "A00002"]
    assert figures(area["commissioner"], date(2019, 6, 30)) == ("0.00", "0.00")
    assert figures(area["commissioner"], date(2019, 7, 1)) == ("66.67", "20.00")
    assert figures(area["this_pcn"], date(2019, 7, 1)) == ("100.00", "30.00")
    assert figures(area["other_pcn"], date(2019, 7, 1)) == ("0.00", "0.00")
    assert figures(None, date(2019, 7, 1)) == ("66.67", "20.00")  # England: this area alone


def test_a_provision_that_ends_covers_nobody_from_then(area, hub, commissioner_user):
    end_provision(
        provider=area["this_pcn"],
        scheme="extended_hours",
        on=date(2020, 4, 1),
        by=commissioner_user,
    )
    assert figures(area["commissioner"], date(2020, 3, 31)) == ("66.67", "20.00")
    assert figures(area["commissioner"], date(2020, 4, 1)) == ("0.00", "0.00")
    with pytest.raises(
        ValidationError,
        match="no Network Contract DES Extended Hours Access provision standing before 1 May 2020",
    ):
        end_provision(
            provider=area["this_pcn"],
            scheme="extended_hours",
            on=date(2020, 5, 1),
            by=commissioner_user,
        )
    record_provision(
        provider=area["this_pcn"],
        scheme="extended_hours",
        valid_from=date(2020, 10, 1),
        evening_minutes=900,
        weekend_minutes=0,
        by=commissioner_user,
    )
    assert figures(area["this_pcn"], date(2020, 10, 1)) == ("100.00", "45.00")


def test_a_practice_leaving_the_pcn_leaves_its_provision(area, hub, moved):
    assert figures(area["commissioner"], date(2021, 3, 31)) == ("66.67", "20.00")
    # Surgery 2 is in the other PCN from 1 April 2021: the hub's 600 minutes serve Surgery 1.
    assert figures(area["commissioner"], date(2021, 4, 1)) == ("33.33", "20.00")
    assert figures(area["this_pcn"], date(2021, 4, 1)) == ("100.00", "60.00")
    assert figures(area["other_pcn"], date(2021, 4, 1)) == ("0.00", "0.00")


def test_a_closed_practice_counts_neither_covered_nor_in_the_area(area, hub):
    one = area["practices"][0]
    one.close_date = date(2020, 6, 30)
    one.save()
    assert figures(area["commissioner"], date(2020, 7, 1)) == ("50.00", "30.00")
    found = extended_access(area["commissioner"], date(2020, 7, 1))
    assert (found.practices, found.covered_practices, found.patients) == (2, 1, 20_000)
    assert [row.covered for row in found.provisions] == [[area["practices"][1].pk]]


def test_a_practices_own_provision_and_minutes_shared_by_patients(area, hub, commissioner_user):
    three = area["practices"][2]
    record_provision(
        provider=three,
        scheme="ccg_extended_access",
        valid_from=date(2019, 9, 1),
        evening_minutes=300,
        weekend_minutes=0,
        by=commissioner_user,
    )
    found = extended_access(area["commissioner"], date(2019, 9, 1))
    assert (found.pct, found.minutes, found.per_1000) == (Decimal(100), 900, 30)
    assert [(r.provider.code, r.per_1000) for r in found.provisions] == [
        ("A00003", 30),
        ("U00001", 30),
    ]


def test_a_correction_on_its_date_keeps_the_practices_added_and_removed(
    area, hub, commissioner_user
):
    one, two, _ = area["practices"]
    record_provision(
        provider=area["this_pcn"],
        scheme="extended_hours",
        valid_from=date(2019, 7, 1),
        evening_minutes=450,
        weekend_minutes=150,
        practices=[one],
        by=commissioner_user,
        reason="Surgery 2 joins the hub in October",
    )
    assert Provision.objects.count() == 1
    assert list(hub.practices.all()) == [one]
    latest, *_, created = provision_history(area["this_pcn"])
    assert (latest.about, latest.change.who) == ("Record from 1 Jul 2019", "commissioner")
    assert latest.change.reason == "Surgery 2 joins the hub in October"
    assert [(d.label, d.before, d.after) for d in latest.change.changes] == [
        ("practices covered", "Surgery 1 (A00001), Surgery 2 (A00002)", "Surgery 1 (A00001)")
    ]
    assert created.change.action == "created"


def test_what_a_provision_may_cover_and_who_may_record_it(
    area, commissioner_user, this_pcn_manager, other_pcn_manager
):
    one, _, three = area["practices"]
    with pytest.raises(ValidationError, match="A00003 is not in U00001 on 1 July 2019"):
        record_provision(
            provider=area["this_pcn"],
            scheme="extended_hours",
            valid_from=date(2019, 7, 1),
            evening_minutes=60,
            weekend_minutes=0,
            practices=[one, three],
            by=commissioner_user,
        )
    with pytest.raises(ValidationError, match="has no member practices on 1 June 2019"):
        record_provision(
            provider=area["this_pcn"],
            scheme="ccg_extended_access",
            valid_from=date(2019, 6, 1),
            evening_minutes=60,
            weekend_minutes=0,
            by=commissioner_user,
        )
    with pytest.raises(ValidationError, match="to record that it stopped, end it"):
        record_provision(
            provider=three,
            scheme="ccg_extended_access",
            valid_from=date(2019, 7, 1),
            evening_minutes=0,
            weekend_minutes=0,
            by=commissioner_user,
        )
    with pytest.raises(ValidationError, match="is not a PCN or a GP practice"):
        record_provision(
            provider=area["commissioner"],
            scheme="extended_hours",
            valid_from=date(2019, 7, 1),
            evening_minutes=60,
            weekend_minutes=0,
            by=commissioner_user,
        )
    with pytest.raises(PermissionDenied):
        record_provision(
            provider=area["this_pcn"],
            scheme="extended_hours",
            valid_from=date(2019, 7, 1),
            evening_minutes=60,
            weekend_minutes=0,
            by=other_pcn_manager,
        )
    with pytest.raises(PermissionDenied, match="A00003"):
        record_provision(
            provider=one,
            scheme="ccg_extended_access",
            valid_from=date(2019, 7, 1),
            evening_minutes=60,
            weekend_minutes=0,
            practices=[one, three],
            by=this_pcn_manager,
        )
    assert not Provision.objects.exists()


def test_pcn_staff_record_a_practices_provision_only_from_when_it_is_theirs(
    area, moved, other_pcn_manager
):
    two = area["practices"][1]  # in the other PCN from 1 April 2021
    with pytest.raises(ValidationError, match="A00002 was not one of your practices on 1 July"):
        record_provision(
            provider=two,
            scheme="ccg_extended_access",
            valid_from=date(2019, 7, 1),
            evening_minutes=60,
            weekend_minutes=0,
            by=other_pcn_manager,
        )
    record_provision(
        provider=two,
        scheme="ccg_extended_access",
        valid_from=date(2021, 4, 1),
        evening_minutes=60,
        weekend_minutes=0,
        by=other_pcn_manager,
    )
    with pytest.raises(ValidationError, match="A00002 was not one of your practices on 1 March"):
        end_provision(
            provider=two, scheme="ccg_extended_access", on=date(2021, 3, 1), by=other_pcn_manager
        )
    assert Provision.objects.count() == 1


@pytest.mark.parametrize(
    ("provider", "scheme", "day", "message"),
    [
        ("this_pcn", None, date(2019, 7, 1), "Choose the scheme this provision counts towards"),
        ("this_pcn", "", date(2019, 7, 1), "Choose the scheme this provision counts towards"),
        ("this_pcn", "gpfv", date(2019, 7, 1), "'gpfv' is not an access scheme on file"),
        (0, "extended_hours", date(2019, 7, 1), "Extended Hours Access is provided by a PCN"),
        (0, "enhanced_access", date(2022, 10, 1), "Enhanced Access is provided by a PCN"),
        (
            "this_pcn",
            "extended_hours",
            date(2022, 10, 1),
            "ran 1 July 2019 to 30 September 2022, not on 1 October 2022",
        ),
        (
            "this_pcn",
            "enhanced_access",
            date(2022, 9, 30),
            "ran 1 October 2022 onwards, not on 30 September 2022",
        ),
    ],
)
def test_a_provision_without_its_scheme_is_refused_and_nothing_saved(
    area, commissioner_user, provider, scheme, day, message
):
    org = area["practices"][provider] if provider == 0 else area[provider]
    with pytest.raises(ValidationError, match=message) as refused:
        record_provision(
            provider=org,
            scheme=scheme,
            valid_from=day,
            evening_minutes=450,
            weekend_minutes=480,
            by=commissioner_user,
        )
    assert "scheme" in refused.value.error_dict
    assert not Provision.objects.exists()
    assert not Provision.history.exists()


def test_each_scheme_stands_apart_and_only_while_it_runs(area, hub, commissioner_user):
    """This PCN runs the CCG's hub too: both records stand, each for its own scheme; ending
    one leaves the other; Extended Hours stops counting when the scheme ends."""
    record_provision(
        provider=area["this_pcn"],
        scheme="ccg_extended_access",
        valid_from=date(2019, 7, 1),
        evening_minutes=600,
        weekend_minutes=0,
        by=commissioner_user,
    )
    assert Provision.objects.count() == 2
    day = date(2019, 7, 1)
    assert figures(area["this_pcn"], day) == ("100.00", "60.00")
    only = extended_access(area["this_pcn"], day, scheme_keys=["extended_hours"])
    assert f"{only.per_1000:.2f}" == "30.00"
    end_provision(
        provider=area["this_pcn"],
        scheme="ccg_extended_access",
        on=date(2020, 4, 1),
        by=commissioner_user,
    )
    assert figures(area["this_pcn"], date(2020, 4, 1)) == ("100.00", "30.00")
    assert figures(area["this_pcn"], date(2022, 9, 30)) == ("100.00", "30.00")
    assert figures(area["this_pcn"], date(2022, 10, 1)) == ("0.00", "0.00")
    with pytest.raises(ValidationError, match="Choose the scheme"):
        end_provision(provider=area["this_pcn"], on=date(2021, 4, 1), by=commissioner_user)
