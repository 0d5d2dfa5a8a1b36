"""Importing the tiny real-format samples: counts, idempotency, history over moves and closures."""

from datetime import date

import pytest

from imports.actions import import_file
from organisations import queries
from organisations.models import DiseaseRegister, ListSize, Organisation, Relationship
from organisations.population import population
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.django_db

EPRACCUR_2019 = TEST_DATA / "ods-epraccur/2019-11/epraccur.csv"
EPRACCUR_2026 = TEST_DATA / "ods-epraccur/2026-06/epraccur.csv"
PARTNERS_2019 = TEST_DATA / "ods-epcn/2019-12/pcn_core_partner_details.csv"
DETAILS_2019 = TEST_DATA / "ods-epcn/2019-12/pcn_details.csv"
PARTNERS_2022 = TEST_DATA / "ods-epcn/2022-05/pcn_core_partner_details.csv"
MAP_2020 = TEST_DATA / "gp-reg-pat-prac/2020-09/gp-reg-pat-prac-map.csv"
TOTALS_2021 = TEST_DATA / "gp-reg-pat-prac/2021-01/gp-reg-pat-prac-all.csv"
SING_AGE_2026 = TEST_DATA / "gp-reg-pat-prac/2026-08/gp-reg-pat-prac-sing-age-regions.csv"
PREVALENCE_1920 = TEST_DATA / "qof/2019-20/PREVALENCE_1920.csv"
GEOGRAPHY_1920 = TEST_DATA / "qof/2019-20/MAPPING_NHS_GEOGRAPHIES_1920.csv"
INDICATORS_1819 = TEST_DATA / "qof/2018-19/INDICATOR_MAPPINGS_1819_v2.csv"
MAX_POINTS_2021 = TEST_DATA / "qof/2020-21/ORGANISATION_REFERENCE_2021.csv"
VALIDATION_2021 = TEST_DATA / "qof/2020-21/PRACTICE_VALIDATION_OUTCOMES_2021.csv"


def imported(*paths):
    runs = [import_file(path=path) for path in paths]
    for run in runs:
        assert run.status == "succeeded", run.problems
    return runs[-1]


def org(code):
    return Organisation.objects.get(code=code)


def pcn_of(code, day):
    found = queries.parent(org(code), day)
    return found.code if found else None


def test_epraccur_legacy_creates_practices_and_skips_other_cost_centres():
    run = imported(EPRACCUR_2019)
    assert (run.kind, run.layout, run.rows_read, run.skipped) == ("epraccur", "legacy", 5, 1)
    assert Organisation.objects.filter(kind="practice").count() == 4
    practice = org("A81004")
    assert practice.name == "BLUEBELL MEDICAL CENTRE, ACKLAM"
    assert practice.status == "active"
    assert practice.address == "356 ACKLAM ROAD, MIDDLESBROUGH, CLEVELAND"
    commissioner = queries.parent(practice, date(2019, 1, 1), "practice_commissioner")
    assert commissioner.code == "00M"


@pytest.mark.parametrize(
    "paths",
    [
        [EPRACCUR_2019],
        [EPRACCUR_2019, PARTNERS_2019],
        [EPRACCUR_2019, DETAILS_2019],
        [EPRACCUR_2019, MAP_2020],
        [EPRACCUR_2019, TOTALS_2021],
        [EPRACCUR_2019, PREVALENCE_1920],
        [EPRACCUR_2019, GEOGRAPHY_1920],
        [EPRACCUR_2019, MAP_2020, SING_AGE_2026],
        [INDICATORS_1819],
        [EPRACCUR_2019, MAX_POINTS_2021],
        [EPRACCUR_2019, VALIDATION_2021],
    ],
    ids=lambda paths: paths[-1].name,
)
def test_import_same_file_twice_changes_nothing(paths):
    imported(*paths)
    before = (Relationship.objects.count(), ListSize.objects.count(), Organisation.history.count())
    again = imported(paths[-1])
    assert (again.created, again.changed) == (0, 0)
    assert again.unchanged > 0
    after = (Relationship.objects.count(), ListSize.objects.count(), Organisation.history.count())
    assert after == before


