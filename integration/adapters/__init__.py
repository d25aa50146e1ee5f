"""Adapters: the ports (`integration.ports`) implemented over the Xero and Actionstep clients (`remotes`), the ledger
(`token_store`) and the settings (`oauth_apps`)."""
