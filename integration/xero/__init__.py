"""Xero: OAuth, the accounting API client, its rate governor and error catalogue."""
