"""Which practices count (organisations.counted) in coverage and "practices in no PCN", the
QOF-only kind of the population rule, and pcnhub coverage on the standing cast."""

from datetime import date
from io import StringIO

from django.core.management import call_command

from imports.models import ImportRun
from organisations.counted import counted_practices
from organisations.models import ListSize, Measure, RelType
from organisations.population import population
from organisations.queries import practices_in_no_pcn
from registrations.coverage import coverage
from tests import factories as f

JAN_2020 = date(2020, 1, 1)


def _in_commissioner(area, code, setting, patients=None):
    practice = f.PracticeFactory(code=code, name=f"Practice {code}", prescribing_setting=setting)
    f.RelationshipFactory(
        child=practice,
        parent=area["commissioner"],
        rel_type=RelType.PRACTICE_COMMISSIONER,
        valid_from=date(2013, 4, 1),
    )
    if patients is not None:
        f.ListSizeFactory(organisation=practice, extract_date=date(2019, 1, 1), patients=patients)
    return practice


def test_only_gp_practices_with_a_list_count_and_the_others_say_why(area):
    hub = _in_commissioner(area, "Y09001", "1", patients=0)
    empty = _in_commissioner(area, "A00008", "4")
    gp = _in_commissioner(area, "A00009", "4", patients=2_500)
    found = counted_practices({hub.pk, empty.pk, gp.pk}, JAN_2020)
    assert found.ids == {gp.pk}
    assert found.not_counted == {
        hub.pk: "Y09001: prescribing setting 1 is not a GP practice",
        empty.pk: "A00008: no registered list for A00008 on or before 1 Jan 2020",
    }
    assert found.summary == (
        "not counted: 2 organisations without registered patients, such as extended access hubs"
    )
    outside = list(practices_in_no_pcn(area["commissioner"], JAN_2020))
    assert [p.code for p in outside] == ["A00008", "A00009", "Y09001"]  # by name, all of them
    assert counted_practices(outside, JAN_2020).not_counted == found.not_counted


def test_coverage_counts_practices_with_registered_patients_and_lists_the_others(area):
    _in_commissioner(area, "A00008", "RO76")  # no list on or before the day
    found = coverage(area["commissioner"], JAN_2020)
    assert found.practices == 3 and found.patients == 30_000
    assert [(p.code, why) for p, why in found.not_counted] == [
        ("A00008", "A00008: no registered list for A00008 on or before 1 Jan 2020")
    ]
    assert found.list_bases == [("registered list at 1 Jan 2019", 3)]
    assert "registered patients" in found.counted_words
    # The ODS configuration on the day: this PCN 20,000 (two practices), the other 10,000.
    sizes = found.sizes
    assert (sizes.pcns, sizes.below, sizes.single_practice) == (2, 2, 1)
    assert sizes.percentile(50) == 15_000


def test_a_pcn_with_a_member_without_a_list_is_not_sized(area):
    ListSize.objects.filter(organisation=area["practices"][1]).delete()
    found = coverage(area["commissioner"], JAN_2020)
    assert found.sizes.pcns == 1
    assert [(u.code, u.reason) for u in found.unsized] == [
        ("U00001", "no list on or before 1 Jan 2020 for member A00002")
    ]


def test_the_qof_kind_reads_qof_list_sizes_alone(area):
    practice = area["practices"][0]
    run = ImportRun.objects.create(file_name="PREVALENCE_1920.csv", checksum="x")
    ListSize.objects.create(
        organisation=practice,
        extract_date=JAN_2020,
        measure=Measure.QOF,
        patients=9_800,
        import_run=run,
    )
    ListSize.objects.filter(organisation=practice, measure=Measure.REGISTERED).update(
        extract_date=JAN_2020
    )
    either = population(practice, JAN_2020, purpose="on_the_day")
    assert either.bases == ("registered",)  # the extract wins on the same day
    qof = population(practice, JAN_2020, purpose="on_the_day", kind="qof")
    assert (qof.value, qof.basis, qof.source) == (
        9_800,
        "QOF list size at 1 Jan 2020",
        run.file_name,
    )
    none = population(area["practices"][1], JAN_2020, purpose="on_the_day", kind="qof")
    assert none.reason == "no QOF list size for A00002 on or before 1 Jan 2020"


def test_the_coverage_command_prints_figures_with_their_basis(area):
    out = StringIO()
    call_command("coverage", "--on", "2020-01-01", "--area", "01X", stdout=out)
    text = out.getvalue()
    assert "PCN coverage: NHS Test CCG (01X) on 1 January 2020" in text
    assert "Practices counted: 3" in text
    assert "Lists counted: registered list at 1 Jan 2019 (3 practices)" in text
    assert "50th percentile of PCN size: 15000.0" in text
    out = StringIO()
    call_command("coverage", "--on", "2020-01-01", "--basis", "qof", "--format", "csv", stdout=out)
    assert "ENG,England,2020-01-01,2019/20,Practices counted,0" in out.getvalue()


def test_a_hub_in_a_pcn_is_neither_summed_nor_counted_nor_leaves_it_unsized(area):
    """ODS lists extended access hubs as PCN members: before, a hub with a list inflated its
    PCN's size and practice count, and a hub without one left the PCN unsized."""
    for code, patients in (("Y09001", 7_000), ("Y09002", None)):
        hub = _in_commissioner(area, code, "1", patients=patients)
        f.RelationshipFactory(child=hub, parent=area["other_pcn"], valid_from=date(2019, 7, 1))
    found = coverage(area["commissioner"], JAN_2020)
    assert found.unsized == []
    sizes = found.sizes
    # This PCN 20,000 over two practices; the other 10,000 over its one GP practice alone.
    assert (sizes.pcns, sizes.single_practice, sizes.percentile(10)) == (2, 1, 11_000)
    assert "extended access hubs" in found.sizes_words


def test_a_gp_practice_member_without_a_list_still_leaves_the_pcn_unsized(area):
    hub = _in_commissioner(area, "Y09001", "1", patients=7_000)
    f.RelationshipFactory(child=hub, parent=area["other_pcn"], valid_from=date(2019, 7, 1))
    ListSize.objects.filter(organisation=area["practices"][2]).delete()
    found = coverage(area["commissioner"], JAN_2020)
    assert [(u.code, u.reason) for u in found.unsized] == [
        ("U00002", "no list on or before 1 Jan 2020 for member A00003")
    ]
