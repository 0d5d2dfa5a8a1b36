"""A fictional STP-sized demo area, written in the real national NHS file formats.

The demo is loaded through the product's real importers, so every file copies a published
layout exactly: ODS `epraccur` and `ePCN`, and NHS Digital's "Patients Registered at a GP
Practice". All randomness comes from one seeded generator, so a seed always gives the same
bytes. Only the standard library is used, so the demo works where the national files are absent.

The area: region Y99 > STP QZ9 > three CCGs > 28 PCNs > 120 practices, with the outliers and
changes a commissioner meets in real life (a small rural PCN, a very large one, a
single-practice PCN, unaffiliated practices, a practice changing PCN, a practice closing).
"""

from __future__ import annotations

import csv
import io
import math
import random
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

SEED = 2019


@dataclass(frozen=True)
class Org:
    code: str
    name: str
    ons: str


@dataclass(frozen=True)
class Commissioner(Org):
    """A CCG, with its towns (name, postcode district) and how many ordinary PCNs it has."""

    towns: tuple[tuple[str, str], ...]
    regular_pcns: int


@dataclass(frozen=True)
class PcnPlan:
    """A PCN to build: where it is, how many practices, and its list size at January 2019."""

    name: str
    commissioner: str
    town: str
    practices: int
    patients: int


# --- The area's shape -------------------------------------------------------------------------

REGION = Org("Y99", "Demo North Region", "E40000999")
STP = Org("QZ9", "Demo Valley Health and Care Partnership", "E54000999")
COUNTY = "DEMOSHIRE"
COMMISSIONERS = (
    Commissioner(
        "99X",
        "NHS Demo Valley North CCG",
        "E38009991",
        (("Northwick", "DV1"), ("Ashby Moor", "DV2"), ("Kelderby", "DV3"), ("Hollinsford", "DV4")),
        regular_pcns=8,
    ),
    Commissioner(
        "99Y",
        "NHS Demo Valley Central CCG",
        "E38009992",
        (("Demoton", "DV5"), ("Castlebridge", "DV6"), ("Millbrook", "DV7"), ("Thornleigh", "DV8")),
        regular_pcns=9,
    ),
    Commissioner(
        "99Z",
        "NHS Demo Valley South CCG",
        "E38009993",
        (("Fernley", "DV9"), ("Brackenside", "DV10"), ("Upper Dale", "DV11"), ("Southam", "DV12")),
        regular_pcns=8,
    ),
)

PRACTICE_COUNT = 120
# The PCNs that fall outside the usual 30,000-50,000 patients. A single-practice PCN takes
# its practice's name, as such PCNs usually do.
OUTLIER_PCNS = (
    PcnPlan("Upper Dale Rural", "99Z", "Upper Dale", practices=5, patients=24_000),
    PcnPlan("Demoton Riverside", "99Y", "Demoton", practices=7, patients=68_000),
    PcnPlan("Castle Medical Group", "99X", "Kelderby", practices=1, patients=32_000),
)
# Practices that joined no PCN (commissioner, town, list size at January 2019): small ones.
UNAFFILIATED_PRACTICES = (("99X", "Hollinsford", 2_300), ("99Z", "Southam", 4_100))
REGULAR_PCN_PATIENTS = (32_000, 48_000)
REGULAR_PCN_PRACTICES = (3, 6)
REGULAR_PCN_QUALIFIERS = ("Central", "North", "South", "East", "West")
# Practice sizes inside a PCN are log-normal, like England's (median ~8,500, 2,000-30,000).
PRACTICE_SIZE_SIGMA = 0.5
PRACTICE_PATIENTS_RANGE = (2_000, 30_000)
PLAN_JITTER = 0.03  # planned list sizes above are met within 3%
ANNUAL_GROWTH = (0.005, 0.015)
QUARTERLY_NOISE = 0.003
AGE_TILT_SIGMA = 0.2

PRACTICE_CODES_FROM = 90001  # Y90001, Y90002, ...
COST_CENTRE_CODES_FROM = 95001
PCN_CODES = range(90000, 100000)  # U9xxxx
PHONE_PREFIX = "01632 960"  # Ofcom's range reserved for drama: never a real number

