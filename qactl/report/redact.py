"""Keeping a child's identity out of the report's free text.

``qactl score`` leaves pii fields out of its output (unless ``--include-pii``) and redacts the names it
knows from comments. The report redacts again, defensively: any value of a pii field still present in
an audit (its name, NHS number, date of birth, UPN) is replaced by ``[name]`` wherever it occurs in that
audit's comments, as is any name part of three letters or more and anything shaped like an NHS number.
"""

from __future__ import annotations

import re

PLACEHOLDER = "[name]"

# 10 digits as NHS numbers are written: 943 476 5919, 943-476-5919, 9434765919.
_NHS_SHAPE = re.compile(r"(?<!\d)\d{3}[ -]?\d{3}[ -]?\d{4}(?!\d)")
_DIGITS = re.compile(r"\D+")


def _value_pattern(value: str) -> list[str]:
    """Escaped patterns for one pii value: the whole value, its name parts, its digits however spaced."""
    value = " ".join(value.split())
    if not value:
        return []
    out = [re.escape(value).replace(r"\ ", r"\s+")]
    digits = _DIGITS.sub("", value)
    if len(digits) >= 6 and len(digits) >= len(value.replace(" ", "")) - 2:
        out.append(r"[ -]?".join(re.escape(d) for d in digits))
    else:
        for part in re.split(r"[\s\-]+", value):
            part = part.strip(".,'\"()")
            if len(part) >= 3 and not part.isdigit():
                out.append(re.escape(part))
    return out


def redactor(pii_values: list[str]):
    """A function that redacts the given values (and NHS-number shapes) from a text."""
    patterns: list[str] = []
    for v in pii_values:
        patterns += _value_pattern(str(v))
    patterns = sorted(set(patterns), key=len, reverse=True)
    regex = re.compile(r"(?<!\w)(?:" + "|".join(patterns) + r")(?!\w)", re.IGNORECASE) if patterns else None

    def redact(text: str) -> str:
        if regex is not None:
            text = regex.sub(PLACEHOLDER, text)
        return _NHS_SHAPE.sub(PLACEHOLDER, text)

    return redact


def redact_text(text: str, pii_values: list[str]) -> str:
    """``text`` with every pii value (and anything shaped like an NHS number) replaced by ``[name]``."""
    return redactor(pii_values)(text)
