"""The theme dictionary (``templates/themes.yaml``): loading it, and finding its themes in comments.

Patterns are plain words and phrases, never regular expressions. A comment is split into words once
(case-folded; apostrophes and hyphens inside a word kept, other punctuation dropped); a pattern matches
when its words appear in that order, whole words only; a trailing ``*`` matches any ending of the last
word. Matching is by dictionary look-up, so its cost does not grow with the dictionary (100,000 audits'
comments take well under a second).
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
    def _words(cls, patterns: list[str]) -> list[str]:
        out = []
        for p in patterns:
            p = str(p).strip()
            toks = words(p.rstrip("*"))
            if not toks:
                raise ValueError(f"a pattern must hold a word, found {p!r}")
            if "*" in p.rstrip("*") or p.endswith("**"):
                raise ValueError(f"* may only end a pattern (\"outcome*\"), found {p!r}")
            if p.endswith("*") and len(toks) == 1 and len(toks[0]) < 3:
                raise ValueError(f"a word ending in * needs at least 3 letters before the *, found {p!r}")
            out.append(p)
        return out


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


# A word: letters and digits, with apostrophes and hyphens inside it ("child's", "post-16", "co-production").
_WORD = re.compile(r"\w+(?:['\-]\w+)*")


def words(text: str) -> list[str]:
    """The words of a text as the matcher sees them: case-folded, curly apostrophes made straight, punctuation dropped."""
    return _WORD.findall(text.replace("\u2019", "'").casefold())


@dataclass
class Matcher:
    """Finds the themes of a text: one scan of its words, then set and dictionary look-ups (no pattern is a regex)."""

    single: dict[str, set[str]]  # a one-word pattern -> themes
    stems: list[tuple[str, set[str]]]  # the stem of a "word*" pattern -> themes
    phrases: dict[str, list[tuple[tuple[str, ...], bool, set[str]]]]  # first word -> [(other words, last is a stem, themes)]

    def __post_init__(self) -> None:
        self._single_keys = set(self.single)
        self._phrase_keys = set(self.phrases)

    def themes_in(self, text: str) -> set[str]:
        folded = text.replace("\u2019", "'").casefold() if "\u2019" in text else text.casefold()
        toks = _WORD.findall(folded)
        ts = set(toks)
        found: set[str] = set()
        for t in ts & self._single_keys:
            found |= self.single[t]
        for stem, themes in self.stems:  # a substring test first: most comments hold few stems
            if stem in folded and not themes <= found and any(t.startswith(stem) for t in ts):
                found |= themes
        firsts = ts & self._phrase_keys
        if firsts:
            n = len(toks)
            for i, t in enumerate(toks):
                if t not in firsts:
                    continue
                for rest, last_stem, themes in self.phrases[t]:
                    k = len(rest)
                    if i + k < n and tuple(toks[i + 1 : i + k]) == rest[:-1] and (
                        toks[i + k].startswith(rest[-1]) if last_stem else toks[i + k] == rest[-1]
                    ):
                        found |= themes
        return found


def matcher(themes: ThemeFile) -> Matcher:
    """The look-up tables of the whole dictionary, built once."""
    single: dict[str, set[str]] = {}
    stems: dict[str, set[str]] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], bool, set[str]]]] = {}
    for t in themes.themes:
        for p in t.patterns:
            is_stem = p.endswith("*")
            toks = words(p.rstrip("*"))
            if len(toks) == 1 and not is_stem:
                single.setdefault(toks[0], set()).add(t.id)
            elif len(toks) == 1:
                stems.setdefault(toks[0], set()).add(t.id)
            else:
                phrases.setdefault(toks[0], []).append((tuple(toks[1:]), is_stem, {t.id}))
    return Matcher(single, sorted(stems.items()), phrases)
