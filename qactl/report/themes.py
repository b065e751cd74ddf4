"""The theme dictionary (``templates/themes.yaml``): loading it, and finding its themes in comments.

Patterns are plain words and phrases, never regular expressions: each word is escaped, spaces match
any run of white space, a trailing ``*`` matches any word ending, and a match must start and end on a
word boundary. All patterns are compiled into one alternation (longest first), so each comment is
scanned once whatever the size of the dictionary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from pydantic import Field as PydField

from qactl.errors import ConfigError, Problem

Id = Annotated[str, PydField(pattern=r"^[a-z][a-z0-9_]*$")]


class Theme(BaseModel):
    """One theme: an id, what the report calls it, and the words that signal it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Id
    label: str
    description: str = ""
    patterns: list[str] = PydField(min_length=1)

    @field_validator("patterns")
    @classmethod
    def _not_blank(cls, patterns: list[str]) -> list[str]:
        for p in patterns:
            if not str(p).strip() or str(p).strip() == "*":
                raise ValueError(f"a pattern must hold a word, found {p!r}")
        return [str(p).strip() for p in patterns]


class ThemeFile(BaseModel):
    """The whole dictionary: ``themes:`` a list of themes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    themes: list[Theme] = PydField(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> ThemeFile:
        seen: set[str] = set()
        dups = []
        for t in self.themes:
            if t.id in seen:
                dups.append(f"duplicate theme id '{t.id}'")
            seen.add(t.id)
        if dups:
            raise ValueError("\n".join(dups))
        return self


def default_path() -> Path:
    from qactl.paths import data_dir

    return data_dir("templates") / "themes.yaml"


def load_themes(path: Path | None = None) -> ThemeFile:
    """Load and validate a theme dictionary; every problem names file:line:column."""
    from qactl.yamlio import load_yaml, validate

    path = Path(path) if path else default_path()
    root = load_yaml(path, ConfigError)
    if not isinstance(root, dict):
        raise ConfigError([Problem(str(path), 1, 1, "a theme dictionary is a mapping with a `themes:` list")])
    return validate(ThemeFile, root, str(path), ConfigError)


def _pattern(phrase: str) -> str:
    words = phrase.replace("\u2019", "'").split()
    parts = []
    for w in words:
        if w.endswith("*") and len(w) > 1:
            parts.append(re.escape(w[:-1]) + r"\w*")
        else:
            parts.append(re.escape(w))
    return r"\s+".join(parts)


@dataclass
class Matcher:
    """Finds the themes of a text in one scan."""

    regex: re.Pattern[str]
    owners: list[tuple[str, ...]]  # group number - 1 -> theme ids

    def themes_in(self, text: str) -> set[str]:
        found: set[str] = set()
        owners = self.owners
        for m in self.regex.finditer(text.replace("\u2019", "'")):
            found.update(owners[m.lastindex - 1])
        return found


def matcher(themes: ThemeFile) -> Matcher:
    """One regular expression for the whole dictionary, built from escaped words only."""
    by_phrase: dict[str, list[str]] = {}
    for t in themes.themes:
        for p in t.patterns:
            key = " ".join(p.casefold().split())
            owners = by_phrase.setdefault(key, [])
            if t.id not in owners:
                owners.append(t.id)
    phrases = sorted(by_phrase, key=lambda p: (-len(p), p))  # longest first: a phrase beats its own first word
    body = "|".join(f"({_pattern(p)})" for p in phrases)
    regex = re.compile(rf"(?<!\w)(?:{body})(?!\w)", re.IGNORECASE)
    return Matcher(regex, [tuple(by_phrase[p]) for p in phrases])
