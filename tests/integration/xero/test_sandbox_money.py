"""Property: the sandbox's totals are exact sums of its lines, with tax rounded per line as Xero documents."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from integration.clock import VirtualClock
from sandboxes.xero.emulator import XeroSandbox
from tests.integration.xero.sandbox_calls import Caller, invoice, item

RATES = {"OUTPUT": Decimal(10), "EXEMPTOUTPUT": Decimal(0)}
amounts = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("99999.99"), places=2)


@settings(max_examples=40, deadline=None)
@given(
    lines=st.lists(st.tuples(amounts, st.sampled_from(sorted(RATES))), min_size=1, max_size=8),
    inclusive=st.booleans(),
)
def test_totals_are_exact_sums_of_lines_with_tax_rounded_on_each_line(
    lines: list[tuple[Decimal, str]], inclusive: bool
) -> None:
    sandbox = XeroSandbox.demo(clock=VirtualClock())
    contact = sandbox.add_contact("Client")
    kind = "Inclusive" if inclusive else "Exclusive"
    body = invoice("INV-1", contact, *(item(str(a), tax=t) for a, t in lines), LineAmountTypes=kind)
    (created,) = Caller(sandbox).created("Invoices", {"Invoices": [body]})
    taxes = [
        (a * RATES[t] / ((100 + RATES[t]) if inclusive else 100)).quantize(Decimal("0.01"), ROUND_HALF_UP)
        for a, t in lines
    ]
    gross = sum((a for a, _ in lines), Decimal(0))
    assert [line["TaxAmount"] for line in created["LineItems"]] == taxes
    assert created["TotalTax"] == sum(taxes, Decimal(0))
    assert created["Total"] == (gross if inclusive else gross + sum(taxes, Decimal(0)))
    assert created["SubTotal"] + created["TotalTax"] == created["Total"]