# PCNs went live on 1 July 2019; CCGs took over practices on 1 April 2013.
PCN_START = date(2019, 7, 1)
CCG_START = date(2013, 4, 1)
NHS_REORGANISATION = date(1974, 4, 1)
OLDEST_LATER_OPENING = date(1980, 1, 1)
LATEST_OPENING = date(2015, 12, 31)
SHARE_OPEN_SINCE_1974 = 0.6

# One practice moves between two PCNs of this CCG, and one practice of that CCG closes; most of
# its patients register with the largest practice of its PCN.
MOVER_COMMISSIONER = "99Y"
MOVE_DATE = date(2020, 4, 1)
CLOSURE_COMMISSIONER = "99Z"
CLOSURE_DATE = date(2020, 9, 30)
ABSORBED_SHARE = 0.85

# Other prescribing cost centres in epraccur, which a practice import must skip:
# (name, commissioner, town, prescribing setting, close date).
COST_CENTRES = (
    ("Demo Valley Out of Hours Service", "99X", "Northwick", "2", None),
    ("Northwick Walk-in Centre", "99X", "Northwick", "1", date(2017, 3, 31)),
    ("Demo Valley Recovery Service", "99Y", "Demoton", "8", None),
    ("Castlebridge Urgent Treatment Centre", "99Y", "Castlebridge", "12", None),
    ("Demo Valley Community Nursing", "99Z", "Fernley", "9", None),
)

# --- Names and addresses ----------------------------------------------------------------------

NAME_STEMS = (
    "Riverside", "Castle Street", "Park View", "Orchard", "Willows", "Market Square",
    "Church Lane", "Mill Lane", "Station Road", "Bridge Street", "High Street", "Victoria Road",
    "Elm Tree", "Oakwood", "Beechwood", "Meadowbank", "Brookside", "Valley View", "Hillside",
    "Moorland", "Abbey", "Priory", "St Mary's", "St John's", "St Luke's", "Kings Road",
    "Queens Park", "Albion Street", "Westgate", "Eastgate", "Northgate", "Southgate", "Fairfield",
    "Greenbank", "Ashfield", "Larkfield", "Rosehill", "Woodlands", "Heathview", "Canalside",
    "Chapel Street", "Lime Tree", "Springfield", "Thornbury", "Highfield", "Broad Street",
    "Cross Keys", "Laurel Bank", "Cedar House", "Beacon",
)  # fmt: skip
NAME_SUFFIXES = (
    "Surgery", "Medical Centre", "Medical Practice", "Health Centre", "Family Practice",
    "Group Practice",
)  # fmt: skip
STREETS = (
    "High Street", "Station Road", "Church Street", "Market Place", "Mill Lane", "Park Road",
    "Victoria Road", "Bridge Street", "North Road", "London Road", "School Lane", "The Green",
    "Chapel Street", "Queen Street", "King Street", "Albert Road", "Manor Road", "Water Lane",
)  # fmt: skip
POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters the inward code uses

# --- Registered patients by age and sex ---------------------------------------------------------

AGE_BANDS = tuple(f"{age}_{age + 4}" for age in range(0, 95, 5)) + ("95+",)
# England's registered population by five-year band, thousands (male, female), about 2019:
# women outnumber men from the mid-forties and by far at the oldest ages.
ENGLAND_PYRAMID = (
    (1727, 1643), (1788, 1702), (1632, 1553), (1563, 1478), (1806, 1716), (1936, 1897),
    (1889, 1887), (1788, 1800), (1690, 1708), (1881, 1930), (1911, 1961), (1686, 1728),
    (1451, 1510), (1353, 1436), (1264, 1387), (842, 990), (574, 762), (323, 520),
    (114, 248), (22, 78),
)  # fmt: skip
MIDDLE_BAND = 8  # 40_44: a practice's age tilt pivots here

# --- File extracts ------------------------------------------------------------------------------

EPRACCUR_EXTRACTS = (date(2019, 11, 1), date(2021, 4, 1))
EPCN_EXTRACTS = (date(2019, 12, 1), date(2021, 4, 1))
QUIN_AGE_EXTRACT = date(2019, 1, 1)
LIST_EXTRACTS = tuple(
    date(year, month, 1) for year in (2019, 2020, 2021) for month in (1, 4, 7, 10)
)
MAP_EXTRACT = date(2020, 9, 1)
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
PUBLICATION = "GP_PRAC_PAT_LIST"
UNALLOCATED = ("U", "Unallocated")  # what the practice map writes for a practice in no PCN


