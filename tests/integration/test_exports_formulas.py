"""A name typed as a formula (a practice called =HYPERLINK(...)) goes into the payment CSV and
Excel downloads as text, never as a live formula."""

import csv
import io
import zipfile

import pytest

pytestmark = pytest.mark.usefixtures("approved_networks")
EVIL = '=HYPERLINK("http://evil.example","Surgery 1")'


def test_payment_downloads_write_a_formula_name_as_text(client, area, finance_user):
    payee = area["practices"][0]
    payee.name = EVIL
    payee.save()
    area["this_pcn"].name = "@SUM(1+1)"
    area["this_pcn"].save()
    client.force_login(finance_user)
    body = client.get("/payments/U00001/export.csv?year=2019/20").content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(body)) for cell in row]
    typed = [cell for cell in cells if "HYPERLINK" in cell or "SUM(1+1)" in cell]
    assert typed and all(cell.startswith("'") for cell in typed), typed
    workbook = client.get("/payments/U00001/export.xlsx?year=2019/20").content
    with zipfile.ZipFile(io.BytesIO(workbook)) as xlsx:
        sheets = [n for n in xlsx.namelist() if n.startswith("xl/worksheets/")]
        assert sheets and not any("<f>" in xlsx.read(n).decode() for n in sheets)
        assert "HYPERLINK" in xlsx.read("xl/sharedStrings.xml").decode()
