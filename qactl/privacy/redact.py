"""The one redaction policy: what of a child's identity is taken out of free text, and how.

Used by ``qactl score`` on every comment of every audit (unless ``--include-pii``), and available to any other
output that must carry free text. Placeholders, one per kind, the same everywhere:

============================  ===================================================================================
``[name]``                    a word of the audit's own personal text fields (the child's name: the whole name,
                              and each part of 3 letters or more alone, as a word)
``[NHS number]``              10 digits however grouped (spaces, dots, dashes, run together) whose Modulus 11 check
                              digit is right; 10 digits grouped 3-3-4 even when it is wrong; the audit's own NHS
                              number however grouped, even mistyped
``[UPN]``                     a letter, 11 digits and a digit or letter (the DfE unique pupil number's shape)
``[date of birth]``           the audit's own date of birth written in any common form: 03/04/2015, 3.4.15,
                              3-4-2015, 2015-04-03, 3 April 2015, 3rd of Apr 2015, April 3, 2015 (day first,
                              or month first when that is what matches)
============================  ===================================================================================

How names are matched. Text is compared *folded*: lower case, accents off (Zoë = Zoe), every apostrophe one
apostrophe (O’Neill = O'Neill), every dash a hyphen. A part of a name of 3 letters or more is found alone as a
word (not inside a longer word: Ann is not taken out of Annual); a hyphenated name is found with a space or none
(Mary-Jane = Mary Jane = MaryJane); O'Neill is found as ONeill and O Neill, and Neill alone. Parts shorter than 3
letters (Bo, Li, the O of O'Neill) and particles (van, de, bin…) are taken out only beside another part of the
name. Names found side by side become one ``[name]``; a possessive stays (``[name]'s``).

What it cannot catch: a name the audit does not hold (a sibling, a parent, a nickname: Tom for Thomas, or any
name at all in a rubric with no child's name field), a name misspelt, a date of birth written as month and year
only or with its day or year in words (the third of April), an address, a phone number or email, a UPN written
with spaces. A name that is also an
ordinary word (Hope, Will) is taken out wherever the word appears in that audit's comments.

Cost. Nothing is compiled per audit: the patterns below are compiled once. For each audit a :class:`Known` is
built from its personal values (folded, a few microseconds); each comment is folded once, searched for each of
those words with ``str.find``, and scanned once for number shapes only when it holds a digit.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from datetime import date

from qactl.scoring.cells import nhs_number_ok

NAME = "[name]"
NHS_NUMBER = "[NHS number]"
UPN = "[UPN]"
DATE_OF_BIRTH = "[date of birth]"
PLACEHOLDERS = (NAME, NHS_NUMBER, UPN, DATE_OF_BIRTH)

# Name parts never taken out on their own, only beside another part of the same name: they are ordinary words.
PARTICLES = frozenset(
    "al bin ibn ben bint da das de del della den der di do dos du el la le les los st ste ten ter van von zu".split()
)
_APOSTROPHES = "'’‘ʼ`´′ʹ"
_DASHES = "-‐‑‒–—―−"
_MIN_WORD = 3
_MONTH_NAMES = "jan feb mar apr may jun jul aug sep oct nov dec".split()


class _Fold(dict):
    """``str.translate`` table: each character to one character (so positions stay), filled as characters appear."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        if ch in _APOSTROPHES:
            out = "'"
        elif ch in _DASHES:
            out = "-"
        elif ch.isspace():
            out = " "
        else:
            base = "".join(
                c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
            ).lower()
            low = ch.lower()
            out = base if len(base) == 1 else (low if len(low) == 1 else ch)
        self[code] = out
        return out


_FOLD = _Fold()


def fold(text: str) -> str:
    """``text`` as redaction compares it, character for character: lower case, accents off, one apostrophe, one dash.

    The result has the same length as ``text`` (a character whose folded form would be longer is kept as it is), so
    a match in the folded text is at the same place in the original.
    """
    low = text.lower()
    if text.isascii():
        return low.replace("`", "'") if "`" in low else low
    if len(low) != len(text):  # a letter whose lower case is longer (İ): fold character by character
        return text.translate(_FOLD)
    if "`" in low:
        low = low.replace("`", "'")
    return _NON_ASCII.sub(_fold_match, low)  # the few non-ASCII characters only: most of a comment is ASCII