@dataclass(frozen=True)
class Layout:
    """How a file is written: its header (None: no header), quoting and line endings."""

    header: tuple[str, ...] | None
    quote_all: bool = False
    line_end: str = "\r\n"


# ODS downloads are CRLF; the ePCN sheets are our own LF exports of the workbook, as in
# ../shared; NHS Digital downloads are CRLF.
EPRACCUR = Layout(None, quote_all=True)
PCN_DETAILS = Layout(
    (
        "PCN Code", "PCN Name", "Current Clinical Commissioning Group Code",
        "Clinical Commissioning Group Name", "Open Date (YYYYMMDD)", "Close Date",
        "Address Line 1", "Address Line 2", "Address Line 3", "Address Line 4", "Address Line 5",
        "Postcode",
    ),
    line_end="\n",
)  # fmt: skip
PCN_PARTNERS = Layout(
    (
        "Partner Organisation Code", "Partner Name", "Practice Parent CCG Code",
        "Practice Parent CCG Name", "PCN Code", "PCN Name", "PCN Parent CCG Code",
        "PCN Parent CCG Name", "Practice to PCN Relationship Start Date",
        "Practice to PCN Relationship End Date", "Practice CCG and PCN CCG match?",
    ),
    line_end="\n",
)  # fmt: skip
QUIN_AGE = Layout(
    (
        "PUBLICATION", "EXTRACT_DATE", "ORG_TYPE", "ORG_CODE", "ONS_CODE", "POSTCODE", "SEX",
        "AGE_GROUP_5", "NUMBER_OF_PATIENTS",
    )
)  # fmt: skip
PRACTICE_TOTALS = Layout(
    (
        "PUBLICATION", "EXTRACT_DATE", "TYPE", "CCG_CODE", "ONS_CCG_CODE", "CODE", "POSTCODE",
        "SEX", "AGE", "NUMBER_OF_PATIENTS",
    )
)  # fmt: skip
PRACTICE_MAP = Layout(
    (
        "PUBLICATION", "EXTRACT_DATE", "PRACTICE_CODE", "PRACTICE_NAME", "PRACTICE_POSTCODE",
        "PCN_CODE", "PCN_NAME", "ONS_CCG_CODE", "CCG_CODE", "CCG_NAME", "ONS_STP_CODE",
        "STP_CODE", "STP_NAME", "ONS_COMM_REGION_CODE", "COMM_REGION_CODE", "COMM_REGION_NAME",
    )
)  # fmt: skip


# --- The model ----------------------------------------------------------------------------------


@dataclass(kw_only=True, eq=False)
class Site:
    """An epraccur row: a GP practice or another prescribing cost centre."""

    code: str = ""
    name: str
    commissioner: Commissioner
    address: tuple[str, ...]
    postcode: str
    phone: str
    opened: date
    closed: date | None = None
    setting: str = "4"

    def is_open(self, when: date) -> bool:
        return self.opened <= when and (self.closed is None or when <= self.closed)


@dataclass(kw_only=True, eq=False)
class Practice(Site):
    patients: int  # at January 2019
    growth: float
    noise: dict[date, float]
    age_tilt: float
    absorbs: Practice | None = None  # a closed practice whose patients mostly came here

    def patients_at(self, when: date) -> int:
        """List size at a list extract: slow growth with noise, plus any absorbed list."""
        years = (when - LIST_EXTRACTS[0]).days / 365.25
        own = self.patients * (1 + self.growth) ** years * (1 + self.noise[when])
        closed = self.absorbs.closed if self.absorbs else None
        if closed and closed < when:
            last_extract = max(d for d in LIST_EXTRACTS if d <= closed)
            own += ABSORBED_SHARE * self.absorbs.patients_at(last_extract)
        return round(own)


@dataclass(eq=False)
class Pcn:
    code: str
    name: str
    commissioner: Commissioner
    lead: Practice  # the PCN's address is its lead practice's


@dataclass(frozen=True, eq=False)
class Membership:
    practice: Practice
    pcn: Pcn
    start: date = PCN_START
    end: date | None = None

    def is_current(self, when: date) -> bool:
        return self.start <= when and (self.end is None or when <= self.end)


