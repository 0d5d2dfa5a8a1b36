"""Sharing an amount by weights: to the penny, adding up exactly."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from payments.engine import Payee
from payments.shareout import split


def test_equal_thirds_of_a_hundred_pounds_add_up():
    shares = split(Decimal("100.00"), {Payee(f"A0000{i}", ""): Decimal(1) for i in (1, 2, 3)})
    assert sorted(shares.values()) == [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]
    assert shares[Payee("A00001", "")] == Decimal("33.34")  # the tie goes to the lower code


@given(
    amount=st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False),
    weights=st.lists(st.integers(0, 60_000), min_size=1, max_size=12),
)
def test_shares_add_up_to_the_amount_and_none_is_negative(amount, weights):
    payees = {Payee(f"A{i:05d}", ""): Decimal(w) for i, w in enumerate(weights)}
    shares = split(amount, payees)
    if sum(weights):
        assert sum(shares.values()) == amount
    assert all(share >= 0 for share in shares.values())
    assert all(share.as_tuple().exponent == -2 for share in shares.values())


def test_a_recovery_of_a_hundred_pounds_splits_to_the_penny_as_a_payment_would():
    shares = split(Decimal("-100.00"), {Payee(f"A0000{i}", ""): Decimal(1) for i in (1, 2, 3)})
    assert sorted(shares.values()) == [Decimal("-33.34"), Decimal("-33.33"), Decimal("-33.33")]
    assert shares[Payee("A00001", "")] == Decimal("-33.34")  # the mirror of the payment


@given(
    amount=st.decimals(min_value=-(10**7), max_value=10**7, places=2, allow_nan=False),
    weights=st.lists(st.integers(0, 60_000), min_size=1, max_size=12),
)
def test_parts_add_up_to_what_was_received_positive_or_negative(amount, weights):
    """Sign-aware largest remainder: the parts add up exactly, each has the amount's sign (or
    is nothing), and each is its exact share rounded to a neighbouring penny."""
    payees = {Payee(f"A{i:05d}", ""): Decimal(w) for i, w in enumerate(weights)}
    shares = split(amount, payees)
    if not sum(weights):
        return
    assert sum(shares.values()) == amount
    total = sum(payees.values())
    for payee, share in shares.items():
        assert share * amount >= 0
        exact = amount * payees[payee] / total
        assert abs(share - exact) < Decimal("0.01")
    assert split(-amount, payees) == {p: -s for p, s in shares.items()}
