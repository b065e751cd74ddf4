"""A realistic national-scale export of the EPS advice audit: every child a different name, comments that mention them.

Not a test. The exports in bench/run.py repeat ten first names and five surnames, so anything keyed on the child
(redaction above all) is paid for once and cached: the figures flatter it. Here, as in a real export:

* every child has a different name (synthetic: built from syllables, so no real person is named), about a third
  with a middle name, some hyphenated (Mary-Jane), some with an apostrophe (O'Neill, written O’Neill with
  the curly apostrophe Word and phones type), some with accents (Zoë, Renée);
* dates of birth as text (03/04/2015) in half the rows and as Excel dates in the other half;
* three comments a row; most mention the child: first name, full name, possessive with a curly apostrophe, the name
  without its accents, a hyphenated name with a space, now and then the NHS number or date of birth;
* about 2% bad cells (a typo in an answer, an impossible date) and about 1% duplicate submissions.

Alongside each export, ``<name>.truth.jsonl`` lists for every data row the child's name parts, date of birth and
NHS number as written, and whether the date of birth cell was made unreadable, so a measurement can count what
reached the output.

    python bench/realistic.py 100000            # writes bench/.cache/eps-advice-realistic-100000.xlsx
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CACHE = HERE / ".cache"
RUBRIC = "eps-advice"

_ONSETS = [
    "B",
    "C",
    "D",
    "F",
    "G",
    "H",
    "J",
    "K",
    "L",
    "M",
    "N",
    "P",
    "R",
    "S",
    "T",
    "V",
    "W",
    "Y",
    "Z",
    "Br",
    "Ch",
    "Cl",
    "Dr",
    "Fl",
    "Gr",
    "Kr",
    "Pr",
    "Sh",
    "St",
    "Th",
    "Tr",
]
_VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ie", "oa", "y"]
_CODAS = ["", "", "", "n", "l", "r", "s", "th", "m", "nd", "rk", "x", "ck"]
_ACCENTED = {"e": "é", "a": "á", "o": "ö", "i": "ï"}
_SURNAME_ENDS = ["son", "ley", "ton", "well", "by", "ford", "more", "wick", "den", "ham"]

STRENGTHS = [
    "{first} is described warmly and {first}’s views are quoted in their own words.",
    "The advice captures {full} well: strengths, interests and what helps.",
    "Clear summary of needs; outcomes well linked to provision.",
    "{plain}'s voice comes through clearly in section A.",
    "Good use of parents’ views throughout – a model for the team.",
    "{spaced} engaged well with the assessment and the formulation is thoughtful.",
]
DEVELOPMENT = [
    "Some jargon in the provision section; consider plain English.",
    "Outcomes for {first} need to be more specific and time-bound.",
    "Provision is not specific about hours or who delivers it.",
    "NHS number {nhs} is on the front page of the advice: remove it before circulating.",
    "The advice gives {first} {last}'s date of birth as {dob}; check against the request.",
    "",
]
ACTIONS = [
    "Share with the EP team as an example of good practice.",
    "Discuss {first}'s outcomes at supervision.",
    "Ask the EP to add a formulation for {full}.",
    "",
    "",
]


def _syllable(rng: random.Random) -> str:
    return rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)


def _given(rng: random.Random) -> str:
    name = _syllable(rng) + _syllable(rng).lower()
    if rng.random() < 0.06:  # Zoë, Renée
        for plain, accented in _ACCENTED.items():
            if plain in name[1:]:
                name = name[0] + name[1:].replace(plain, accented, 1)
                break
    if rng.random() < 0.05:  # Mary-Jane
        name += "-" + _syllable(rng)
    return name


def _family(rng: random.Random) -> str:
    name = _syllable(rng) + rng.choice(_SURNAME_ENDS)
    roll = rng.random()
    if roll < 0.04:
        name = "O’" + name  # O’Neill, as Word and phones type it
    elif roll < 0.07:
        name = "O'" + name
    elif roll < 0.10:
        name = name + "-" + _syllable(rng) + rng.choice(_SURNAME_ENDS)
    return name


def _nhs_number(rng: random.Random) -> str:
    """A valid NHS number in the 999 range, which is never issued (the example generator's), grouped as people write it."""
    s = "".join(_EXAMPLES.nhs_number(rng).split())
    return rng.choice(
        [f"{s[:3]} {s[3:6]} {s[6:]}", s, f"{s[:3]}-{s[3:6]}-{s[6:]}", f"{s[:4]} {s[4:7]} {s[7:]}"]
    )


def _examples():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_exports", ROOT / "examples" / "make_exports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_EXAMPLES = _examples()


def _plain(text: str) -> str:
    """Accents off and the apostrophe straight: how a name is often typed in a comment."""
    import unicodedata

    text = text.replace("’", "'")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _dob_text(dob: date, rng: random.Random) -> str:
    return rng.choice(
        [
            dob.strftime("%d/%m/%Y"),
            f"{dob.day}.{dob.month}.{dob.year % 100:02d}",
            f"{dob.day} {dob:%B %Y}",
            dob.isoformat(),
        ]
    )


def children(n: int, seed: int = 2026) -> list[dict]:
    """``n`` children with distinct names."""
    rng = random.Random(seed)
    seen: set[str] = set()
    out = []
    while len(out) < n:
        first, last = _given(rng), _family(rng)
        middle = _given(rng) if rng.random() < 0.33 else None
        full = " ".join(p for p in (first, middle, last) if p)
        if full.casefold() in seen:
            continue
        seen.add(full.casefold())
        dob = date(2006, 9, 1) + timedelta(days=rng.randrange(365 * 16))
        out.append(
            {
                "first": first,
                "middle": middle,
                "last": last,
                "full": full,
                "dob": dob,
                "nhs": _nhs_number(rng),
            }
        )
    return out


def make(rows: int, seed: int = 2026) -> tuple[Path, Path]:
    """The export (``.xlsx``) and its truth file, cached in bench/.cache/."""
    CACHE.mkdir(parents=True, exist_ok=True)
    xlsx = CACHE / f"{RUBRIC}-realistic-{rows}.xlsx"
    truth = xlsx.with_suffix(".truth.jsonl")
    if xlsx.exists() and truth.exists():
        return xlsx, truth
    sys.path.insert(0, str(ROOT))
    import xlsxwriter

    from qactl.rubric.loader import resolve
    from qactl.rubric.models import Comment, Field, Item, Milestone

    rubric = resolve(RUBRIC).rubric
    rng = random.Random(seed * 31 + rows)
    cols = rubric.columns()
    headers = ["ID", "Start time", "Completion time", "Email", "Name", *[c.text for c in cols]]
    kids = children(rows, seed)
    print(
        f"  making {xlsx.name} ({rows:,} rows, {len(headers)} columns, every child a different name)…",
        flush=True,
    )
    t0 = time.perf_counter()
    tmp = xlsx.with_suffix(".tmp.xlsx")
    wb = xlsxwriter.Workbook(
        str(tmp),
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    ws = wb.add_worksheet("Sheet1")
    when_fmt, day_fmt = (
        wb.add_format({"num_format": "dd/mm/yyyy hh:mm"}),
        wb.add_format({"num_format": "dd/mm/yyyy"}),
    )
    ws.write_row(0, 0, headers)
    base = datetime(2025, 10, 1, 9, 0)
    previous: list | None = None
    previous_kid: dict = {}
    r = 0
    with truth.open("w", encoding="utf-8") as tf:
        for i in range(rows):
            kid = kids[i]
            if (
                previous is not None and rng.random() < 0.01
            ):  # a duplicate submission: the same audit sent twice
                values = list(previous)
                values[0] = i + 1
                kid = previous_kid
            else:
                start = base + timedelta(minutes=rng.randrange(0, 60 * 24 * 40))
                values = [
                    i + 1,
                    start,
                    start + timedelta(minutes=rng.randrange(5, 90)),
                    f"auditor{i % 400}@example.org",
                    f"Auditor {i % 400}",
                ]
                first, last = kid["first"], kid["last"]
                words = {
                    "first": first,
                    "last": last,
                    "full": kid["full"],
                    "plain": _plain(first),
                    "spaced": first.replace("-", " "),
                    "nhs": kid["nhs"],
                    "dob": _dob_text(kid["dob"], rng),
                }
                for c in cols:
                    if isinstance(c, Item):
                        label = rng.choice(rubric.scales[c.scale].choices).label
                        values.append(
                            label + "l" if rng.random() < 0.001 else label
                        )  # ~2% of rows: one typo among 19
                    elif isinstance(c, Field):
                        if c.role == "child_name":
                            values.append(kid["full"])
                        elif c.role == "dob":
                            values.append(
                                kid["dob"].strftime("%d/%m/%Y")
                                if rng.random() < 0.5
                                else datetime.combine(kid["dob"], datetime.min.time())
                            )
                        elif c.role == "auditor":
                            values.append(f"Auditor {i % 400}")
                        else:
                            values.append(f"EP {i % 90}")
                    elif isinstance(c, Milestone):
                        values.append(f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2025")
                    elif isinstance(c, Comment):
                        pool = {"strengths_found": STRENGTHS, "development": DEVELOPMENT}.get(c.id, ACTIONS)
                        values.append(rng.choice(pool).format(**words) or None)
                if (
                    rng.random() < 0.003
                ):  # an impossible date of birth (a comment may still give the real one)
                    values[headers.index("Date of birth")] = "31/02/2015"
                    kid = {**kid, "dob_unreadable": True}
            previous, previous_kid = values, kid
            r += 1
            for j, v in enumerate(values):
                if v is None:
                    continue
                if isinstance(v, datetime):
                    ws.write_datetime(r, j, v, when_fmt if v.time() != datetime.min.time() else day_fmt)
                else:
                    ws.write(r, j, v)
            tf.write(
                json.dumps(
                    {
                        "row": r + 1,
                        "first": kid["first"],
                        "middle": kid["middle"],
                        "last": kid["last"],
                        "dob": kid["dob"].isoformat(),
                        "nhs": kid["nhs"],
                        "dob_unreadable": kid.get("dob_unreadable", False),
                    },
                    ensure_ascii=False,
                )
                + "\n"
            )
    wb.close()
    tmp.replace(xlsx)
    print(f"  made in {time.perf_counter() - t0:.0f} s", flush=True)
    return xlsx, truth


if __name__ == "__main__":
    path, _ = make(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
    print(path)
