"""The standing cast: one small area and the people who work in it.

    region Y01 > ICS Q01 > commissioner 01X > PCN "this" (2 practices) and PCN "other" (1)

this_pcn_manager sees this PCN only; other_pcn_manager the other; commissioner sees the
whole commissioner; finance holds commissioner finance; assurance is NHS England's assurance
team over the region; outsider has no role at all.
"""

import shutil
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from rest_framework.test import APIClient

from organisations.models import Relationship, RelType
from tests import factories as f

NHS_DATA = Path(settings.NHS_DATA_DIR)
TEST_DATA = Path(__file__).parent / "data"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def pytest_report_header(config):
    """Say plainly, at the top of every run, what will be skipped and why."""
    browser = (
        f"browser tests: run with {CHROMIUM}"
        if CHROMIUM
        else "browser tests: SKIPPED, no chromium on PATH (apt-get install chromium)"
    )
    national = (
        f"national NHS data tests: run with {NHS_DATA}"
        if NHS_DATA.is_dir()
        else f"national NHS data tests: SKIPPED, no folder at {NHS_DATA}"
    )
    return [browser, national]


@pytest.fixture
def nhs_data():
    """The national NHS files; tests that need them skip when the folder is absent."""
    if not NHS_DATA.is_dir():
        pytest.skip(f"national NHS data not present at {NHS_DATA}")
    return NHS_DATA


@pytest.fixture
def area(db):
    region = f.RegionFactory(code="Y01", name="Test Region")
    ics = f.IcsFactory(code="Q01", name="Test ICS")
    commissioner = f.CommissionerFactory(code="01X", name="NHS Test CCG")
    this_pcn = f.PcnFactory(code="U00001", name="This PCN")
    other_pcn = f.PcnFactory(code="U00002", name="Other PCN")
    practices = [f.PracticeFactory(code=f"A0000{i}", name=f"Surgery {i}") for i in (1, 2, 3)]
    start = date(2019, 7, 1)
    f.RelationshipFactory(child=ics, parent=region, rel_type=RelType.ICS_REGION, valid_from=start)
    f.RelationshipFactory(
        child=commissioner, parent=ics, rel_type=RelType.COMMISSIONER_ICS, valid_from=start
    )
    for pcn in (this_pcn, other_pcn):
        f.RelationshipFactory(
            child=pcn, parent=commissioner, rel_type=RelType.PCN_COMMISSIONER, valid_from=start
        )
    for practice, pcn in zip(practices, (this_pcn, this_pcn, other_pcn), strict=True):
        f.RelationshipFactory(child=practice, parent=pcn, valid_from=start)
        f.RelationshipFactory(
            child=practice,
            parent=commissioner,
            rel_type=RelType.PRACTICE_COMMISSIONER,
            valid_from=date(2013, 4, 1),
        )
        f.ListSizeFactory(organisation=practice, extract_date=date(2019, 1, 1), patients=10_000)
    return {
        "region": region,
        "ics": ics,
        "commissioner": commissioner,
        "this_pcn": this_pcn,
        "other_pcn": other_pcn,
        "practices": practices,
    }


@pytest.fixture
def moved(area):
    """Surgery 2 leaves this PCN for the other one on 1 April 2021."""
    practice = area["practices"][1]
    Relationship.objects.filter(child=practice, rel_type=RelType.PRACTICE_PCN).update(
        valid_to=date(2021, 3, 31)
    )
    f.RelationshipFactory(child=practice, parent=area["other_pcn"], valid_from=date(2021, 4, 1))
    return practice


@pytest.fixture
def api():
    return APIClient()


def _person(role, organisation, username):
    user = f.UserFactory(username=username)
    if role:
        f.RoleAssignmentFactory(user=user, role=role, organisation=organisation)
    return user


@pytest.fixture
def this_pcn_manager(area):
    return _person("pcn_manager", area["this_pcn"], "this_pcn_manager")


@pytest.fixture
def other_pcn_manager(area):
    return _person("pcn_manager", area["other_pcn"], "other_pcn_manager")


