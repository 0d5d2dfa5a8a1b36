"""Home and import run pages: the number of queries each page makes does not grow with data.

Each test loads its page with a small and a large amount of data (3 and 30 import runs, and
3 and 30 extra practices for the home page) and holds both to the same bound, the count
measured when the bound was set: a new query per row would push the large case over it.
"""

from datetime import date

import pytest
from django.urls import reverse

from imports.models import ImportRun, RunStatus
from organisations.models import RelType
from tests import factories as f

pytestmark = pytest.mark.django_db

SIZES = pytest.mark.parametrize("amount", [3, 30], ids=["small", "large"])

# Every page begins with the same three: the session, the user, and the user's role
# assignments (once per request, kept on the user by accounts.permissions).
# Then: two levels of the hierarchy below the commissioner for its scope, counts by kind,
# regions and ICSs, roles with their organisations, the latest runs with who ran them, and the
# work waiting (registrations in one aggregate, change requests in another, the person's own
# milestones due in a third).
HOME_COMMISSIONER_BOUND = 12
# A national role needs no hierarchy walk: counts by kind, regions and ICSs, roles, runs, work.
HOME_REGISTRY_ADMIN_BOUND = 10
# The paginator's count, then one page of runs with who ran them.
RUN_LIST_BOUND = 5
# The run with who ran it; the problems are JSON on the run, not rows of their own.
RUN_DETAIL_BOUND = 4
# The run; a running run's stage and percent come from the cache, not the database.
RUN_PROGRESS_BOUND = 4


def _grow_commissioner(area, practices):
    """Open practices in this PCN and under the commissioner, each with a list size."""
    for i in range(practices):
        practice = f.PracticeFactory(code=f"B{i:05d}", name=f"Extra Surgery {i}")
        f.RelationshipFactory(child=practice, parent=area["this_pcn"], valid_from=date(2019, 7, 1))
        f.RelationshipFactory(
            child=practice,
            parent=area["commissioner"],
            rel_type=RelType.PRACTICE_COMMISSIONER,
            valid_from=date(2019, 7, 1),
        )
        f.ListSizeFactory(organisation=practice, extract_date=date(2019, 1, 1), patients=5_000)


def _runs(amount, by, status=RunStatus.SUCCEEDED, **fields):
    """`amount` finished runs, newest last; returns the newest."""
    return [
        ImportRun.objects.create(
            file_name=f"epraccur-{i}.csv",
            checksum="0" * 64,
            kind="epraccur",
            status=status,
            run_by=by,
            **fields,
        )
        for i in range(amount)
    ][-1]


def _problems(amount):
    return [
        {
            "file": "epraccur.csv",
            "row": row,
            "column": "Open Date",
            "value": "2019-02-30",
            "expected": "a date as YYYYMMDD",
        }
        for row in range(amount)
    ]


@SIZES
def test_home_commissioner_queries_do_not_grow_with_practices_or_runs(
    client, commissioner_user, area, django_assert_max_num_queries, amount
):
    _grow_commissioner(area, amount)
    _runs(amount, commissioner_user)
    client.force_login(commissioner_user)
    with django_assert_max_num_queries(HOME_COMMISSIONER_BOUND):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    practices = next(row for row in response.context["counts"] if row.kind == "practice")
    assert practices.total == 3 + amount
    assert len(response.context["runs"]) == min(amount, 5)


@SIZES
def test_home_registry_admin_queries_do_not_grow_with_practices_or_runs(
    client, registry_admin, area, django_assert_max_num_queries, amount
):
    _grow_commissioner(area, amount)
    _runs(amount, registry_admin)
    client.force_login(registry_admin)
    with django_assert_max_num_queries(HOME_REGISTRY_ADMIN_BOUND):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    practices = next(row for row in response.context["counts"] if row.kind == "practice")
    assert practices.total == 3 + amount
    assert len(response.context["runs"]) == min(amount, 5)
    assert response.context["can_import"]


@SIZES
def test_run_list_queries_do_not_grow_with_runs(
    client, registry_admin, django_assert_max_num_queries, amount
):
    _runs(amount, registry_admin)
    client.force_login(registry_admin)
    with django_assert_max_num_queries(RUN_LIST_BOUND):
        response = client.get(reverse("import_runs"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == amount


@SIZES
def test_run_detail_succeeded_queries_do_not_grow_with_runs(
    client, registry_admin, django_assert_max_num_queries, amount
):
    run = _runs(amount, registry_admin, summary={"organisations": {"created": 3}})
    client.force_login(registry_admin)
    with django_assert_max_num_queries(RUN_DETAIL_BOUND):
        response = client.get(reverse("import_run", args=[run.pk]))
    assert response.status_code == 200
    assert b"Records written, by table" in response.content


@SIZES
def test_run_detail_failed_queries_do_not_grow_with_runs_or_problems(
    client, registry_admin, django_assert_max_num_queries, amount
):
    run = _runs(
        amount,
        registry_admin,
        status=RunStatus.FAILED,
        problems=_problems(amount),
        problem_count=amount,
    )
    client.force_login(registry_admin)
    with django_assert_max_num_queries(RUN_DETAIL_BOUND):
        response = client.get(reverse("import_run", args=[run.pk]))
    assert response.status_code == 200
    assert b"This file was not imported" in response.content
    assert f"{amount} problems".encode() in response.content


@SIZES
def test_run_progress_running_queries_do_not_grow_with_runs(
    client, registry_admin, django_assert_max_num_queries, amount
):
    _runs(amount, registry_admin)
    run = _runs(1, registry_admin, status=RunStatus.RUNNING)
    client.force_login(registry_admin)
    with django_assert_max_num_queries(RUN_PROGRESS_BOUND):
        response = client.get(
            reverse("import_run_progress", args=[run.pk]), headers={"HX-Request": "true"}
        )
    assert response.status_code == 200
    assert response.templates[0].name == "imports/run_progress.htmx.html"
