"""Alerts: problems recorded once by fingerprint, counted, resolved by a later sync or check (`desk`)."""