def test_epcn_memberships_are_dated_and_a_move_starts_a_new_row():
    imported(EPRACCUR_2019, DETAILS_2019, PARTNERS_2019)
    assert pcn_of("A81002", date(2019, 12, 1)) == "U89141"
    run = imported(PARTNERS_2022)
    assert run.changed >= 1
    assert pcn_of("A81002", date(2020, 3, 31)) == "U89141"
    assert pcn_of("A81002", date(2020, 4, 1)) == "U89142"
    assert pcn_of("A81002", date(2019, 6, 30)) is None
    rows = Relationship.objects.filter(child__code="A81002", rel_type="practice_pcn")
    assert sorted((r.parent.code, r.valid_from, r.valid_to) for r in rows) == [
        ("U89141", date(2019, 7, 1), date(2020, 3, 31)),
        ("U89142", date(2020, 4, 1), None),
    ]
    members_before = {p.code for p in queries.members(org("U89142"), date(2020, 3, 31))}
    members_after = {p.code for p in queries.members(org("U89142"), date(2020, 4, 1))}
    assert (members_before, members_after) == ({"A81003"}, {"A81002", "A81003"})


def test_newer_epraccur_moves_commissioner_and_closes_practice():
    imported(EPRACCUR_2019, PARTNERS_2019)
    imported(EPRACCUR_2026)
    assert queries.parent(org("A81001"), date(2020, 3, 31), "practice_commissioner").code == "00K"
    assert queries.parent(org("A81001"), date(2020, 4, 1), "practice_commissioner").code == "16C"
    closed = org("A81003")
    assert (closed.status, closed.close_date) == ("closed", date(2021, 3, 31))
    assert pcn_of("A81003", date(2021, 3, 31)) == "U89142"
    assert pcn_of("A81003", date(2021, 4, 1)) is None
    changes = closed.history.filter(history_type="~").first()
    assert "import run" in changes.history_change_reason
    assert changes.diff_against(changes.prev_record).changed_fields


def test_map_places_practices_in_hierarchy_and_unallocated_in_no_pcn():
    imported(EPRACCUR_2019, PARTNERS_2019, MAP_2020)
    day = date(2020, 9, 1)
    assert pcn_of("A81004", day) is None
    assert [o.code for o in queries.ancestors(org("A81001"), day)] == [
        "Y63",
        "QHM",
        "16C",
        "U89141",
    ]
    assert org("QHM").era_label == "STP"
    assert org("16C").name == "NHS Tees Valley CCG"
    # The map's snapshot moved A81002 on its extract date, ending the ePCN row the day before.
    assert pcn_of("A81002", date(2020, 8, 31)) == "U89141"
    assert pcn_of("A81002", day) == "U89142"


def test_practice_totals_give_list_sizes_by_latest_extract_on_or_before_date():
    imported(EPRACCUR_2019, PARTNERS_2019, TOTALS_2021)
    figure = population(org("U89141"), date(2021, 6, 1), purpose="on_the_day")
    assert (figure.patients, figure.dates) == (4120 + 9876, (date(2021, 1, 1),))
    assert population(org("U89141"), date(2020, 12, 31), purpose="on_the_day").patients is None


def test_list_sizes_for_unknown_practices_are_rejected_with_a_note():
    imported(EPRACCUR_2019, MAP_2020, SING_AGE_2026)
    run = imported(SING_AGE_2026)
    assert run.rejected == 1
    assert any("U99999" in note for note in run.notes)


def test_qof_prevalence_keeps_registers_and_list_size_at_1_january():
    run = imported(EPRACCUR_2019, PREVALENCE_1920)
    assert (run.period, run.layout) == (date(2020, 1, 1), "2019/20")
    assert DiseaseRegister.objects.filter(qof_year="2019/20").count() == 3
    sizes = ListSize.objects.filter(measure="qof").values_list("organisation__code", "patients")
    assert sorted(sizes) == [("A81001", 4111), ("A81002", 9800)]


