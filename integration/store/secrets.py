"""Encryption of OAuth tokens at rest (Fernet: AES-128-CBC + HMAC-SHA256, from `cryptography`).

Several keys may be given: the first encrypts, all decrypt, so a key can be rotated without reconnecting.
"""

from __future__ import annotations

import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

from integration.errors import LinkInvalid, SecretError


class TokenCipher:
    """Turns a token dict into ciphertext and back. Its repr never shows a key."""

    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise ValueError("at least one key is needed")
        self._fernet = MultiFernet([Fernet(key.encode()) for key in keys])

    def encrypt(self, tokens: dict[str, Any]) -> bytes:
        return self._fernet.encrypt(json.dumps(tokens, sort_keys=True, default=str).encode())

    def decrypt(self, ciphertext: bytes) -> dict[str, Any]:
        try:
            data: dict[str, Any] = json.loads(self._fernet.decrypt(ciphertext))
        except InvalidToken:
            raise SecretError(
                "Stored connection tokens cannot be decrypted with XEROBOT_SECRET_KEY: it is not the key they "
                "were saved with. Restore the old key (rotate by listing new,old) or reconnect."
            ) from None
        return data

    def seal(self, data: dict[str, Any]) -> str:
        """`data` as an opaque, tamper-proof, URL-safe string (e.g. an OAuth `state`); it records when it was made."""
        return self.encrypt(data).decode()

    def unseal(self, sealed: str, *, max_age: int) -> dict[str, Any]:
        """What `seal` sealed, if it is genuine and younger than `max_age` seconds; otherwise `LinkInvalid`."""
        try:
            data: dict[str, Any] = json.loads(self._fernet.decrypt(sealed.encode(), ttl=max_age))
        except (InvalidToken, ValueError):
            raise LinkInvalid("This link is not valid or has expired; ask for a new one.") from None
        return data

    def __repr__(self) -> str:
        return "TokenCipher(<keys hidden>)"


def generate_key() -> str:
    return Fernet.generate_key().decode()
