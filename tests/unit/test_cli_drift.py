"""`xerobot drift` against the sandboxes over loopback HTTP: nothing found exits 0; a document voided in Xero is
printed (in words and as JSON) and exits 1 while its alert is open; the latest pass and the webhook events are
shown too."""

from __future__ import annotations

import json
from pathlib import Path

from sandboxes import demo_chart
from sandboxes.server import Sandboxes, settings_for
from tests.support.http import serving
from tests.support.xero_people import void_in_xero
from tests.unit.test_cli import base_env, xerobot


def test_the_drift_command_prints_what_changed_in_xero_and_exits_1_while_it_is_open(tmp_path: Path) -> None:
    sandboxes = Sandboxes.demo()
    with serving(sandboxes) as url:
        env = {
            **base_env(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'ledger.db'}",
            **settings_for(url),
        }
        mappings = tmp_path / "mappings.csv"
        mappings.write_text(
            "kind,source,xero\n" + "".join(f"{k},{s},{x}\n" for k, s, x in demo_chart.DEMO_MAPPINGS)
        )
        assert xerobot("mappings", "import", str(mappings), env=env, cwd=tmp_path).returncode == 0
        assert xerobot("db", "upgrade", env=env, cwd=tmp_path).returncode == 0
        assert xerobot("sync", "--json", env=env, cwd=tmp_path).returncode == 0
        quiet = xerobot("drift", env=env, cwd=tmp_path)
        assert quiet.returncode == 0, quiet.stdout + quiet.stderr
        assert "Nothing changed in Xero." in quiet.stdout
        sale = next(i for i in sandboxes.xero.invoices() if i["Type"] == "ACCREC" and i["Status"] == "AUTHORISED"
                    and not i["AmountPaid"] and not i["AmountCredited"])  # fmt: skip
        assert void_in_xero(sandboxes.xero, sale["InvoiceID"]).status_code == 200

        found = xerobot("drift", env=env, cwd=tmp_path)
        again = xerobot("drift", "--json", env=env, cwd=tmp_path)

    assert found.returncode == 1, found.stdout + found.stderr
    assert "[drift.voided]" in found.stdout and sale["InvoiceNumber"] in found.stdout
    assert again.returncode == 1  # nothing new, but the alert is still open
    assert "1 changed document(s) found." in found.stdout and "Last drift pass:" in found.stdout
    assert "Xero webhooks" not in found.stdout  # no webhook key here, and none received
    data = json.loads(again.stdout)
    assert data["open_alerts"] == 1 and data["findings"] == []
    assert data["last_pass"]["complete"] and data["last_pass"]["findings"] == 0
    assert data["last_pass"]["calls"] == data["calls"]
    assert data["webhooks"] == {
        "enabled": False, "received": 0, "checked": 0, "not_ours": 0, "other_tenant": 0, "pending": 0,
    }  # fmt: skip