@pytest.fixture
def commissioner_user(area):
    return _person("commissioner", area["commissioner"], "commissioner")


@pytest.fixture
def finance_user(area):
    return _person("commissioner_finance", area["commissioner"], "finance")


@pytest.fixture
def england_finance(db):
    """Finance over no organisation, so all of England: may approve national rate revisions."""
    return _person("commissioner_finance", None, "england_finance")


@pytest.fixture
def second_england_finance(db):
    """Another England-wide finance user: the second person a revision needs."""
    return _person("commissioner_finance", None, "england_finance_2")


@pytest.fixture
def programme_office_user(area):
    """The STP/ICS programme office, which assures the commissioner's decisions."""
    return _person("programme_office", area["ics"], "programme_office")


@pytest.fixture
def assurance_user(area):
    """NHS England's assurance team for the region, which rates commissioners' plans."""
    return _person("assurance", area["region"], "assurance")


@pytest.fixture
def drafted(area, this_pcn_manager):
    """This PCN's 2019/20 registration, complete but for the 30,000 minimum (20,000 patients)."""
    from registrations import actions

    registration = actions.start_registration(
        pcn=area["this_pcn"], year_label="2019/20", by=this_pcn_manager
    )
    first = area["practices"][0]
    actions.update_details(
        registration=registration,
        by=this_pcn_manager,
        clinical_director_name="Dr Ada Clinician",
        clinical_director_profession="gp",
        clinical_director_practice=first,
        payee_practice=first,
        bank_account_name="Surgery 1 Partnership",
        bank_sort_code="12-34-56",
        bank_account_number="12345678",
        area_description="The town of Testbury and its villages",
    )
    for key in ("initial_agreement", "full_agreement", "data_sharing"):
        actions.attach_document(
            registration=registration, key=key, signed_on=date(2019, 5, 10), by=this_pcn_manager
        )
    return registration


@pytest.fixture
def approved_networks(request, area):
    """Both networks paid: their 2019/20 configurations recorded from ODS (approved from their
    members' ODS start, the 1 July 2019 go-live, so paid from April), each with its first
    practice as nominated payee with bank details. A test that also takes `drafted` keeps this
    PCN's registration as drafted; only the other network is recorded."""
    from registrations.actions import record_from_ods
    from registrations.models import Registration

    if "drafted" in request.fixturenames:
        request.getfixturevalue("drafted")
    record_from_ods(year_label="2019/20", on=date(2019, 12, 1), by=None)
    payees = {area["this_pcn"].pk: area["practices"][0], area["other_pcn"].pk: area["practices"][2]}
    for registration in Registration.objects.filter(origin="ods"):
        registration.payee_practice = payees[registration.pcn_id]
        registration.bank_account_name = f"{registration.payee_practice.name} Partnership"
        registration.bank_sort_code = "123456"
        registration.bank_account_number = "87654321"
        registration.save()
    return Registration.objects.filter(origin="ods")


@pytest.fixture
def registry_admin(area):
    return _person("registry_admin", None, "registry_admin")


@pytest.fixture
def outsider(area):
    return _person(None, None, "outsider")


@pytest.fixture
def statement(db):
    """NHS England's 2019/20 assurance statement (assured / partially / not assured)."""
    from assurance.models import Framework

    return Framework.objects.get(key="nhse-assurance-2019-20")


@pytest.fixture
def gpfv(db):
    """The GP Forward View plan assurance (red / amber / green)."""
    from assurance.models import Framework

    return Framework.objects.get(key="gpfv-plan-assurance")


@pytest.fixture
def opened(area, statement, commissioner_user):
    """The commissioner's return against the 2019/20 statement, submitted 12 July 2019."""
    from assurance.actions import open_round

    return open_round(
        framework=statement,
        commissioner=area["commissioner"],
        label="Q1 2019/20 return",
        submitted_on=date(2019, 7, 12),
        by=commissioner_user,
    )