@dataclass
class Area:
    """The built demo area, naming who takes part in its changes (for tests and guides)."""

    practices: list[Practice]
    cost_centres: list[Site]
    pcns: list[Pcn]
    memberships: list[Membership]
    unaffiliated: list[Practice]
    mover: Membership | None = None  # the mover's membership before its move
    moved_to: Pcn | None = None
    closed: Practice | None = None
    absorber: Practice | None = None

    def pcn_of(self, practice: Practice, when: date) -> Pcn | None:
        current = [m.pcn for m in self.memberships if m.practice is practice and m.is_current(when)]
        return current[0] if current else None


# --- Building the area --------------------------------------------------------------------------


def apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split a whole number in proportion to weights, keeping the exact total (largest
    remainder), so files that publish both parts and totals always agree."""
    shares = [w * total / sum(weights) for w in weights]
    counts = [math.floor(s) for s in shares]
    by_remainder = sorted(range(len(shares)), key=lambda i: counts[i] - shares[i])
    for i in by_remainder[: total - sum(counts)]:
        counts[i] += 1
    return counts


def spread(total: int, parts: int, low: int, high: int, rng: random.Random) -> list[int]:
    """`total` split into `parts` whole numbers between low and high, at random."""
    counts = [low] * parts
    for _ in range(total - low * parts):
        counts[rng.choice([i for i, n in enumerate(counts) if n < high])] += 1
    return counts


class Namer:
    """Unique fictional names, postcodes and phone numbers for the area's sites."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.used: set[str] = set()

    def unique(self, make) -> str:
        while (value := make()) in self.used:
            pass
        self.used.add(value)
        return value

    def practice_name(self) -> str:
        def make():
            stem, suffix = self.rng.choice(NAME_STEMS), self.rng.choice(NAME_SUFFIXES)
            article = "The " if suffix in ("Surgery", "Medical Practice") else ""
            return f"{article}{stem} {suffix}"

        return self.unique(make)

    def postcode(self, district: str) -> str:
        letters = POSTCODE_LETTERS
        return self.unique(
            lambda: (
                f"{district} {self.rng.randint(1, 9)}"
                f"{self.rng.choice(letters)}{self.rng.choice(letters)}"
            )
        )

    def phone(self) -> str:
        return self.unique(lambda: f"{PHONE_PREFIX}{self.rng.randint(0, 999):03d}")

    def address(self, name: str, town: str) -> tuple[str, ...]:
        """ODS address lines 1-5: building, street, town, county, blank."""
        street = f"{self.rng.randint(1, 120)} {self.rng.choice(STREETS)}"
        return (name, street.upper(), town, COUNTY, "")

    def opened(self) -> date:
        if self.rng.random() < SHARE_OPEN_SINCE_1974:
            return NHS_REORGANISATION
        days = (LATEST_OPENING - OLDEST_LATER_OPENING).days
        return OLDEST_LATER_OPENING + timedelta(days=self.rng.randint(0, days))


def _commissioner(code: str) -> Commissioner:
    return next(c for c in COMMISSIONERS if c.code == code)


def _district(commissioner: Commissioner, town: str) -> str:
    return dict(commissioner.towns)[town]


def _site(namer: Namer, name: str, commissioner: Commissioner, town: str) -> dict:
    """The fields every epraccur row needs, for a site in `town`."""
    return dict(
        name=name,
        commissioner=commissioner,
        address=namer.address(name.upper(), town.upper()),
        postcode=namer.postcode(_district(commissioner, town)),
        phone=namer.phone(),
        opened=namer.opened(),
    )


def _practice(
    rng: random.Random, namer: Namer, commissioner: Commissioner, town: str, patients: int, name=""
) -> Practice:
    noise = {d: rng.gauss(0, QUARTERLY_NOISE) for d in LIST_EXTRACTS}
    noise[LIST_EXTRACTS[0]] = 0.0  # January 2019 is the planned list size itself
    return Practice(
        **_site(namer, name or namer.practice_name(), commissioner, town),
        patients=patients,
        growth=rng.uniform(*ANNUAL_GROWTH),
        noise=noise,
        age_tilt=rng.gauss(0, AGE_TILT_SIGMA),
    )


