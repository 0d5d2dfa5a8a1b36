"""Download the current national files from their publishers (sources.json).

Network access lives here only; finding links and unpacking archives are plain functions,
tested on local bytes. Parsing the downloaded files is the importers' job, unchanged."""

import io
import re
import urllib.request
import zipfile
from datetime import date
from pathlib import Path
from urllib.parse import urljoin

from imports.catalogue import catalogue

TIMEOUT = 60
USER_AGENT = "PCN Hub registry fetch (+https://github.com/)"


def find_links(html: str, base_url: str, pattern: str) -> list[str]:
    """Every href on the page whose address matches pattern, made absolute, first seen first."""
    found = []
    for href in re.findall(r"""href=["']([^"']+)["']""", html):
        url = urljoin(base_url, href)
        if re.search(pattern, href, flags=re.IGNORECASE) and url not in found:
            found.append(url)
    return found


def unpack(name: str, data: bytes, to: Path) -> list[Path]:
    """Write a download to `to`; a zip is unpacked to its data files (CSV and XLSX)."""
    to.mkdir(parents=True, exist_ok=True)
    if data[:4] != b"PK\x03\x04" or name.lower().endswith(".xlsx"):
        path = to / name
        path.write_bytes(data)
        return [path]
    written = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in archive.infolist():
            member_name = Path(member.filename).name
            if member.is_dir() or not member_name.lower().endswith((".csv", ".xlsx")):
                continue
            path = to / member_name
            path.write_bytes(archive.read(member))
            written.append(path)
    return written


def _get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
        return response.read()


def fetch(source_ids: list[str] | None, to: Path, get=_get) -> list[Path]:
    """Download each chosen source into `to`/<source>-<today>/ and return the files written."""
    written = []
    for source in catalogue()["sources"]:
        if source_ids and source["id"] not in source_ids:
            continue
        urls = [source["url"]]
        if source["link_pattern"]:
            page = get(source["url"]).decode("utf-8", "replace")
            urls = find_links(page, source["url"], source["link_pattern"])
            if not urls:
                raise LookupError(f"{source['id']}: no link matching the catalogue on its page")
        folder = to / f"{source['id']}-{date.today().isoformat()}"
        for url in urls:
            name = Path(url.split("?")[0]).name or f"{source['id']}.csv"
            written += unpack(name if "." in name else f"{name}.csv", get(url), folder)
    return written