def _fold_match(m: re.Match[str]) -> str:
    return _FOLD[ord(m.group())]


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _digits(value: object) -> str:
    return "".join(c for c in str(value) if c.isdigit())


_EMPTY: frozenset[str] = frozenset()
# What separates the words of a name as written in a field ("Smith, John", "Zoe (Zee)", "J. Smith"): as a space.
_NAME_PUNCTUATION = str.maketrans(dict.fromkeys(',.;:()[]{}"/\\!?&+*=<>|_~^@#%$', " "))


class Known:
    """What one audit's free text is redacted of: its personal values, folded once. Build with :meth:`of`; never changed.

    ``words`` are found as whole words (name parts of 3+ letters, MaryJane for Mary-Jane, a whole name whose parts
    are too short to be found alone); ``short`` (name parts under 3 letters, particles) only beside a name found;
    ``numbers`` are the audit's NHS numbers as 10 digits (even with a wrong check digit); ``dob`` its dates of birth.
    """

    __slots__ = ("words", "short", "numbers", "dob", "years", "months")

    def __init__(
        self,
        words: tuple[str, ...] = (),
        short: frozenset[str] = frozenset(),
        numbers: frozenset[str] = frozenset(),
        dob: tuple[date, ...] = (),
    ) -> None:
        self.words, self.short, self.numbers, self.dob = words, short, numbers, dob
        # a date of birth can be in a text only if its year is (its last two digits), in words only if its month is
        self.years = tuple([f"{d.year % 100:02d}" for d in dob]) if dob else ()
        self.months = tuple([_MONTH_NAMES[d.month - 1] for d in dob]) if dob else ()

    def __repr__(self) -> str:
        return f"Known(words={self.words!r}, short={sorted(self.short)!r}, numbers={sorted(self.numbers)!r}, dob={self.dob!r})"

    @classmethod
    def of(
        cls,
        names: Iterable[object] = (),
        nhs_numbers: Iterable[object] = (),
        dobs: Iterable[date] = (),
        literals: Iterable[object] = (),
    ) -> Known:
        """``names``: the values of personal text fields; ``literals``: other personal values taken out as written
        (a date of birth that did not read as a date, say)."""
        words: set[str] = set()
        short: set[str] = set()
        for name in names:
            _name_forms(" ".join(fold(str(name)).translate(_NAME_PUNCTUATION).split()), words, short)
        for lit in literals:
            lit = " ".join(fold(str(lit)).split())
            if len(lit) >= _MIN_WORD:
                words.add(lit)
        numbers = frozenset(d for d in map(_digits, nhs_numbers) if len(d) == 10) if nhs_numbers else _EMPTY
        return cls(tuple(words), frozenset(short - words) if short else _EMPTY, numbers, tuple(dobs))

    @classmethod
    def guess(cls, values: Iterable[object]) -> Known:
        """From personal values of unknown kind (a report reading what a scored file kept with ``--include-pii``):
        dates and ISO date text are dates of birth, 10 digits an NHS number, anything else a name."""
        names, numbers, dobs = [], [], []
        for v in values:
            if v is None:
                continue
            if isinstance(v, date):
                dobs.append(v)
                continue
            text = str(v).strip()
            if _ISO_DATE.fullmatch(text):
                try:
                    dobs.append(date.fromisoformat(text))
                    continue
                except ValueError:
                    pass
            if len(_digits(text)) == 10 and not any(c.isalpha() for c in text):
                numbers.append(text)
            else:
                names.append(text)
        return cls.of(names, numbers, dobs)

    def __bool__(self) -> bool:
        return bool(self.words or self.numbers or self.dob)


NOTHING = Known()