def _regular_plans(rng: random.Random) -> Iterator[PcnPlan]:
    """The ordinary PCNs: named after their towns, sharing the practices the outliers leave."""
    taken = sum(p.practices for p in OUTLIER_PCNS) + len(UNAFFILIATED_PRACTICES)
    pcn_count = sum(c.regular_pcns for c in COMMISSIONERS)
    sizes = iter(spread(PRACTICE_COUNT - taken, pcn_count, *REGULAR_PCN_PRACTICES, rng))
    for commissioner in COMMISSIONERS:
        used: set[tuple[str, str]] = set()
        for i in range(commissioner.regular_pcns):
            town = commissioner.towns[i % len(commissioner.towns)][0]
            qualifier = rng.choice([q for q in REGULAR_PCN_QUALIFIERS if (town, q) not in used])
            used.add((town, qualifier))
            patients = round(rng.uniform(*REGULAR_PCN_PATIENTS))
            yield PcnPlan(f"{town} {qualifier}", commissioner.code, town, next(sizes), patients)


def _practice_sizes(rng: random.Random, plan: PcnPlan) -> list[int]:
    """A PCN's list shared log-normally among its practices, within England's usual range."""
    patients = _jitter(rng, plan.patients)
    if plan.practices == 1:
        return [patients]
    low, high = PRACTICE_PATIENTS_RANGE
    while True:  # redraw rather than clamp, so no practice sits exactly on a limit
        weights = [rng.lognormvariate(0, PRACTICE_SIZE_SIGMA) for _ in range(plan.practices)]
        sizes = apportion(patients, weights)
        if low <= min(sizes) and max(sizes) <= high:
            return sizes


def _jitter(rng: random.Random, patients: int) -> int:
    """A planned list size, a little off so that no total is a suspiciously round number."""
    return round(patients * rng.uniform(1 - PLAN_JITTER, 1 + PLAN_JITTER))


def _assign_codes(practices: list[Practice], rng: random.Random) -> None:
    """Codes run by commissioner, as real ones run by area, but PCNs are mixed within one."""
    ordered = []
    for commissioner in COMMISSIONERS:
        theirs = [p for p in practices if p.commissioner is commissioner]
        rng.shuffle(theirs)
        ordered += theirs
    for number, practice in enumerate(ordered, start=PRACTICE_CODES_FROM):
        practice.code = f"Y{number:05d}"


def build_area(seed: int = SEED) -> Area:
    """The whole demo area, drawn from `seed`."""
    rng = random.Random(seed)
    namer = Namer(rng)
    plans = [*OUTLIER_PCNS, *_regular_plans(rng)]
    pcn_codes = rng.sample(PCN_CODES, len(plans))
    pcns, memberships, regular = [], [], []
    for plan, number in zip(plans, pcn_codes, strict=True):
        commissioner = _commissioner(plan.commissioner)
        single = plan.name if plan.practices == 1 else ""
        members = [
            _practice(rng, namer, commissioner, plan.town, patients, name=single)
            for patients in _practice_sizes(rng, plan)
        ]
        lead = max(members, key=lambda p: p.patients)
        pcn = Pcn(f"U{number}", f"{plan.name} PCN", commissioner, lead)
        pcns.append(pcn)
        memberships.append([Membership(p, pcn) for p in members])
        if plan not in OUTLIER_PCNS:
            regular.append(memberships[-1])
    unaffiliated = [
        _practice(rng, namer, _commissioner(code), town, _jitter(rng, patients))
        for code, town, patients in UNAFFILIATED_PRACTICES
    ]
    practices = [m.practice for ms in memberships for m in ms] + unaffiliated
    _assign_codes(practices, rng)
    flat = [m for ms in memberships for m in ms]
    area = Area(practices, _cost_centres(namer), pcns, flat, unaffiliated)
    _move_a_practice(area, _in_commissioner(regular, MOVER_COMMISSIONER))
    _close_a_practice(area, _in_commissioner(regular, CLOSURE_COMMISSIONER))
    return area


def _cost_centres(namer: Namer) -> list[Site]:
    return [
        Site(
            **_site(namer, name, _commissioner(code), town),
            code=f"Y{number:05d}",
            closed=closed,
            setting=setting,
        )
        for number, (name, code, town, setting, closed) in enumerate(
            COST_CENTRES, start=COST_CENTRE_CODES_FROM
        )
    ]


def _in_commissioner(pcns: list[list[Membership]], code: str) -> list[list[Membership]]:
    return [members for members in pcns if members[0].pcn.commissioner.code == code]


def _total(members: list[Membership]) -> int:
    return sum(m.practice.patients for m in members)


def _by_size(members: list[Membership]) -> list[Membership]:
    return sorted(members, key=lambda m: m.practice.patients)


