"""GET /api/import-runs/: national importers see every run, others only their own."""

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from imports.models import ImportRun, RunStatus


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def runs(registry_admin, this_pcn_manager):
    def run(name, by, status=RunStatus.SUCCEEDED):
        return ImportRun.objects.create(
            file_name=name, checksum="0" * 64, kind="epraccur", status=status, run_by=by
        )

    return {
        "admin": run("epraccur.csv", registry_admin),
        "manager": run("mine.csv", this_pcn_manager, RunStatus.FAILED),
    }


def names(response):
    assert response.status_code == 200, response.content
    return {row["file_name"] for row in response.json()["results"]}


def test_import_run_list_anonymous_refused(api, runs):
    assert api.get("/api/import-runs/").status_code in (401, 403)


def test_import_run_list_registry_admin_sees_every_run(api, registry_admin, runs):
    api.force_login(registry_admin)
    assert names(api.get("/api/import-runs/")) == {"epraccur.csv", "mine.csv"}


def test_import_run_list_anyone_with_registry_access_sees_every_run(api, this_pcn_manager, runs):
    api.force_login(this_pcn_manager)
    assert names(api.get("/api/import-runs/")) == {"epraccur.csv", "mine.csv"}
    assert api.get(f"/api/import-runs/{runs['admin'].pk}/").status_code == 200


def test_import_run_list_outsider_sees_none(api, outsider, runs):
    api.force_login(outsider)
    assert names(api.get("/api/import-runs/")) == set()
    assert api.get(f"/api/import-runs/{runs['admin'].pk}/").status_code == 404


def test_import_run_list_far_future_as_at_is_not_an_error(api, registry_admin, runs):
    api.force_login(registry_admin)
    assert len(names(api.get("/api/import-runs/?as_at=9999-12-31"))) == 2


def test_import_run_detail_has_fields_but_no_upload_path(api, this_pcn_manager, runs):
    api.force_login(this_pcn_manager)
    body = api.get(f"/api/import-runs/{runs['manager'].pk}/").json()
    assert body["run_by"] == "this_pcn_manager"
    assert body["status"] == "failed"
    assert "upload" not in body


def test_import_run_list_filters_status_and_kind(api, registry_admin, runs):
    api.force_login(registry_admin)
    assert names(api.get("/api/import-runs/?status=failed")) == {"mine.csv"}
    assert names(api.get("/api/import-runs/?kind=nhs_payments")) == set()
    assert names(api.get("/api/import-runs/?as_at=2000-01-01")) == set()
    assert len(names(api.get(f"/api/import-runs/?as_at={timezone.localdate()}"))) == 2


@pytest.mark.parametrize(("query", "key"), [("status=done", "status"), ("as_at=today", "as_at")])
def test_import_run_list_bad_value_answers_400(api, registry_admin, runs, query, key):
    api.force_login(registry_admin)
    response = api.get(f"/api/import-runs/?{query}")
    assert response.status_code == 400
    assert key in response.json()


@pytest.mark.parametrize("extra", [0, 27], ids=["3_runs", "30_runs"])
def test_import_run_list_query_count_is_bounded(
    api, registry_admin, runs, django_assert_max_num_queries, extra
):
    for i in range(extra + 1):
        ImportRun.objects.create(file_name=f"{i}.csv", checksum="1" * 64, run_by=registry_admin)
    api.force_login(registry_admin)
    with django_assert_max_num_queries(5):
        response = api.get("/api/import-runs/")
    assert response.json()["count"] == 3 + extra