def _name_forms(name: str, words: set[str], short: set[str]) -> None:
    """Add the forms of one folded name: its parts (3+ letters) as words, its short parts, the whole in every spacing."""
    found_short = False
    if "'" not in name and "-" not in name:  # most names: parts only
        parts = name.split()
        for p in parts:
            if len(p) >= _MIN_WORD and p not in PARTICLES:
                words.add(p)
            else:
                short.add(p)
                found_short = True
    else:
        parts = name.replace("-", " ").split()
        for part in parts:
            for form in {part, part.replace("'", "")}:
                (words if _letters(form) >= _MIN_WORD and form not in PARTICLES else short).add(form)
            if "'" in part:
                for sub in part.split("'"):
                    if sub:
                        (words if _letters(sub) >= _MIN_WORD and sub not in PARTICLES else short).add(sub)
            found_short = found_short or _letters(part) < _MIN_WORD or part in PARTICLES
        for token in name.split():
            if "-" in token:  # MaryJane for Mary-Jane
                joined = token.replace("-", "")
                words.update(f for f in (joined, joined.replace("'", "")) if _letters(f) >= _MIN_WORD)
    if len(parts) > 1:
        if found_short:
            # the whole name spaced and hyphenated, for a name some of whose parts are not found alone (Bo Li)
            bare = [p.replace("'", "") for p in parts]
            words.update({" ".join(parts), "-".join(parts), " ".join(bare), "-".join(bare)})
    elif parts and _letters(parts[0]) >= 2:
        words.add(parts[0])  # a one-word name of two letters is still the child's whole name


def _letters(text: str) -> int:
    """Letters and digits in a folded name part (its other characters are apostrophes and full stops)."""
    return len(text) - text.count("'") - text.count(".")


# ---------------------------------------------------------------- shapes: compiled once, for every audit

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# A run of digit groups joined by single separators: an NHS number however grouped, a numeric date, a UPN's digits.
_RUN = re.compile(r"\d+(?:[ .\-/–]\d+)*")
_SEPARATORS = str.maketrans(".-/–", "    ")
_GROUP = re.compile(r"\d+")
_MONTH = r"(?P<{}>jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_TEXT_DATE = re.compile(
    r"(?<![\w])(?=[\djfmasond])(?:"
    r"(?P<d1>\d{1,2})(?:st|nd|rd|th)?(?:\s+of)?[\s\-]+"
    + _MONTH.format("m1")
    + r",?[\s\-]+'?(?P<y1>\d{4}|\d{2})"
    r"|" + _MONTH.format("m2") + r"\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+'?(?P<y2>\d{4}|\d{2})"
    r")(?![\w])",
    re.IGNORECASE,
)
_MONTHS = {m: k for k, m in enumerate(_MONTH_NAMES, start=1)}


def _is_dob(y: str, m: int, d: int, dobs: tuple[date, ...]) -> bool:
    year = int(y)
    for dob in dobs:
        if m == dob.month and d == dob.day and (year == dob.year or (len(y) == 2 and year == dob.year % 100)):
            return True
    return False


def _runs(text: str, known: Known, spans: list[tuple[int, int, str]]) -> None:
    """UPNs, NHS numbers and numeric dates of birth in ``text``: one scan for digits, the rest only where there are some."""
    n = len(text)
    for m in _RUN.finditer(text):
        start, end = m.span()
        if start and text[start - 1].isalnum():  # digits inside a word (KS2, Year10), or a UPN's
            upn_end = _upn_end(text, start)
            if upn_end:
                spans.append((start - 1, upn_end, UPN))
            continue
        if end - start < 5 or (end < n and text[end].isalnum()):
            continue
        run = m.group()
        groups = run.translate(_SEPARATORS).split(" ")
        at, bounds = 0, []
        for g in groups:
            bounds.append((at, at + len(g)))
            at += len(g) + 1
        seps = [run[e] for _, e in bounds[:-1]]
        taken = [False] * len(groups)
        if known.dob and len(groups) >= 3:
            for k in range(len(groups) - 2):
                if seps[k] != seps[k + 1] or seps[k] == " ":
                    continue
                a, b, c = groups[k : k + 3]
                if (len(a) == 4 and len(c) <= 2 and _is_dob(a, int(b), int(c), known.dob)) or (
                    len(a) <= 2
                    and len(b) <= 2
                    and len(c) in (2, 4)
                    and (_is_dob(c, int(b), int(a), known.dob) or _is_dob(c, int(a), int(b), known.dob))
                ):
                    spans.append((start + bounds[k][0], start + bounds[k + 2][1], DATE_OF_BIRTH))
                    taken[k] = taken[k + 1] = taken[k + 2] = True
        for i in range(len(groups)):
            total = 0
            for j in range(i, len(groups)):
                if taken[j]:
                    break
                total += len(groups[j])
                if total < 10:
                    continue
                inner = seps[i:j]
                if total == 10 and len(set(inner)) <= 1:
                    digits = "".join(groups[i : j + 1])
                    if (
                        digits in known.numbers
                        or nhs_number_ok(digits)
                        or ([len(g) for g in groups[i : j + 1]] == [3, 3, 4] and inner[0] != "/")
                    ):
                        spans.append((start + bounds[i][0], start + bounds[j][1], NHS_NUMBER))
                        for t in range(i, j + 1):
                            taken[t] = True
                break