def test_single_year_of_age_rows_make_an_age_sex_profile():
    imported(EPRACCUR_2019, MAP_2020, SING_AGE_2026)
    extract, rows = queries.age_sex_profile(org("U89141"), date(2026, 8, 1))
    assert extract == date(2026, 8, 1)
    assert rows == [("0", 70, 66), ("95+", 12, 31)]


def test_des_list_size_counts_members_at_go_live_from_the_1_january_list(area):
    pcn = area["this_pcn"]
    january = date(2019, 1, 1)
    assert population(pcn, january, purpose="des_registration").patients is None  # not formed
    figure = population(pcn, january, purpose="des_registration", members_on=date(2019, 7, 1))
    assert (figure.patients, figure.dates) == (20_000, (january,))


def test_list_size_trend_follows_membership_on_each_extract_date(django_assert_num_queries):
    imported(EPRACCUR_2019, PARTNERS_2019, PARTNERS_2022)
    for practice, sizes in {"A81001": (4000, 4100), "A81002": (9000, 9100)}.items():
        for extract, patients in zip((date(2020, 1, 1), date(2020, 7, 1)), sizes, strict=True):
            ListSize.objects.create(
                organisation=org(practice), extract_date=extract, patients=patients
            )
    stockton = org("U89141")
    with django_assert_num_queries(3):  # memberships, member figures, own figures
        trend = queries.list_size_trend(stockton)
    # A81002 left Stockton PCN on 31 March 2020, so July counts A81001 only.
    assert trend == [(date(2020, 1, 1), 13000), (date(2020, 7, 1), 4100)]


@pytest.mark.parametrize("wrap", ["zip", "gz"])
def test_zipped_and_gzipped_files_import_as_the_file_inside(tmp_path, wrap):
    import gzip
    import zipfile

    imported(EPRACCUR_2019)
    if wrap == "zip":
        path = tmp_path / "gp-reg-pat-prac-all.zip"
        with zipfile.ZipFile(path, "w") as archive:
            archive.write(TOTALS_2021, "gp-reg-pat-prac-all.csv")
    else:
        path = tmp_path / "gp-reg-pat-prac-all.csv.gz"
        path.write_bytes(gzip.compress(TOTALS_2021.read_bytes()))
    run = imported(path)
    assert (run.kind, run.file_name) == ("gp-reg-pat-prac-all", "gp-reg-pat-prac-all.csv")


def test_reimporting_an_older_epraccur_does_not_reopen_a_closed_practice():
    imported(EPRACCUR_2019, EPRACCUR_2026)
    run = imported(EPRACCUR_2019)
    assert org("A81003").status == "closed"
    assert run.changed == 0


def test_hand_correction_survives_reimport_of_an_older_file(django_user_model):
    from organisations.actions import update_organisation

    imported(EPRACCUR_2019)
    editor = django_user_model.objects.create(username="editor")
    update_organisation(
        organisation=org("A81001"), by=editor, reason="new line", phone="01642 000000"
    )
    run = imported(EPRACCUR_2019)
    assert (org("A81001").phone, run.changed) == ("01642 000000", 0)


def test_a_newer_file_replacing_a_hand_correction_says_so(django_user_model):
    from organisations.actions import update_organisation

    imported(EPRACCUR_2019)
    editor = django_user_model.objects.create(username="editor")
    update_organisation(
        organisation=org("A81001"), by=editor, reason="new line", phone="01642 000000"
    )
    # The correction was made before the newer file's date (here: moved back to 2020).
    Organisation.objects.filter(code="A81001").update(details_as_of=date(2020, 1, 2))
    run = imported(EPRACCUR_2026)
    assert org("A81001").phone != "01642 000000"
    [note] = [n for n in run.notes if n.startswith("A81001:")]
    assert note.startswith("A81001: phone corrected by hand by editor on ")
    assert "(new line) replaced by this newer file" in note
    latest = org("A81001").history.first()
    assert "replaces a hand correction: A81001: phone" in latest.history_change_reason
    # Another file after that replaces nothing of a person's: no note.
    assert not [n for n in imported(EPRACCUR_2026).notes if n.startswith("A81001:")]


