"""Keys and pseudonymous references: how an audit is linked across rounds without naming the child.

``ref`` is the first 12 hex digits of HMAC-SHA256 over the audit's normalised ``identify`` values under a
local key. The same key gives the same ref for the same child in every round, so rounds can be linked;
without the key no one can compute a ref from a name. The key comes from the environment variable
``QACTL_KEY``, else from a key file created on first use in the user's config folder (mode 0600).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

KEY_ENV = "QACTL_KEY"
REF_LENGTH = 12


def key_file() -> Path:
    from qactl.paths import user_config_dir

    return user_config_dir() / "key"


def load_key(on_create: Callable[[str], None] | None = None) -> bytes:
    """The HMAC key: ``$QACTL_KEY``, else the key file (created, with a notice through ``on_create``, if absent)."""
    env = os.environ.get(KEY_ENV)
    if env:
        return env.encode("utf-8")
    path = key_file()
    if path.is_file():
        return path.read_text(encoding="ascii").strip().encode("ascii")
    path.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(token + "\n")
    if on_create:
        on_create(
            f"Created the pseudonymisation key {path} (readable by you only). Keep it and back it up: "
            "the same key gives the same child the same ref in every round, so rounds can be linked; "
            "with a new key the links break. Share it only with colleagues who score the same area's audits "
            f"(or set {KEY_ENV} instead)."
        )
    return token.encode("ascii")


def normalise(value: object) -> str:
    """An identify value as the hash sees it: dates ISO, text case-folded with spaces collapsed."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return " ".join(str(value).split()).casefold()


def make_ref(key: bytes, values: Iterable[object]) -> str | None:
    """The pseudonymous ref of one audit, or ``None`` when every identify value is blank."""
    parts = [normalise(v) for v in values]
    if not any(parts):
        return None
    msg = "\x1f".join(parts).encode("utf-8")
    return hmac.digest(key, msg, "sha256").hex()[:REF_LENGTH]  # one-shot: a third of hmac.new's cost


class RefMaker:
    """``make_ref(key, values)`` for many audits under one key: the same refs, a third of the cost.

    HMAC-SHA256 (RFC 2104) with the key's inner and outer pads hashed once; each ref copies the two states
    instead of setting HMAC up anew. Checked against :func:`hmac.digest` when built.
    """

    def __init__(self, key: bytes) -> None:
        k = hashlib.sha256(key).digest() if len(key) > 64 else key
        k = k.ljust(64, b"\0")
        self._inner = hashlib.sha256(bytes(b ^ 0x36 for b in k))
        self._outer = hashlib.sha256(bytes(b ^ 0x5C for b in k))
        self._key = key
        probe = b"qactl\x1fself-check"
        self._fast = self._digest(probe) == hmac.digest(key, probe, "sha256").hex()

    def _digest(self, msg: bytes) -> str:
        inner = self._inner.copy()
        inner.update(msg)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()

    def __call__(self, values: Iterable[object]) -> str | None:
        parts = [normalise(v) for v in values]
        if not any(parts):
            return None
        msg = "\x1f".join(parts).encode("utf-8")
        if self._fast:
            return self._digest(msg)[:REF_LENGTH]
        return hmac.digest(self._key, msg, "sha256").hex()[:REF_LENGTH]
