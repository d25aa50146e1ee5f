"""Actionstep: OAuth, the REST client with its envelope quirks, and the resource mapping."""
