"""The Xero sandbox: Accounting API, identity (OAuth) and connections, as `emulator.XeroSandbox` serves them.

The table of emulated wording and shapes, each with its source, is `docs/xero-sandbox.md`; each rule also names its
source beside the code that emulates it.
"""
