"""The import and export pages of a round's return: problems shown in a table with nothing
saved, a good file saved whole, and the Excel and CSV downloads."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from assurance.models import Rating

DATA = Path(__file__).parent.parent / "data" / "assurance" / "2016-12"


def _upload(text: str, name="return.csv"):
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_import_page_shows_problems_and_saves_nothing(client, opened, commissioner_user):
    client.force_login(commissioner_user)
    url = reverse("assurance_import", args=[opened.pk])
    header = (DATA / "gpfv-response.csv").read_text().splitlines()[0]
    bad = f"{header}\n,pcn-coverage,,,Panels sat,31/02/2019,\n"
    shown = client.post(url, {"file": _upload(bad)})
    assert "This file was not imported" in shown.text
    assert (
        "<code>31/02/2019</code>" in shown.text
        and "Date CCG plan will be fully assured" in shown.text
    )
    assert not Rating.objects.exclude(response="").exists()
    good = f"{header}\n,pcn-coverage,,,Panels sat in May,Sep 2019 (subject to the LMC),\n"
    done = client.post(url, {"file": _upload(good)})
    assert done.status_code == 302
    assert Rating.objects.get(round=opened, requirement__key="pcn-coverage").response == (
        "Panels sat in May"
    )


def test_import_page_refuses_a_file_that_is_not_a_spreadsheet(client, opened, commissioner_user):
    client.force_login(commissioner_user)
    url = reverse("assurance_import", args=[opened.pk])
    shown = client.post(url, {"file": _upload("x", name="return.pdf")})
    assert "The file must be a .csv or .xlsx file" in shown.text


def test_import_page_is_for_those_who_rate_or_respond(client, opened, programme_office_user):
    client.force_login(programme_office_user)
    assert client.get(reverse("assurance_round", args=[opened.pk])).status_code == 200
    assert client.get(reverse("assurance_import", args=[opened.pk])).status_code == 404


def test_export_downloads_excel_and_csv(client, opened, programme_office_user):
    client.force_login(programme_office_user)
    xlsx = client.get(reverse("assurance_export", args=[opened.pk, "xlsx"]))
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.content[:2] == b"PK"
    assert (
        'filename="assurance-nhse-assurance-2019-20-01X-2019-07-12.xlsx"'
        in xlsx["Content-Disposition"]
    )
    csv = client.get(reverse("assurance_export", args=[opened.pk, "csv"])).content.decode(
        "utf-8-sig"
    )
    assert csv.splitlines()[0].startswith("Area,Requirement,Assurance rating,")
    assert len(csv.splitlines()) == 14  # header, twelve requirements, the overall row
    assert client.get(reverse("assurance_export", args=[opened.pk, "pdf"])).status_code == 404
