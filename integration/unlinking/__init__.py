"""Unlinking a posted document: requests decided once and carried out under a lease (`unlinker`), one recorded
step at a time (`steps`). The plan itself is a pure rule (`integration.rules.unlink_plan`)."""
