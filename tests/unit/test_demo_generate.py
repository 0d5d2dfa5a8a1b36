"""The demo generator writes a realistic area in the real national layouts, the same every time.

The checks read the files as an importer would, not the generator's internals, so they hold
whatever the seed draws.
"""

import ast
import csv
import io
import re
import statistics
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from demo import generate as demo

EXPECTED_NAMES = [
    "epraccur-2019-11.csv",
    "pcn_details-2019-12.csv",
    "pcn_core_partner_details-2019-12.csv",
    "gp-reg-pat-prac-quin-age-2019-01.csv",
    *[
        f"gp-reg-pat-prac-all-{year}-{month:02d}.csv"
        for year in (2019, 2020, 2021)
        for month in (1, 4, 7, 10)
    ],
    "gp-reg-pat-prac-map-2020-09.csv",
    "epraccur-2021-04.csv",
    "pcn_details-2021-04.csv",
    "pcn_core_partner_details-2021-04.csv",
]
PRACTICE_CODE = re.compile(r"^[A-HJ-NP-Y]\d{5}$")
PCN_CODE = re.compile(r"^U\d{5}$")


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    return out, demo.generate(out)


@pytest.fixture(scope="module")
def out_dir(written):
    return written[0]


def rows(path: Path, header=True) -> list[dict[str, str]] | list[list[str]]:
    with path.open(newline="", encoding="ascii") as f:
        return list(csv.DictReader(f)) if header else list(csv.reader(f))


def gp_practices(out_dir: Path, name: str) -> dict[str, list[str]]:
    """epraccur GP practices (prescribing setting 4) by code, whatever their status."""
    return {r[0]: r for r in rows(out_dir / name, header=False) if r[25] == "4"}


def list_sizes(out_dir: Path, stamp: str) -> dict[str, int]:
    found = rows(out_dir / f"gp-reg-pat-prac-all-{stamp}.csv")
    return {r["CODE"]: int(r["NUMBER_OF_PATIENTS"]) for r in found}


def partners(out_dir: Path, stamp: str) -> list[dict[str, str]]:
    return rows(out_dir / f"pcn_core_partner_details-{stamp}.csv")


def pcn_lists(out_dir: Path) -> dict[str, list[int]]:
    """Each PCN's practice list sizes at January 2019, by its first membership."""
    sizes = list_sizes(out_dir, "2019-01")
    lists = defaultdict(list)
    for r in partners(out_dir, "2019-12"):
        lists[r["PCN Code"]].append(sizes[r["Partner Organisation Code"]])
    return lists


def test_files_are_written_in_the_returned_order(written):
    out, paths = written
    assert [p.name for p in paths] == EXPECTED_NAMES
    assert all(p.parent == out and p.is_file() for p in paths)
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPECTED_NAMES)


