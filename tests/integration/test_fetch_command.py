"""`pcnhub fetch-nhs-data` imports what it recognises from a download and says what it left."""

import shutil

import pytest
from django.core.management import CommandError, call_command

from organisations.models import Organisation
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.django_db


def test_fetch_imports_known_kinds_and_names_the_rest(monkeypatch, tmp_path, capsys):
    known = tmp_path / "epraccur.csv"
    shutil.copy(TEST_DATA / "ods-epraccur/2019-11/epraccur.csv", known)
    unknown = tmp_path / "ACHIEVEMENT_2425.csv"
    unknown.write_text("PRACTICE_CODE,INDICATOR_CODE,MEASURE,VALUE\nA81001,AF001,X,1\n")
    monkeypatch.setattr(
        "imports.management.commands.fetch_nhs_data.fetch", lambda ids, to: [known, unknown]
    )
    call_command("fetch_nhs_data", "--to", str(tmp_path))
    out = capsys.readouterr().out
    assert "not imported: ACHIEVEMENT_2425.csv" in out
    assert Organisation.objects.filter(code="A81001").exists()


def test_fetch_offline_says_so(monkeypatch, tmp_path):
    from urllib.error import URLError

    def offline(ids, to):
        raise URLError("no network")

    monkeypatch.setattr("imports.management.commands.fetch_nhs_data.fetch", offline)
    with pytest.raises(CommandError, match="could not download"):
        call_command("fetch_nhs_data", "--to", str(tmp_path))
