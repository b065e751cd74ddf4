"""The theme dictionary (``templates/themes.yaml``): loading it, and finding its themes in comments.

Patterns are plain words and phrases, never regular expressions. A comment is split into words once
(case-folded; apostrophes and hyphens inside a word kept, other punctuation dropped); a pattern matches
when its words appear in that order, whole words only; a trailing ``*`` matches any ending of the last
word. Matching is by dictionary look-up, so its cost does not grow with the dictionary (100,000 audits'
comments take well under a second).

The dictionary's ``directions`` tell a concern from a strength (:class:`Reader`): a comment is read clause
by clause; a clause's themes take the clause's direction (its own words first, then its comment box's).
Nothing of a comment is kept but the themes and their directions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
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
                raise ValueError(f'* may only end a pattern ("outcome*"), found {p!r}')
            if p.endswith("*") and len(toks) == 1 and len(toks[0]) < 3:
                raise ValueError(f"a word ending in * needs at least 3 letters before the *, found {p!r}")
            out.append(p)
        return out


class Cues(BaseModel):
    """The words of one direction: in a clause (``words``) and in a comment box's question (``boxes``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    words: list[str] = []
    boxes: list[str] = []

    @field_validator("words", "boxes")
    @classmethod
    def _patterns(cls, patterns: list[str]) -> list[str]:
        return Theme._words(patterns) if patterns else patterns


