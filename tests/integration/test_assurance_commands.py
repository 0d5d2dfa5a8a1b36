"""`pcnhub import-assurance-return` and `export-assurance-return`: the same checks as the page,
the problems printed, nothing written on any of them."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from assurance.models import Rating

DATA = Path(__file__).parent.parent / "data" / "assurance" / "2016-12"


def test_import_assurance_return_prints_problems_and_writes_nothing(opened, commissioner_user):
    err = StringIO()
    with pytest.raises(CommandError, match="rejected; nothing was written"):
        call_command(
            "import_assurance_return",
            str(DATA / "gpfv-response.csv"),
            "--user",
            "commissioner",
            "--commissioner",
            "01x",
            "--framework",
            "nhse-assurance-2019-20",
            stderr=err,
        )
    assert "REJECTED" in err.getvalue()
    assert "row 2, column Requirement: 'GP extended access for 100% of the population'" in (
        err.getvalue()
    )
    assert not Rating.objects.exclude(response="").exists()


def test_export_then_import_assurance_return(opened, commissioner_user, tmp_path):
    out = tmp_path / "return.csv"
    call_command(
        "export_assurance_return",
        "--commissioner",
        "01X",
        "--framework",
        "nhse-assurance-2019-20",
        "--out",
        str(out),
        stdout=StringIO(),
    )
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    lines[1] = lines[1].replace(",,,,,,", ",,,Panels sat in May,,,", 1)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = StringIO()
    call_command(
        "import_assurance_return",
        str(out),
        "--user",
        "commissioner",
        "--commissioner",
        "01X",
        "--framework",
        "nhse-assurance-2019-20",
        stdout=done,
    )
    assert "0 rated, 1 responded, 0 planned" in done.getvalue()
    with pytest.raises(CommandError, match="no round against 'gpfv-plan-assurance'"):
        call_command(
            "import_assurance_return",
            str(out),
            "--user",
            "commissioner",
            "--commissioner",
            "01X",
            "--framework",
            "gpfv-plan-assurance",
        )