def test_generator_needs_only_the_standard_library_and_polars():
    tree = ast.parse(Path(demo.__file__).read_text())
    imported = {
        (node.module if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= set(sys.stdlib_module_names) | {"__future__", "polars"}


@pytest.mark.parametrize("name", ["epraccur-2019-11.csv", "epraccur-2021-04.csv"])
def test_epraccur_is_the_legacy_ods_layout(out_dir, name):
    data = (out_dir / name).read_bytes()
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    for line in data.decode("ascii").split("\r\n")[:-1]:
        fields = next(csv.reader(io.StringIO(line)))
        assert len(fields) == 27
        assert line == ",".join(f'"{v}"' for v in fields)  # every field quoted, no header
        assert fields[2:4] == ["Y99", "QZ9"]
        assert fields[14] == fields[23] and fields[21] == "0"


def test_area_has_about_120_practices_in_three_commissioners(out_dir):
    everything = rows(out_dir / "epraccur-2019-11.csv", header=False)
    practices = gp_practices(out_dir, "epraccur-2019-11.csv")
    assert 110 <= len(practices) <= 130
    assert all(PRACTICE_CODE.match(code) for code in practices)
    assert all(r[12] == "A" and r[13] == "B" for r in practices.values())
    assert {r[14] for r in practices.values()} == {"99X", "99Y", "99Z"}
    other_settings = {r[25] for r in everything} - {"4"}
    assert other_settings, "non-GP prescribing cost centres for the importer to skip"


def test_list_sizes_look_like_england(out_dir):
    sizes = list(list_sizes(out_dir, "2019-01").values())
    assert 7_000 <= statistics.median(sizes) <= 10_000
    assert min(sizes) >= 1_500 and min(sizes) <= 3_000
    assert 25_000 <= max(sizes) <= 35_000


def test_list_sizes_drift_slowly(out_dir):
    start, later = list_sizes(out_dir, "2019-01"), list_sizes(out_dir, "2020-01")
    growth = [later[code] / start[code] - 1 for code in later]
    assert 0.004 <= statistics.median(growth) <= 0.016
    assert all(abs(g) < 0.03 for g in growth)


def test_pcns_are_mostly_30_to_50_thousand_with_outliers(out_dir):
    lists = pcn_lists(out_dir)
    totals = [sum(sizes) for sizes in lists.values()]
    assert all(PCN_CODE.match(code) for code in lists)
    assert sum(30_000 <= t <= 50_000 for t in totals) >= 0.8 * len(totals)
    assert any(t < 30_000 for t in totals)
    assert any(t > 50_000 for t in totals)
    assert any(len(sizes) == 1 for sizes in lists.values())


def test_each_pcn_is_under_one_commissioner(out_dir):
    for stamp in ("2019-12", "2021-04"):
        details = rows(out_dir / f"pcn_details-{stamp}.csv")
        parent = {r["PCN Code"]: r["Current Clinical Commissioning Group Code"] for r in details}
        for r in partners(out_dir, stamp):
            assert r["PCN Parent CCG Code"] == parent[r["PCN Code"]]
            assert r["Practice Parent CCG Code"] == r["PCN Parent CCG Code"]
            assert r["Practice CCG and PCN CCG match?"] == "TRUE"
        assert {r["Open Date (YYYYMMDD)"] for r in details} == {"20190701"}


def test_one_or_two_practices_are_in_no_pcn(out_dir):
    members = {r["Partner Organisation Code"] for r in partners(out_dir, "2019-12")}
    unaffiliated = set(gp_practices(out_dir, "epraccur-2019-11.csv")) - members
    assert 1 <= len(unaffiliated) <= 2
    mapped = {r["PRACTICE_CODE"]: r for r in rows(out_dir / "gp-reg-pat-prac-map-2020-09.csv")}
    for code in unaffiliated:
        assert (mapped[code]["PCN_CODE"], mapped[code]["PCN_NAME"]) == ("U", "Unallocated")


def test_a_practice_moves_pcn_at_the_start_of_2020_21(out_dir):
    before = {r["Partner Organisation Code"]: r for r in partners(out_dir, "2019-12")}
    assert all(r["Practice to PCN Relationship End Date"] == "" for r in before.values())
    later = partners(out_dir, "2021-04")
    repeated = [
        c for c, n in Counter(r["Partner Organisation Code"] for r in later).items() if n > 1
    ]
    assert len(repeated) == 1
    mover = repeated[0]
    old, new = sorted(
        (r for r in later if r["Partner Organisation Code"] == mover),
        key=lambda r: r["Practice to PCN Relationship Start Date"],
    )
    assert old["PCN Code"] == before[mover]["PCN Code"] != new["PCN Code"]
    assert old["Practice to PCN Relationship Start Date"] == "20190701"
    assert old["Practice to PCN Relationship End Date"] == "20200331"
    assert new["Practice to PCN Relationship Start Date"] == "20200401"
    assert new["Practice to PCN Relationship End Date"] == ""
    mapped = {r["PRACTICE_CODE"]: r for r in rows(out_dir / "gp-reg-pat-prac-map-2020-09.csv")}
    assert mapped[mover]["PCN_CODE"] == new["PCN Code"]


def test_a_practice_closes_on_30_september_2020(out_dir):
    early = gp_practices(out_dir, "epraccur-2019-11.csv")
    late = gp_practices(out_dir, "epraccur-2021-04.csv")
    closed = [code for code, r in late.items() if r[12] == "C"]
    assert len(closed) == 1
    code = closed[0]
    assert early[code][11:13] == ["", "A"]
    assert late[code][11:13] == ["20200930", "C"] and late[code][16] == "20200930"
    ended = [r for r in partners(out_dir, "2021-04") if r["Partner Organisation Code"] == code]
    assert [r["Practice to PCN Relationship End Date"] for r in ended] == ["20200930"]
    mapped = {r["PRACTICE_CODE"] for r in rows(out_dir / "gp-reg-pat-prac-map-2020-09.csv")}
    assert code in mapped
    assert code in list_sizes(out_dir, "2020-07") and code not in list_sizes(out_dir, "2020-10")


def test_closed_practices_patients_mostly_move_to_a_neighbour(out_dir):
    area = demo.build_area()
    before, after = list_sizes(out_dir, "2020-07"), list_sizes(out_dir, "2020-10")
    gained = after[area.absorber.code] - before[area.absorber.code]
    assert 0.75 * before[area.closed.code] <= gained <= before[area.closed.code]


def test_quin_age_totals_are_consistent(out_dir):
    found = rows(out_dir / "gp-reg-pat-prac-quin-age-2019-01.csv")
    assert {(r["PUBLICATION"], r["EXTRACT_DATE"], r["ORG_TYPE"]) for r in found} == {
        ("GP_PRAC_PAT_LIST", "01JAN2019", "GP")
    }
    counts = {
        (r["ORG_CODE"], r["SEX"], r["AGE_GROUP_5"]): int(r["NUMBER_OF_PATIENTS"]) for r in found
    }
    assert len(counts) == len(found)
    totals = list_sizes(out_dir, "2019-01")
    bands = demo.AGE_BANDS
    assert bands[0] == "0_4" and bands[-2:] == ("90_94", "95+")
    for code, total in totals.items():
        assert counts[code, "ALL", "ALL"] == total
        for sex in ("ALL", "MALE", "FEMALE"):
            assert sum(counts[code, sex, band] for band in bands) == counts[code, sex, "ALL"]
        for band in (*bands, "ALL"):
            both = counts[code, "MALE", band] + counts[code, "FEMALE", band]
            assert counts[code, "ALL", band] == both


def test_quin_age_pyramid_has_more_older_women(out_dir):
    found = rows(out_dir / "gp-reg-pat-prac-quin-age-2019-01.csv")
    by_sex_band = Counter()
    for r in found:
        by_sex_band[r["SEX"], r["AGE_GROUP_5"]] += int(r["NUMBER_OF_PATIENTS"])
    assert by_sex_band["MALE", "0_4"] > by_sex_band["FEMALE", "0_4"]
    assert by_sex_band["FEMALE", "85_89"] > 1.4 * by_sex_band["MALE", "85_89"]
    over_65 = sum(by_sex_band["ALL", band] for band in demo.AGE_BANDS[13:])
    assert 0.14 <= over_65 / by_sex_band["ALL", "ALL"] <= 0.22


def test_national_layout_headers_and_dates(out_dir):
    totals = rows(out_dir / "gp-reg-pat-prac-all-2019-01.csv")
    assert list(totals[0]) == list(demo.PRACTICE_TOTALS.header)
    assert {(r["EXTRACT_DATE"], r["TYPE"], r["SEX"], r["AGE"]) for r in totals} == {
        ("01JAN2019", "GP", "ALL", "ALL")
    }
    mapped = rows(out_dir / "gp-reg-pat-prac-map-2020-09.csv")
    assert len(mapped[0]) == 16 and {r["EXTRACT_DATE"] for r in mapped} == {"01-Sep-20"}
    assert {(r["STP_CODE"], r["COMM_REGION_CODE"]) for r in mapped} == {("QZ9", "Y99")}
    assert (out_dir / "gp-reg-pat-prac-all-2021-10.csv").read_bytes().count(b"\r\n") > 100


def test_same_seed_gives_identical_bytes(tmp_path, written):
    out, paths = written
    again = demo.generate(tmp_path / "again")
    assert [p.read_bytes() for p in again] == [p.read_bytes() for p in paths]
    other = demo.generate(tmp_path / "other", seed=7)
    assert other[0].read_bytes() != paths[0].read_bytes()
