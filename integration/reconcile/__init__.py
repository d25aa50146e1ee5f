"""Month-end reconciliation: reading a period from Actionstep, Xero and the ledger (`reader`), and the trust ledger
(`trust_reads`). The comparisons themselves are pure, in `integration.rules` (`reconcile`, `balances`, `trust`)."""