def _upn_end(text: str, start: int) -> int | None:
    """Where a UPN ends whose 11 or 12 digits begin at ``start`` (after its letter), or None: a letter, 11 digits and a
    digit or letter, as one word."""
    s = start - 1
    if not ("A" <= text[s] <= "Z" or "a" <= text[s] <= "z") or (s and text[s - 1].isalnum()):
        return None
    end = start + 12
    if len(text) < end or not text[start : start + 11].isdigit() or not text[end - 1].isalnum():
        return None
    return end if end == len(text) or not text[end].isalnum() else None


def _text_dates(text: str, dobs: tuple[date, ...], spans: list[tuple[int, int, str]]) -> None:
    for m in _TEXT_DATE.finditer(text):
        if m.group("d1"):
            d, mon, y = m.group("d1"), m.group("m1"), m.group("y1")
        else:
            d, mon, y = m.group("d2"), m.group("m2"), m.group("y2")
        if _is_dob(y, _MONTHS[mon.lower()], int(d), dobs):
            spans.append((m.start(), m.end(), DATE_OF_BIRTH))


def _name_spans(folded: str, known: Known) -> list[tuple[int, int, str]]:
    """Where the audit's names are in a folded text: each form found as a word, then the parts side by side joined,
    and the short parts beside them taken in."""
    n = len(folded)
    found: list[list[int]] = []
    for w in known.words:
        i = folded.find(w)
        while i >= 0:
            j = i + len(w)
            if (i == 0 or not folded[i - 1].isalnum()) and (j == n or not folded[j].isalnum()):
                found.append([i, j])
            i = folded.find(w, j)
    if not found:
        return []
    if len(found) == 1 and not known.short:
        return [(found[0][0], found[0][1], NAME)]
    found.sort()
    merged = _joined(folded, found)
    if known.short:
        for span in merged:
            _grow(folded, span, known.short)
        merged = _joined(folded, merged)
    return [(i, j, NAME) for i, j in merged]


def _joined(folded: str, spans: list[list[int]]) -> list[list[int]]:
    """Sorted spans, those that overlap or stand side by side (only separators between them) made one."""
    out: list[list[int]] = []
    for i, j in spans:
        if out and i <= out[-1][1] + 3 and _between(folded, out[-1][1], i):
            out[-1][1] = max(out[-1][1], j)
        else:
            out.append([i, j])
    return out


def _between(folded: str, end: int, start: int) -> bool:
    """Only separators between two parts of a name (a space, a hyphen, an apostrophe), or they overlap."""
    return not folded[end:start].strip(" -'")


