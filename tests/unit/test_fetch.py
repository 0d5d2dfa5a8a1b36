"""Fetching: link finding and unpacking on local bytes, the download replaced (no network)."""

import io
import zipfile

from imports.fetch import fetch, find_links, unpack

PAGE = """<a href="/about">About</a>
<a href="https://files.digital.nhs.uk/AB/CDEF/gp-reg-pat-prac-map.csv">Mapping</a>
<a href='/files/ePCN.zip'>ePCN</a>"""


def zipped(**members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def test_find_links_makes_relative_links_absolute():
    assert find_links(PAGE, "https://digital.nhs.uk/page", r"ePCN\.zip") == [
        "https://digital.nhs.uk/files/ePCN.zip"
    ]
    assert find_links(PAGE, "https://x/", r"\.(csv|zip)$") == [
        "https://files.digital.nhs.uk/AB/CDEF/gp-reg-pat-prac-map.csv",
        "https://x/files/ePCN.zip",
    ]
    assert find_links(PAGE, "https://x/", r"nothing") == []


def test_unpack_keeps_data_files_from_a_zip(tmp_path):
    data = zipped(**{"QOF/PREVALENCE_2425.csv": "a\n", "readme.txt": "x", "MAP.xlsx": "y"})
    written = unpack("QOF2425.zip", data, tmp_path)
    assert sorted(p.name for p in written) == ["MAP.xlsx", "PREVALENCE_2425.csv"]


def test_fetch_follows_the_page_link_for_a_source(tmp_path):
    requested = []

    def get(url):
        requested.append(url)
        return PAGE.encode() if url.endswith("gp-practice") else b"PUBLICATION\n"

    files = fetch(["gp-reg-pat-prac"], tmp_path, get=get)
    assert requested[1] == "https://files.digital.nhs.uk/AB/CDEF/gp-reg-pat-prac-map.csv"
    assert [f.name for f in files] == ["gp-reg-pat-prac-map.csv"]
