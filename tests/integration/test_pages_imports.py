"""Import run pages: the list, a run's report and live progress, and the upload form."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from imports import actions
from imports.models import ImportRun, RunStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_run(area):
    return ImportRun.objects.create(
        file_name="epraccur.csv",
        checksum="abc",
        kind="epraccur",
        status=RunStatus.FAILED,
        problems=[
            {
                "file": "epraccur.csv",
                "row": 12,
                "column": "Open Date",
                "value": "2019-02-30",
                "expected": "a date as YYYYMMDD",
            }
        ],
        problem_count=7,
        notes=["3 prescribing cost centres set aside"],
    )


def test_import_runs_list_shows_counts(client, commissioner_user, failed_run):
    ImportRun.objects.create(
        file_name="epcn.xlsx", checksum="x", status=RunStatus.SUCCEEDED, rows_read=1234, created=9
    )
    client.force_login(commissioner_user)
    response = client.get(reverse("import_runs"))
    assert response.status_code == 200
    assert b"epcn.xlsx" in response.content
    assert b"1,234" in response.content
    assert b"7 problems" in response.content
    assert reverse("import_upload").encode() not in response.content


def test_import_runs_outsider_gets_404(client, outsider, failed_run):
    client.force_login(outsider)
    assert client.get(reverse("import_runs")).status_code == 404
    assert client.get(reverse("import_run", args=[failed_run.pk])).status_code == 404


def test_import_run_failed_shows_problem_report_and_notes(client, commissioner_user, failed_run):
    client.force_login(commissioner_user)
    response = client.get(reverse("import_run", args=[failed_run.pk]))
    assert response.status_code == 200
    assert b"This file was not imported" in response.content
    assert b"The first 1 of 7 problems" in response.content
    assert b"a date as YYYYMMDD" in response.content
    assert b"Open Date" in response.content
    assert b"3 prescribing cost centres set aside" in response.content
    assert b'id="run-progress"' not in response.content


def test_import_run_unknown_id_is_404(client, commissioner_user):
    client.force_login(commissioner_user)
    assert client.get(reverse("import_run", args=[999])).status_code == 404


def test_import_run_running_shows_polling_progress_bar(client, commissioner_user):
    run = ImportRun.objects.create(file_name="a.csv", checksum="x", status=RunStatus.RUNNING)
    client.force_login(commissioner_user)
    response = client.get(reverse("import_run", args=[run.pk]))
    progress_url = reverse("import_run_progress", args=[run.pk])
    assert f'hx-get="{progress_url}"'.encode() in response.content
    assert b'hx-trigger="every 1s"' in response.content
    assert b'role="progressbar"' in response.content
    assert b"Refresh this page" in response.content
    partial = client.get(progress_url, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert partial.templates[0].name == "imports/run_progress.htmx.html"


def test_import_run_progress_finished_refreshes_page(client, commissioner_user, failed_run):
    client.force_login(commissioner_user)
    response = client.get(
        reverse("import_run_progress", args=[failed_run.pk]), headers={"HX-Request": "true"}
    )
    assert response["HX-Refresh"] == "true"


@pytest.mark.parametrize(
    "person", ["this_pcn_manager", "commissioner_user", "finance_user", "outsider"]
)
def test_import_upload_non_admin_gets_404(client, request, person):
    client.force_login(request.getfixturevalue(person))
    assert client.get(reverse("import_upload")).status_code == 404
    assert client.post(reverse("import_upload")).status_code == 404


def test_import_upload_admin_sees_form_with_kinds(client, registry_admin):
    client.force_login(registry_admin)
    response = client.get(reverse("import_upload"))
    assert response.status_code == 200
    assert b'type="file"' in response.content
    assert b"Work it out from the file" in response.content
    assert b'enctype="multipart/form-data"' in response.content


def test_import_upload_without_file_shows_error_summary(client, registry_admin):
    client.force_login(registry_admin)
    response = client.post(reverse("import_upload"), {"kind": ""})
    assert response.status_code == 200
    assert b"nhsuk-error-summary" in response.content
    assert b"Select a file to import" in response.content


def test_import_upload_queues_and_redirects_to_run(client, registry_admin, monkeypatch):
    calls = []

    def fake_queue_import(*, uploaded_file, kind, by, period):
        calls.append((uploaded_file.read(), kind, by, period))
        return ImportRun.objects.create(file_name=uploaded_file.name, checksum="x", run_by=by)

    monkeypatch.setattr(actions, "queue_import", fake_queue_import)
    client.force_login(registry_admin)
    upload = SimpleUploadedFile("epraccur.csv", b'"A81001","THE DENSHAM SURGERY"\n')
    response = client.post(
        reverse("import_upload"), {"file": upload, "kind": "", "period": "2022-12-05"}
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_run", args=[run.pk])
    assert calls == [(b'"A81001","THE DENSHAM SURGERY"\n', None, registry_admin, date(2022, 12, 5))]
