"""A web upload is queued, run by the database worker, and leaves a finished run."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from imports.actions import queue_import
from organisations.models import Organisation
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.django_db(transaction=True)


def upload(name, data):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def test_queued_import_runs_in_the_worker(registry_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = (TEST_DATA / "ods-epraccur/2019-11/epraccur.csv").read_bytes()
    run = queue_import(uploaded_file=upload("epraccur.csv", data), by=registry_admin)
    assert run.status == "queued" and run.progress_percent == 0
    call_command("db_worker", batch=True, verbosity=0, startup_delay=False)
    run.refresh_from_db()
    assert (run.status, run.kind, run.run_by) == ("succeeded", "epraccur", registry_admin)
    assert run.progress_percent == 100
    assert Organisation.objects.filter(code="A81001").exists()
    history = Organisation.objects.get(code="A81001").history.first()
    assert history.history_user == registry_admin


def test_queued_bad_file_fails_with_its_report(registry_admin, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    run = queue_import(
        uploaded_file=upload("x.csv", b"not,an,nhs,file\n1,2,3,4\n"), by=registry_admin
    )
    call_command("db_worker", batch=True, verbosity=0, startup_delay=False)
    run.refresh_from_db()
    assert run.status == "failed"
    assert run.problems[0]["expected"].startswith("a known NHS file")