def _swap_membership(area: Area, old: Membership, *new: Membership) -> None:
    at = area.memberships.index(old)
    area.memberships[at : at + 1] = new


def _move_a_practice(area: Area, pcns: list[list[Membership]]) -> None:
    """The smallest practice of the largest ordinary PCN moves to the smallest one at the start
    of a financial year, which keeps both PCNs near the usual size."""
    largest, smallest = max(pcns, key=_total), min(pcns, key=_total)
    leaving = _by_size(largest)[0]
    area.mover = replace(leaving, end=MOVE_DATE - timedelta(days=1))
    area.moved_to = smallest[0].pcn
    _swap_membership(
        area, leaving, area.mover, Membership(leaving.practice, area.moved_to, MOVE_DATE)
    )


def _close_a_practice(area: Area, pcns: list[list[Membership]]) -> None:
    """The smallest practice of the ordinary PCN with most practices closes; most of its
    patients register with that PCN's largest practice."""
    members = _by_size(max(pcns, key=len))
    closing, area.absorber = members[0], members[-1].practice
    area.closed = closing.practice
    area.closed.closed = CLOSURE_DATE
    area.absorber.absorbs = area.closed
    _swap_membership(area, closing, replace(closing, end=CLOSURE_DATE))


# --- Rows in each published layout --------------------------------------------------------------


def ymd(when: date | None) -> str:
    return f"{when:%Y%m%d}" if when else ""


def dd_mmm_yyyy(when: date) -> str:
    """01JAN2019: NHS Digital's CCG-era EXTRACT_DATE (no locale-dependent strftime)."""
    return f"{when.day:02d}{MONTHS[when.month - 1].upper()}{when.year}"


def dd_mmm_yy(when: date) -> str:
    """01-Sep-20: the practice map's EXTRACT_DATE."""
    return f"{when.day:02d}-{MONTHS[when.month - 1]}-{when.year % 100:02d}"


def epraccur_rows(area: Area, when: date) -> Iterator[list[str]]:
    """Every site as ODS published it at `when`, in code order; closed ones stay, marked C."""
    for site in sorted([*area.practices, *area.cost_centres], key=lambda s: s.code):
        if site.opened > when:
            continue
        closed = site.closed if site.closed and site.closed <= when else None
        code = site.commissioner.code
        yield [
            site.code, site.name.upper(), REGION.code, STP.code, *site.address, site.postcode,
            ymd(site.opened), ymd(closed), "C" if closed else "A", "B", code,
            ymd(max(site.opened, CCG_START)), ymd(closed), site.phone, "", "", "", "0", "",
            code, "", site.setting, "",
        ]  # fmt: skip


def _ccg(commissioner: Commissioner) -> list[str]:
    return [commissioner.code, commissioner.name.upper()]


def pcn_details_rows(area: Area) -> Iterator[list[str]]:
    """Every PCN (all opened on the day PCNs began, none has closed), at its lead practice."""
    for pcn in sorted(area.pcns, key=lambda p: (p.commissioner.code, p.name)):
        yield [
            pcn.code, pcn.name.upper(), *_ccg(pcn.commissioner), ymd(PCN_START), "",
            *pcn.lead.address, pcn.lead.postcode,
        ]  # fmt: skip


def pcn_partner_rows(area: Area, when: date) -> Iterator[list[str]]:
    """Memberships known at `when`; an end date shows once it has passed."""
    known = [m for m in area.memberships if m.start <= when]
    for m in sorted(known, key=lambda m: (m.pcn.commissioner.code, m.pcn.name, m.practice.code)):
        end = m.end if m.end and m.end <= when else None
        yield [
            m.practice.code, m.practice.name.upper(), *_ccg(m.practice.commissioner),
            m.pcn.code, m.pcn.name.upper(), *_ccg(m.pcn.commissioner),
            ymd(m.start), ymd(end),
            str(m.practice.commissioner == m.pcn.commissioner).upper(),
        ]  # fmt: skip


def _open_practices(area: Area, when: date) -> list[Practice]:
    return sorted(
        (p for p in area.practices if p.is_open(when)),
        key=lambda p: (p.commissioner.code, p.code),
    )


