"""The Xero sandbox: Accounting API, identity (OAuth) and connections, as `emulator.XeroSandbox` serves them."""
