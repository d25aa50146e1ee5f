"""Rounding as the emulated services show amounts: half away from zero, to the cent.

The sandboxes keep their own copy rather than importing the engine's, so an emulator never shares code with the
client it tests.
"""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: Decimal) -> Decimal:
    """`amount` rounded half away from zero to the cent."""
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)
