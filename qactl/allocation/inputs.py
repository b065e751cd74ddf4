"""Reading the plans register, the cohort and earlier allocations, with errors that name the row or line."""

from __future__ import annotations

import re
from difflib import get_close_matches
from pathlib import Path

from qactl.allocation.models import PLAN_TYPES, Auditor, Cohort, Plan
from qactl.errors import ConfigError, InputError, Problem

PLAN_COLUMNS = ("plan_id", "issued", "type", "team", "officer", "setting", "key_stage", "primary_need", "contributors")
AUDITOR_COLUMNS = ("id", "name", "service", "organisation", "email", "role", "capacity", "available")
_ALIASES = {"plan": "plan_id", "plan_ref": "plan_id", "id": "plan_id", "date_issued": "issued", "issue_date": "issued",
            "plan_type": "type", "need": "primary_need", "keystage": "key_stage", "ks": "key_stage", "contributor": "contributors",
            "organization": "organisation", "auditor_id": "id", "places": "capacity"}
_TYPE_WORDS = {"new": "new", "new plan": "new", "initial": "new", "amended": "amended", "amendment": "amended",
               "annual review": "annual review", "annual_review": "annual review", "review": "annual review", "ar": "annual review"}


def norm_header(text: str) -> str:
    """``Primary need`` → ``primary_need``; ``Plan ID`` → ``plan_id``."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _columns(sheet, known: tuple[str, ...], required: str, what: str, aliases: dict[str, str]) -> dict[str, int]:
    index: dict[str, int] = {}
    unknown: list[str] = []
    for i, h in enumerate(sheet.headers):
        if not h:
            continue
        key = norm_header(h)
        key = key if key in known else aliases.get(key, key)
        if key not in known:
            unknown.append(h)
            continue
        if key in index:
            raise InputError(f"{sheet.path}: the columns {sheet.headers[index[key]]!r} and {h!r} (row {sheet.header_row}) both mean `{key}`. Delete or rename one.")
        index[key] = i
    if required not in index:
        near = get_close_matches(required, [norm_header(h) for h in sheet.headers], n=1, cutoff=0.5)
        tip = f" (the nearest is {near[0]!r}: rename it to {required!r})" if near else ""
        raise InputError(f"{sheet.path}: no `{required}` column in the header (row {sheet.header_row}){tip}. Found: {', '.join(repr(h) for h in sheet.headers)}.")
    if unknown:
        parts = []
        for h in unknown:
            near = get_close_matches(norm_header(h), known, n=1, cutoff=0.6)
            parts.append(f"{h!r}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        raise InputError(
            f"{sheet.path}: unknown column{'s' if len(unknown) > 1 else ''} in the header (row {sheet.header_row}): {', '.join(parts)}. "
            f"A {what} has the columns {', '.join(known)}: rename the column, or delete it from the copy you give qactl."
        )
    return index


def read_plans(path: Path, sheet_name: str | None = None) -> tuple[list[Plan], str]:
    """The plans register as ``Plan`` records and its sha256. Duplicate ids, bad dates and bad types name the cell."""
    from qactl.dates import DateParseError, parse_date
    from qactl.sheets.reader import open_sheet

    sheet = open_sheet(path, sheet_name)
    col = _columns(sheet, PLAN_COLUMNS, "plan_id", "plans register", _ALIASES)
    plans: list[Plan] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    for row, values in sheet.rows:
        def get(name: str, values=values) -> object:
            i = col.get(name)
            return values[i] if i is not None and i < len(values) else None

        if all(v in (None, "") for v in values):
            continue
        pid = _text(get("plan_id"))
        if not pid:
            problems.append(f"{sheet.ref(row, col['plan_id'])}: no plan_id (every plan needs one)")
            continue
        if pid in seen:
            problems.append(f"{sheet.ref(row, col['plan_id'])}: plan_id {pid!r} is also on row {seen[pid]} (each plan once)")
            continue
        seen[pid] = row
        issued = None
        raw = get("issued")
        if raw not in (None, ""):
            try:
                issued = parse_date(raw)
            except DateParseError as e:
                problems.append(f"{sheet.ref(row, col['issued'])}: issued {_text(raw)!r}: {e}")
        ptype = None
        raw_type = _text(get("type"))
        if raw_type:
            ptype = _TYPE_WORDS.get(raw_type.lower().replace("-", " "))
            if ptype is None:
                problems.append(f"{sheet.ref(row, col['type'])}: type {raw_type!r} is not one of {', '.join(PLAN_TYPES)}")
        contributors = tuple(c.strip() for c in re.split(r"[;\n]", _text(get("contributors"))) if c.strip())
        plans.append(Plan(plan_id=pid, row=row, issued=issued, type=ptype, team=_text(get("team")), officer=_text(get("officer")),
                          setting=_text(get("setting")), key_stage=_text(get("key_stage")), primary_need=_text(get("primary_need")),
                          contributors=contributors))
        if len(problems) >= 20:
            break
    if problems:
        raise InputError(f"{path}: {len(problems)} problem{'s' if len(problems) > 1 else ''} in the plans register:\n" + "\n".join(f"  {p}" for p in problems)
                         + "\nCorrect the register (or a copy of it) and run again.")
    if not plans:
        raise InputError(f"{path}: the plans register has a header but no plans.")
    return plans, sheet.sha256


def read_cohort(path: Path) -> tuple[list[Auditor], str]:
    """The auditors from ``.yaml`` (``auditors:`` list) or a sheet (one row each), and the file's sha256."""
    from qactl.sheets.reader import file_sha256

    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        from qactl.yamlio import load_yaml, validate

        root = load_yaml(path, ConfigError)
        auditors = validate(Cohort, root, str(path), ConfigError).auditors
        lines = {}
        for i, a in enumerate(auditors):
            ln = root["auditors"].lc.item(i)[0] + 1 if hasattr(root["auditors"], "lc") else None
            if a.id in lines:
                raise ConfigError([Problem(str(path), ln, None, f"duplicate auditor id {a.id!r} (also at line {lines[a.id]})")])
            lines[a.id] = ln
        return auditors, file_sha256(path)
    from pydantic import ValidationError

    from qactl.sheets.reader import open_sheet

    sheet = open_sheet(path)
    col = _columns(sheet, AUDITOR_COLUMNS, "id", "cohort sheet", {k: v for k, v in _ALIASES.items() if v in AUDITOR_COLUMNS})
    auditors: list[Auditor] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    for row, values in sheet.rows:
        if all(v in (None, "") for v in values):
            continue
        rec = {k: values[i] for k, i in col.items() if i < len(values) and values[i] not in (None, "")}
        rec = {k: (_text(v) if k not in ("capacity", "available") else v) for k, v in rec.items()}
        if isinstance(rec.get("available"), str):
            rec["available"] = rec["available"].strip().lower() not in ("no", "n", "false", "0", "unavailable")
        if isinstance(rec.get("capacity"), float) and rec["capacity"].is_integer():
            rec["capacity"] = int(rec["capacity"])
        if not rec.get("id"):
            problems.append(f"{sheet.ref(row, col['id'])}: auditor with no id")
            continue
        try:
            a = Auditor.model_validate(rec)
        except ValidationError as e:
            err = e.errors(include_url=False)[0]
            problems.append(f"row {row}: {err['loc'][0]}: {err['msg']}, found {err.get('input')!r}")
            continue
        if a.id in seen:
            problems.append(f"{sheet.ref(row, col['id'])}: auditor id {a.id!r} is also on row {seen[a.id]}")
            continue
        seen[a.id] = row
        auditors.append(a)
    if problems:
        raise InputError(f"{path}: problems in the cohort:\n" + "\n".join(f"  {p}" for p in problems))
    return auditors, sheet.sha256


def read_allocations(paths: list[Path]) -> list[dict]:
    """Earlier allocations (``--history``/``--keep``), as written by ``qactl allocate``."""
    from qactl.results import read_allocation

    return [read_allocation(Path(p)) for p in paths]