def age_sex_counts(practice: Practice, when: date) -> tuple[list[int], list[int]]:
    """Male and female counts per AGE_BANDS, summing exactly to the list: England's pyramid,
    tilted younger or older per practice (student towns, retirement villages)."""
    weights = [
        pyramid[sex] * math.exp(practice.age_tilt * (band - MIDDLE_BAND) / MIDDLE_BAND)
        for sex in (0, 1)
        for band, pyramid in enumerate(ENGLAND_PYRAMID)
    ]
    cells = apportion(practice.patients_at(when), weights)
    return cells[: len(AGE_BANDS)], cells[len(AGE_BANDS) :]


def quin_age_rows(area: Area, when: date) -> Iterator[list[str]]:
    for practice in _open_practices(area, when):
        male, female = age_sex_counts(practice, when)
        both = [m + f for m, f in zip(male, female, strict=True)]
        prefix = [PUBLICATION, dd_mmm_yyyy(when), "GP", practice.code, "", practice.postcode]
        for sex, bands in (("ALL", both), ("FEMALE", female), ("MALE", male)):
            for band, n in zip([*AGE_BANDS, "ALL"], [*bands, sum(bands)], strict=True):
                yield [*prefix, sex, band, str(n)]


def practice_total_rows(area: Area, when: date) -> Iterator[list[str]]:
    for p in _open_practices(area, when):
        c = p.commissioner
        yield [
            PUBLICATION, dd_mmm_yyyy(when), "GP", c.code, c.ons, p.code, p.postcode, "ALL", "ALL",
            str(p.patients_at(when)),
        ]  # fmt: skip


def practice_map_rows(area: Area, when: date) -> Iterator[list[str]]:
    for p in sorted((p for p in area.practices if p.is_open(when)), key=lambda p: p.code):
        pcn = area.pcn_of(p, when)
        c = p.commissioner
        yield [
            PUBLICATION, dd_mmm_yy(when), p.code, p.name.upper(), p.postcode,
            *((pcn.code, pcn.name.upper()) if pcn else UNALLOCATED),
            c.ons, c.code, c.name, STP.ons, STP.code, STP.name, REGION.ons, REGION.code,
            REGION.name,
        ]  # fmt: skip


# --- Writing ------------------------------------------------------------------------------------


def _files(area: Area) -> list[tuple[str, date, Layout, Iterable[list[str]]]]:
    """Each file's name stem, extract date, layout and rows, in the order they must be
    imported: practices before the PCNs that list them, list sizes after both."""

    def ods(practices_at: date, pcns_at: date):
        return [
            ("epraccur", practices_at, EPRACCUR, epraccur_rows(area, practices_at)),
            ("pcn_details", pcns_at, PCN_DETAILS, pcn_details_rows(area)),
            ("pcn_core_partner_details", pcns_at, PCN_PARTNERS, pcn_partner_rows(area, pcns_at)),
        ]

    quin_age = quin_age_rows(area, QUIN_AGE_EXTRACT)
    return [
        *ods(EPRACCUR_EXTRACTS[0], EPCN_EXTRACTS[0]),
        ("gp-reg-pat-prac-quin-age", QUIN_AGE_EXTRACT, QUIN_AGE, quin_age),
        *[
            ("gp-reg-pat-prac-all", when, PRACTICE_TOTALS, practice_total_rows(area, when))
            for when in LIST_EXTRACTS
        ],
        ("gp-reg-pat-prac-map", MAP_EXTRACT, PRACTICE_MAP, practice_map_rows(area, MAP_EXTRACT)),
        *ods(EPRACCUR_EXTRACTS[1], EPCN_EXTRACTS[1]),
    ]


def write_csv(path: Path, layout: Layout, rows: Iterable[list[str]]) -> Path:
    """Write bytes, not text, so line endings are the layout's on every platform."""
    buffer = io.StringIO()
    quoting = csv.QUOTE_ALL if layout.quote_all else csv.QUOTE_MINIMAL
    writer = csv.writer(buffer, quoting=quoting, lineterminator=layout.line_end)
    if layout.header:
        writer.writerow(layout.header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("ascii"))  # the national files are ASCII
    return path


def generate(out_dir: Path, seed: int = SEED) -> list[Path]:
    """Write the demo area's files in the real NHS formats; return them in the order they must
    be imported."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    area = build_area(seed)
    return [
        write_csv(out_dir / f"{stem}-{when:%Y-%m}.csv", layout, rows)
        for stem, when, layout, rows in _files(area)
    ]
