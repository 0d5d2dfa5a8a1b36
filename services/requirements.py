"""The arithmetic of a network's weekly access requirement: plain numbers in, minutes out, no
database. The rule's figures (minutes per 1,000, rounding, Network Standard Hours) come from
the scheme (services/services.toml [[schemes]]); the population from the population rule.

    required minutes a week = population / 1,000 x minutes per 1,000, rounded as the scheme
    says: "quarter_hour" to the nearest 15 minutes, half-way (7.5 minutes past a quarter
    hour) going up; "none" the exact figure.

Met: the minutes provided are at least those required and, where the scheme has Network
Standard Hours, each part of the window (weekday evenings, Saturday) has at least as many
minutes as the window is long: fewer could not cover it (PCN Hub records minutes a week, not
times, so this is all it can check of the window).
"""

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

QUARTER_HOUR = Decimal(15)


def exact_minutes(population: Decimal | int, minutes_per_1000: Decimal | int) -> Decimal:
    """population / 1,000 x minutes per 1,000, exactly."""
    return Decimal(population) * Decimal(minutes_per_1000) / 1000


def rounded(minutes: Decimal, rounding: str) -> Decimal:
    """The minutes as the scheme counts them."""
    if rounding == "quarter_hour":
        quarters = (minutes / QUARTER_HOUR).quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return quarters * QUARTER_HOUR
    if rounding == "none":
        return minutes
    raise ValueError(f"unknown rounding {rounding!r}")


def required_minutes(
    population: Decimal | int, minutes_per_1000: Decimal | int, rounding: str
) -> Decimal:
    return rounded(exact_minutes(population, minutes_per_1000), rounding)


def hours_and_minutes(minutes: Decimal | int) -> str:
    """'15 h 30 min' (a part minute counts as a whole one: 937.02 -> '15 h 38 min')."""
    whole = int(Decimal(minutes).quantize(Decimal(1), rounding=ROUND_CEILING))
    hours, left = divmod(whole, 60)
    if not hours:
        return f"{left} min"
    return f"{hours} h" if not left else f"{hours} h {left} min"


@dataclass(frozen=True)
class WindowCheck:
    words: str  # "18:30 to 20:00 Monday to Friday"
    part: str  # evening or weekend
    window_minutes: int
    provided: int

    @property
    def short(self) -> bool:
        return self.provided < self.window_minutes

    @property
    def text(self) -> str:
        if self.short:
            return (
                f"{self.provided} {self.part} minutes a week cannot cover {self.words} "
                f"({self.window_minutes} minutes)"
            )
        return f"{self.part} minutes enough to cover {self.words} ({self.window_minutes} minutes)"


def window_checks(windows, evening: int, weekend: int) -> list[WindowCheck]:
    """Each Network Standard Hours window against the minutes of its part of the week."""
    minutes = {"evening": evening, "weekend": weekend}
    return [WindowCheck(w.words, w.part, w.minutes, minutes[w.part]) for w in windows]


def met(required: Decimal, provided: int, checks: list[WindowCheck]) -> bool:
    return Decimal(provided) >= required and not any(c.short for c in checks)
