"""The size distribution of PCNs: plain arithmetic on (practices, patients) pairs, no database,
so anyone can check a figure by hand.

Bands follow the DES: below the minimum (size < 30,000), within (30,000 to 50,000, both
included, as the rules pass 30,000 and warn only above 50,000) and above the guide maximum.
Percentiles are Excel's PERCENTILE.INC: sort the n sizes, take the position p x (n - 1)
counting from 0, and interpolate linearly between the two sizes either side of it; the result
is rounded to one decimal place (half up).
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

PERCENTILES = (10, 50, 90)


def percentile_inc(values: list[int], p: int) -> Decimal | None:
    """The p-th percentile (0-100) of `values` as PERCENTILE.INC; None for no values."""
    if not values:
        return None
    if not 0 <= p <= 100:
        raise ValueError(f"a percentile is between 0 and 100, not {p}")
    ordered = sorted(values)
    position = Fraction(p, 100) * (len(ordered) - 1)
    below = int(position)  # floor: position is never negative
    above = min(below + 1, len(ordered) - 1)
    exact = ordered[below] + (position - below) * (ordered[above] - ordered[below])
    return (Decimal(exact.numerator) / Decimal(exact.denominator)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )


@dataclass(frozen=True)
class Distribution:
    pcns: int
    below: int  # size < minimum
    within: int  # minimum <= size <= maximum
    above: int  # size > maximum
    single_practice: int
    over_ten_practices: int  # more than 10 member practices
    percentiles: tuple[tuple[int, Decimal | None], ...]  # (10, p10), (50, p50), (90, p90)
    minimum: int
    maximum: int

    def percentile(self, p: int) -> Decimal | None:
        return dict(self.percentiles)[p]

    def rows(self) -> list[tuple[str, object]]:
        """Label and value of each figure, in the order every format shows them."""
        return [
            ("PCNs sized", self.pcns),
            (f"Below {self.minimum:,}", self.below),
            (f"{self.minimum:,} to {self.maximum:,}", self.within),
            (f"Above {self.maximum:,}", self.above),
            ("Single-practice PCNs", self.single_practice),
            ("PCNs with more than 10 practices", self.over_ten_practices),
            *((f"{p}th percentile of PCN size", v) for p, v in self.percentiles),
        ]


def distribution(
    sizes: list[tuple[int, int]], minimum: int = 30_000, maximum: int = 50_000
) -> Distribution:
    """The distribution of PCNs given as (member practices, patients) pairs."""
    patients = [n for _, n in sizes]
    return Distribution(
        pcns=len(sizes),
        below=sum(1 for n in patients if n < minimum),
        within=sum(1 for n in patients if minimum <= n <= maximum),
        above=sum(1 for n in patients if n > maximum),
        single_practice=sum(1 for practices, _ in sizes if practices == 1),
        over_ten_practices=sum(1 for practices, _ in sizes if practices > 10),
        percentiles=tuple((p, percentile_inc(patients, p)) for p in PERCENTILES),
        minimum=minimum,
        maximum=maximum,
    )
