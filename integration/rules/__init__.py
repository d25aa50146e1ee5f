"""Pure rules: facts in, verdict out. No HTTP, no SQL, no clock of their own; table- and property-tested.

`classify` (what happens to a listed document), `mapping` (which Xero account each line goes to), `posting`
(document to Xero payload), `unlink_plan` (the steps of an unlink), `schedule` (when jobs are due), `summary`,
`health` and `reporting` (what a report, a day or a check amounts to), `deeplinks` (Xero's pages).
"""
