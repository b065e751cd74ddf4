"""Pseudonymous references and redaction: what keeps a child's identity out of every output.

``ref`` is the first 12 hex digits of HMAC-SHA256 over the audit's normalised ``identify`` values under a
local key. The same key gives the same ref for the same child in every round, so rounds can be linked;
without the key no one can compute a ref from a name. The key comes from the environment variable
``QACTL_KEY``, else from a key file created on first use in the user's config folder (mode 0600).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
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


class Redactor:
    """Replaces an audit's own child name(s) and NHS number inside its comments.

    Built per audit from the values of its pii fields: text values (and each first name of three letters
    or more) become ``[name]``; NHS numbers, with or without spaces, become ``[NHS number]``; UPNs ``[UPN]``.
    """

    def __init__(self, names: Iterable[str] = (), numbers: Iterable[tuple[str, str]] = ()) -> None:
        words: set[str] = set()
        first_words: set[str] = set()  # the first word of each word, case-folded: the quick check of a comment
        for n in names:
            n = " ".join(str(n).split())
            if len(n) >= 2:
                words.add(n)
                first = n.split(" ")[0]
                first_words.add(first.casefold())
                if len(first) >= 3:
                    words.add(first)
                last = n.split(" ")[-1]
                if len(last) >= 3 and last != first:
                    words.add(last)
                    first_words.add(last.casefold())
        # Patterns are compiled only when a comment could contain one of the words (most do not): a regex per
        # audit costs more than the scoring at national scale. The words are sorted then too.
        self._word_set = words
        self._first_words = first_words
        self._numbers = [([c for c in str(d) if c.isalnum()], label) for d, label in numbers] if numbers else []
        self._patterns: list[tuple[re.Pattern[str], str]] | None = None

    @property
    def _words(self) -> list[str]:
        return sorted(self._word_set, key=len, reverse=True)

    def _compile(self) -> list[tuple[re.Pattern[str], str]]:
        patterns = []
        if self._words:
            alt = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in self._words)
            patterns.append((re.compile(rf"(?<!\w)(?:{alt})(?!\w)", re.I), "[name]"))
        for chars, label in self._numbers:
            if len(chars) >= 6:
                patterns.append((re.compile(r"[\s-]?".join(re.escape(c) for c in chars), re.I), label))
        return patterns

    def __call__(self, text: str) -> str:
        folded = text.casefold()
        for w in self._first_words:  # plain loops: this check runs for every comment of every audit
            if w in folded:
                break
        else:
            for chars, _ in self._numbers:
                if chars and chars[0].casefold() in folded and chars[-1].casefold() in folded:
                    break
            else:
                return text
        if self._patterns is None:
            self._patterns = self._compile()
        for pattern, label in self._patterns:
            text = pattern.sub(label, text)
        return text
