"""Encryption of secrets at rest (client secrets now; BSNs later) and keyed hashes for look-ups.

Keys come from BASISBAAN_ENCRYPTION_KEYS: comma-separated Fernet keys, newest first (older keys still
decrypt, so keys can be rotated). In development, when none are set, a key is derived from SECRET_KEY so
that `make run` works; production refuses to start without explicit keys (config.check).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class DecryptionError(RuntimeError):
    """A value could not be decrypted with any configured key."""


def _derive(secret: str, purpose: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"basisbaan", info=purpose).derive(secret.encode())


class Secrets:
    def __init__(self, keys: list[str], hash_key: bytes):
        if not keys:
            raise ValueError("at least one encryption key is needed")
        self._fernet = MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])
        self._hash_key = hash_key

    @classmethod
    def from_config(cls, config) -> "Secrets":
        raw = config.get("BASISBAAN_ENCRYPTION_KEYS") or ""
        keys = [k.strip() for k in str(raw).split(",") if k.strip()]
        if not keys:
            keys = [base64.urlsafe_b64encode(_derive(config["SECRET_KEY"], b"encryption")).decode()]
        # The look-up hash key is derived from the oldest key (the last in the list): rotating puts new keys
        # first, so existing hashes (BSN look-up, uniqueness) stay valid. Keep the last key when rotating.
        hash_key = _derive(keys[-1], b"keyed-hash")
        return cls(keys, hash_key)

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, token: str) -> str:
        try:
            return self._fernet.decrypt(token.encode()).decode()
        except InvalidToken as exc:
            raise DecryptionError("value cannot be decrypted with the configured keys") from exc

    def keyed_hash(self, value: str) -> str:
        return hmac.new(self._hash_key, value.encode(), hashlib.sha256).hexdigest()


def generate_key() -> str:
    return Fernet.generate_key().decode()
