"""The survey link's token sealed for the reminder: the reminder carries the first email's link,
yet the database alone still yields no link.

The token is XORed with an HMAC-SHA256 of the invitation and the token's (stored) hash under a
key derived from SECRET_KEY: a one-time pad per token (the hashes are unique), verifiable on
opening (the opened token must hash to the stored hash). Without SECRET_KEY the sealed value is
as good as random; with a new SECRET_KEY it no longer opens and the reminder is not sent."""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac

from django.conf import settings

SEAL_SALT = "surveys.link-seal"


@functools.cache
def _keyed(secret: str):
    # The keyed HMAC once per key; each pad copies it (cheaper than keying it again).
    return hmac.new(hashlib.sha256(f"{SEAL_SALT}:{secret}".encode()).digest(), digestmod=hashlib.sha256)


def _pad(invitation_id: int, token_hash: str) -> bytes:
    mac = _keyed(settings.SECRET_KEY).copy()
    mac.update(f"{invitation_id}:{token_hash}".encode())
    return mac.digest()


def _xor(data: bytes, pad: bytes) -> bytes:
    return (int.from_bytes(data) ^ int.from_bytes(pad[: len(data)])).to_bytes(len(data))


def link_seal(invitation_id: int, token: str, token_hash: str) -> str:
    raw = token.encode()
    if len(raw) > 32:
        return ""
    sealed = _xor(raw, _pad(invitation_id, token_hash))
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")


def link_open(invitation_id: int, sealed: str, token_hash: str | None) -> str | None:
    """The token, or None when it cannot be had again (erased, or SECRET_KEY changed)."""
    if not sealed or not token_hash:
        return None
    try:
        raw = base64.urlsafe_b64decode(sealed + "=" * (-len(sealed) % 4))
    except ValueError:
        return None
    if len(raw) > 32:
        return None
    token = _xor(raw, _pad(invitation_id, token_hash))
    try:
        text = token.decode("ascii")
    except UnicodeDecodeError:
        return None
    if not hmac.compare_digest(hashlib.sha256(token).hexdigest(), token_hash):
        return None
    return text
