"""API token format: `bb_<tenant slug>_<token id>_<secret>`, stored as a SHA-256 hash of the secret.

The tenant slug in the token lets the API answer 404 for another tenant's URL without looking anything
up; the id finds the row; the secret (256 bits) is compared as a hash in constant time. A fast hash is
right here: the secret is random, not a password, so there is nothing to brute-force.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import uuid
from dataclasses import dataclass

PREFIX = "bb"
_TOKEN_RE = re.compile(r"^bb_([a-z0-9-]{1,63})_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class ParsedToken:
    tenant_slug: str
    token_id: uuid.UUID
    secret: str


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def format_token(tenant_slug: str, token_id: uuid.UUID, secret: str) -> str:
    return f"{PREFIX}_{tenant_slug}_{token_id.hex}_{secret}"


def parse(raw: str) -> ParsedToken | None:
    match = _TOKEN_RE.match(raw or "")
    if not match:
        return None
    return ParsedToken(match.group(1), uuid.UUID(hex=match.group(2)), match.group(3))


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_matches(secret: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_secret(secret), stored_hash)
