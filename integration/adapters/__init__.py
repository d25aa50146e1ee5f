"""Adapters: the ports (`integration.ports`) implemented over the Xero and Actionstep clients (`xero_gateway`,
`actionstep_gateway`, each building its client on first use through `lazy`), the ledger (`token_store`) and the
settings (`oauth_apps`)."""