def _grow(folded: str, span: list[int], short: frozenset[str]) -> None:
    """Take in the short parts of the name (Bo, O, van) that stand right beside a name found."""
    while True:
        i = span[0]
        k = i
        while k > 0 and i - k < 2 and folded[k - 1] in " -'":
            k -= 1
        s = k
        while s > 0 and folded[s - 1].isalnum():
            s -= 1
        if k < i and s < k and folded[s:k] in short and (s == 0 or not folded[s - 1].isalnum()):
            span[0] = s
            continue
        break
    n = len(folded)
    while True:
        j = span[1]
        k = j
        while k < n and k - j < 2 and folded[k] in " -'":
            k += 1
        e = k
        while e < n and folded[e].isalnum():
            e += 1
        if j < k and k < e and folded[k:e] in short:
            span[1] = e
            continue
        break


def redact(text: str, known: Known = NOTHING) -> str:
    """``text`` with the audit's names, NHS numbers, UPNs and date of birth replaced by their placeholders."""
    if not text:
        return text
    spans: list[tuple[int, int, str]] = []
    words = known.words
    if words:
        folded = fold(text)
        for w in words:
            if w in folded:  # most comments hold none of the words: one scan each, then done
                spans = _name_spans(folded, known)
                break
    raw = text.encode("utf-8", "surrogatepass")  # (a lone surrogate is possible in text read with errors)
    if len(raw.translate(None, b"0123456789")) != len(
        raw
    ):  # a digit: three times faster than a search for one
        _runs(text, known, spans)
        if known.dob and _month_and_year(text, known):
            _text_dates(text, known.dob, spans)
    if not spans:
        return text
    spans.sort()
    out: list[str] = []
    at = 0
    for i, j, label in spans:
        if i < at:  # overlaps the one before: already taken out
            if j > at:
                at = j
            continue
        out += [text[at:i], label]
        at = j
    out.append(text[at:])
    return "".join(out)


def _month_and_year(text: str, known: Known) -> bool:
    """Whether a date of birth could be written in words here: its year's last two digits and its month's name."""
    low = None
    for year, month in zip(known.years, known.months, strict=True):
        if year in text:
            if low is None:
                low = text.lower()
            if month in low:
                return True
    return False


class Redactor:
    """``Redactor(names, numbers, dobs)(text)``: :func:`redact` with one audit's values, for code that redacts one
    text at a time. ``numbers`` are ``(value, label)`` pairs as qactl 0.1 took them (an NHS number or a UPN)."""

    __slots__ = ("known",)

    def __init__(
        self,
        names: Iterable[object] = (),
        numbers: Iterable[tuple[object, str]] = (),
        dobs: Iterable[date] = (),
    ) -> None:
        numbers = list(numbers)
        self.known = Known.of(
            names,
            [v for v, label in numbers if label == NHS_NUMBER],
            dobs,
            [v for v, label in numbers if label != NHS_NUMBER],
        )

    def __call__(self, text: str) -> str:
        return redact(text, self.known)


def redactor(values: Iterable[object]):
    """A function that redacts ``values`` (personal values of unknown kind: see :meth:`Known.guess`) from a text."""
    known = Known.guess(values)

    def redact_one(text: str) -> str:
        return redact(text, known)

    return redact_one


# ---------------------------------------------------------------- masking a personal value in an error record


def mask(value: str, *, letters: bool = False) -> str:
    """``value`` with every digit as ``#`` (and, unless ``letters``, every letter as ``x``): its shape, not its content.

    ``31/02/2015`` → ``##/##/####``; ``943 476 5918`` → ``### ### ####``; with ``letters``, ``3 Febuary 2015`` →
    ``# Febuary ####`` (a month's name is not personal, and its typo is what to fix).
    """
    out = []
    for c in value:
        if c.isdigit():
            out.append("#")
        elif c.isalpha() and not letters:
            out.append("x")
        else:
            out.append(c)
    return "".join(out)


def mask_message(message: str, value: str, *, letters: bool = False) -> str:
    """A checker's message about a personal value, with the value (and any number taken from it) masked."""
    if value:
        message = message.replace(repr(value), repr(mask(value, letters=letters))).replace(
            value, mask(value, letters=letters)
        )
    numbers = {int(g) for g in _GROUP.findall(value)}
    if not numbers:
        return message
    return _GROUP.sub(lambda m: "#" * len(m.group()) if int(m.group()) in numbers else m.group(), message)
