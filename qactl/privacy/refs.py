"""Keys and pseudonymous references: how an audit is linked across rounds without naming the child.

``ref`` is the first 12 hex digits of HMAC-SHA256 over the audit's normalised ``identify`` values under a
local key. The same key gives the same ref for the same child in every round, so rounds can be linked;
without the key no one can compute a ref from a name. The key comes from the environment variable
``QACTL_KEY``, else from a key file created on first use in the user's config folder (mode 0600).
"""

from __future__ import annotations

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
    return hmac.digest(key, msg, "sha256").hex()[:REF_LENGTH]  # the standard module's one-shot HMAC
