"""The source catalogue (sources.json): publishers, addresses, cadence, QOF year dates."""

import json
import re
from datetime import date
from functools import cache
from pathlib import Path

CATALOGUE = Path(__file__).with_name("sources.json")


@cache
def catalogue() -> dict:
    return json.loads(CATALOGUE.read_text())


def qof_year_from_name(file_name: str) -> str | None:
    """PREVALENCE_1920.csv → 2019/20 (the QOF publication names files by year code)."""
    by_code = {year["code"]: name for name, year in catalogue()["qof_years"].items()}
    for code in re.findall(r"_(\d{4})(?=[_.])", file_name):
        if code in by_code:
            return by_code[code]
    return None


def qof_date(qof_year: str, which: str) -> date:
    return date.fromisoformat(catalogue()["qof_years"][qof_year][which])