class Directions(BaseModel):
    """How a comment on a theme is read as a concern or a strength."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    concern: Cues = Cues()
    strength: Cues = Cues()


class ThemeFile(BaseModel):
    """The whole dictionary: ``themes:`` a list of themes, and ``directions`` (optional: the shipped file's when left out)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    directions: Directions | None = None
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

    own = path is not None
    path = Path(path) if path else default_path()
    root = load_yaml(path, ConfigError)
    if not isinstance(root, dict):
        raise ConfigError([Problem(str(path), 1, 1, "a theme dictionary is a mapping with a `themes:` list")])
    themes = validate(ThemeFile, root, str(path), ConfigError)
    if own and themes.directions is None:  # a council's own dictionary without directions: the shipped ones
        themes = themes.model_copy(update={"directions": _shipped_directions()})
    return themes


@cache
def _shipped_directions() -> Directions | None:
    return load_themes().directions


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
    phrases: dict[
        str, list[tuple[tuple[str, ...], bool, set[str]]]
    ]  # first word -> [(other words, last is a stem, themes)]

    def __post_init__(self) -> None:
        self._single_keys = set(self.single)
        self._phrase_keys = set(self.phrases)
        self._first_words = self._single_keys | self._phrase_keys

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
                    if (
                        i + k < n
                        and tuple(toks[i + 1 : i + k]) == rest[:-1]
                        and (toks[i + k].startswith(rest[-1]) if last_stem else toks[i + k] == rest[-1])
                    ):
                        found |= themes
        return found

    def positions(self, toks: list[str], folded: str) -> list[tuple[int, set[str]]]:
        """Where in a list of words each pattern matches: (index of its first word, names). ``folded`` is the text the
        words come from (case-folded), used only to skip the stems it cannot hold."""
        single, phrases = self.single, self.phrases
        stems = [(stem, names) for stem, names in self.stems if stem in folded]
        firsts = self._first_words.intersection(toks)
        out: list[tuple[int, set[str]]] = []
        if not firsts and not stems:  # most comments: no pattern can start in them
            return out
        n = len(toks)
        for i, t in enumerate(toks):
            for stem, names in stems:
                if t.startswith(stem):
                    out.append((i, names))
            if t not in firsts:
                continue
            hit = single.get(t)
            if hit:
                out.append((i, hit))
            for rest, last_stem, names in phrases.get(t, ()):
                k = len(rest)
                if (
                    i + k < n
                    and tuple(toks[i + 1 : i + k]) == rest[:-1]
                    and (toks[i + k].startswith(rest[-1]) if last_stem else toks[i + k] == rest[-1])
                ):
                    out.append((i, names))
        return out


def matcher(themes: ThemeFile) -> Matcher:
    """The look-up tables of the whole dictionary, built once."""
    return _matcher((t.id, p) for t in themes.themes for p in t.patterns)


def _matcher(pairs) -> Matcher:
    """Look-up tables for (name, pattern) pairs: a text's match is the set of names whose patterns it holds."""
    single: dict[str, set[str]] = {}
    stems: dict[str, set[str]] = {}
    phrases: dict[str, list[tuple[tuple[str, ...], bool, set[str]]]] = {}
    for name, p in pairs:
        is_stem = p.endswith("*")
        toks = words(p.rstrip("*"))
        if len(toks) == 1 and not is_stem:
            single.setdefault(toks[0], set()).add(name)
        elif len(toks) == 1:
            stems.setdefault(toks[0], set()).add(name)
        else:
            phrases.setdefault(toks[0], []).append((tuple(toks[1:]), is_stem, {name}))
    return Matcher(single, sorted(stems.items()), phrases)


CONCERN, STRENGTH = "concern", "strength"
_BREAK = re.compile(r"[.;!?\n]")  # where a clause ends
_CUE = "\0"  # marks a direction word's name in the Reader's one matcher (no theme id starts with it)


class Reader:
    """Reads a comment for its themes and their directions: ``{theme: {"concern", "strength"} or empty}``.

    A comment is split into clauses (at ``. ; ! ?`` and line breaks). A clause's themes are a concern when it
    holds a concern word, else a strength when it holds a strength word, else take the direction of the
    comment box (the question it answers), if the box has one; a theme mentioned with no direction counts
    only as a mention.
    """

    def __init__(self, themes: ThemeFile) -> None:
        d = themes.directions or Directions()
        self.themes = matcher(themes)
        # themes and direction words in one matcher, so a comment's words are scanned once (cues are named apart)
        self.scan = _matcher(
            [
                *((t.id, p) for t in themes.themes for p in t.patterns),
                *((_CUE + CONCERN, p) for p in d.concern.words),
                *((_CUE + STRENGTH, p) for p in d.strength.words),
            ]
        )
        self.boxes = _matcher(
            [*((CONCERN, p) for p in d.concern.boxes), *((STRENGTH, p) for p in d.strength.boxes)]
        )
        self._seen: dict[tuple[str, str | None], dict[str, frozenset[str]]] = {}

    def box_direction(self, question: str) -> str | None:
        """The direction of a comment box from its question: one of the two, or none when it matches neither or both."""
        found = self.boxes.themes_in(question)
        return next(iter(found)) if len(found) == 1 else None

    def read(self, text: str, box: str | None = None) -> dict[str, set[str]]:
        return {t: set(d) for t, d in self.read_shared(text, box).items()}

    def read_shared(self, text: str, box: str | None = None) -> dict[str, frozenset[str]]:
        """:meth:`read`, returning the reader's own result: do not change it."""
        key = (text, box)
        got = self._seen.get(key)
        if got is None:
            got = self._read(text, box)
            if len(self._seen) < 50_000:  # comments repeat ("See above", boilerplate): each is read once
                self._seen[key] = got
        return got

    def _read(self, text: str, box: str | None) -> dict[str, frozenset[str]]:
        """One scan of the comment's words (clause breaks kept as tokens), then look-ups by clause."""
        folded = text.replace("\u2019", "'").casefold() if "\u2019" in text else text.casefold()
        toks: list[str] = []
        clause_of: list[int] = []
        for k, part in enumerate(_BREAK.split(folded)):
            words_ = _WORD.findall(part)
            toks += words_
            clause_of += [k] * len(words_)
        hits: list[tuple[int, str]] = []
        cues: dict[int, set[str]] = {}
        for i, names in self.scan.positions(toks, folded):
            for name in names:
                if name[0] == _CUE:
                    cues.setdefault(clause_of[i], set()).add(name[1:])
                else:
                    hits.append((i, name))
        out: dict[str, set[str]] = {}
        for i, theme in hits:
            c = cues.get(clause_of[i], ())
            direction = CONCERN if CONCERN in c else STRENGTH if STRENGTH in c else box
            seen = out.setdefault(theme, set())
            if direction:
                seen.add(direction)
        return {t: frozenset(d) for t, d in out.items()}