def test_practice_totals_layout_names_the_era_from_the_header():
    run = imported(EPRACCUR_2019, TOTALS_2021)
    assert run.layout == "CCG era"


def test_age_profile_uses_one_basis_when_bands_and_single_years_share_a_date():
    imported(EPRACCUR_2019, MAP_2020, SING_AGE_2026)
    pcn = org("U89141")
    for sex, patients in (("MALE", 90), ("FEMALE", 80)):
        ListSize.objects.create(
            organisation=pcn, extract_date=date(2026, 8, 1), sex=sex, age="0_4", patients=patients
        )
    _, rows = queries.age_sex_profile(pcn, date(2026, 8, 1))
    assert rows == [("0", 70, 66), ("95+", 12, 31)]


def test_revised_list_size_keeps_before_and_after(tmp_path):
    from organisations.models import FigureRevision

    imported(EPRACCUR_2019, TOTALS_2021)
    revised = tmp_path / "gp-reg-pat-prac-all.csv"
    revised.write_bytes(TOTALS_2021.read_bytes().replace(b",9876", b",9880"))
    run = imported(revised)
    assert run.changed == 1
    revision = FigureRevision.objects.get()
    assert (revision.organisation.code, revision.before, revision.after) == (
        "A81002",
        "9876",
        "9880",
    )
    assert revision.import_run == run


def test_qof_reference_files_keep_indicators_points_and_validation_outcomes():
    from organisations.models import QofIndicator, QofMaximumPoints, QofValidationOutcome

    run = imported(INDICATORS_1819)
    assert (run.kind, run.layout) == ("qof-indicators", "2018/19")
    indicator = QofIndicator.objects.get(code="AF001")
    assert (indicator.points, indicator.group_code) == (5, "AF")
    assert "contractor\u2019s" in indicator.description  # read as Windows-1252
    imported(EPRACCUR_2019, MAX_POINTS_2021, VALIDATION_2021)
    points = dict(QofMaximumPoints.objects.values_list("organisation__code", "maximum_points"))
    assert points == {"A81001": 567, "A81002": None}
    outcome = QofValidationOutcome.objects.get()
    assert (outcome.organisation.code, outcome.qof_year, outcome.rule) == ("A81001", "2020/21", "1")


@pytest.mark.parametrize(
    ("names", "found"),
    [
        (("epraccur-2022-12.csv",), date(2022, 12, 1)),
        (("epraccur.csv", "ods-epraccur-20221205"), date(2022, 12, 5)),
        (("epraccur_2019_11_30.zip",), date(2019, 11, 30)),
        (("epraccur.csv", "downloads"), None),
        (("gp-reg-pat-prac-all.csv",), None),
        (("epraccur-2022-13.csv",), None),
    ],
)
def test_a_date_is_taken_from_the_files_name_or_folder(names, found):
    from imports.source import date_in_name

    assert date_in_name(*names) == found


def test_an_undated_epraccur_fills_gaps_and_changes_nothing_a_dated_file_set():
    """epraccur carries no date: one that is not given one never counts as newest."""
    from imports.kinds.epraccur import UNDATED
    from imports.source import SourceFile

    imported(EPRACCUR_2026)  # dated by its folder, 2026-06
    run = import_file(source=SourceFile("epraccur.csv", EPRACCUR_2019.read_bytes()))
    assert run.status == "succeeded" and run.period is None
    assert UNDATED in run.notes
    assert org("A81003").status == "closed" and run.changed == 0
    given = import_file(path=EPRACCUR_2019, period=date(2019, 11, 5))
    assert given.period == date(2019, 11, 5)
