"""Reading the plans register, the cohort and earlier allocations, with errors that name the row or line."""

from __future__ import annotations

import re
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Generic, NamedTuple, TypeVar

from qactl.allocation.models import PLAN_TYPES, Auditor, Cohort, Plan
from qactl.errors import ConfigError, InputError, Problem

if TYPE_CHECKING:
    from qactl.results import AllocationFile

PLAN_COLUMNS = (
    "plan_id",
    "issued",
    "type",
    "team",
    "officer",
    "setting",
    "key_stage",
    "primary_need",
    "contributors",
)
AUDITOR_COLUMNS = ("id", "name", "service", "organisation", "email", "role", "capacity", "available")
# Headings that case-management systems and council spreadsheets commonly use for the same columns, normalised
# as norm_header makes them (lower case, words joined by _). docs/allocate.md lists them for users.
PLAN_ALIASES = {
    "plan_id": (
        "plan",
        "plan_ref",
        "plan_reference",
        "plan_number",
        "plan_no",
        "ehcp_id",
        "ehcp_ref",
        "ehcp_reference",
        "ehcp_number",
        "ehcp_no",
        "ehc_plan_id",
        "ehc_plan_ref",
        "ehc_plan_reference",
        "ehc_plan_number",
        "id",
    ),
    "issued": (
        "date_issued",
        "issue_date",
        "date_of_issue",
        "issued_date",
        "plan_issued",
        "plan_issue_date",
        "date_plan_issued",
        "final_plan_issued",
        "date_final_plan_issued",
        "final_plan_date",
        "final_ehcp_date",
        "ehcp_issued",
        "date_finalised",
        "finalised_date",
        "date_of_final_plan",
    ),
    "type": ("plan_type", "ehcp_type", "type_of_plan", "issue_type", "plan_issue_type"),
    "team": ("locality", "area_team", "team_name", "send_team", "sen_team", "casework_team", "locality_team"),
    "officer": (
        "case_officer",
        "casework_officer",
        "caseworker",
        "case_worker",
        "ehc_coordinator",
        "ehcp_coordinator",
        "send_officer",
        "sen_officer",
        "plan_coordinator",
        "key_worker",
        "allocated_worker",
        "lead_officer",
    ),
    "setting": (
        "school",
        "school_name",
        "setting_name",
        "educational_setting",
        "education_setting",
        "placement",
        "current_setting",
        "current_school",
        "establishment",
        "provider",
        "named_setting",
        "school_or_setting",
    ),
    "key_stage": ("keystage", "ks", "key_stage_group"),
    "primary_need": (
        "need",
        "primary_need_type",
        "primary_sen_need",
        "primary_send_need",
        "sen_primary_need",
        "main_need",
        "primary_sen_type",
        "sen_type",
        "primary_area_of_need",
    ),
    "contributors": (
        "contributor",
        "advice_from",
        "advice_givers",
        "advice_received_from",
        "professionals_involved",
        "professionals",
        "contributing_professionals",
        "contributing_services",
    ),
}
AUDITOR_ALIASES = {
    "id": ("auditor_id", "auditor_ref", "staff_id"),
    "name": ("auditor", "auditor_name", "full_name"),
    "organisation": ("organization", "employer", "agency"),
    "email": ("email_address", "e_mail", "work_email"),
    "role": ("job_title", "post", "position"),
    "capacity": ("places", "number_of_plans"),
    "available": ("availability",),
}
_SAY_REQUIRED = {
    "plan_id": "Plan ID, EHCP ID, EHCP reference or Plan reference (docs/allocate.md lists every heading)",
    "id": "ID or Auditor ID",
}
_TYPE_WORDS = {
    "new": "new",
    "new plan": "new",
    "initial": "new",
    "amended": "amended",
    "amendment": "amended",
    "annual review": "annual review",
    "annual_review": "annual review",
    "review": "annual review",
    "ar": "annual review",
}


def _alias_map(aliases: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, int]]:
    """alias → (field, priority): the field's own name is 0, its aliases 1, 2… in the order listed."""
    return {alias: (key, k) for key, words in aliases.items() for k, alias in enumerate(words, start=1)}


def norm_header(text: str) -> str:
    """``Primary need`` → ``primary_need``; ``Plan ID`` → ``plan_id``; ``Child's name`` → ``child_s_name``."""
    return re.sub(r"[^a-z0-9]+", "_", str(text).strip().lower()).strip("_")


def _text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()


def _columns(
    sheet, known: tuple[str, ...], required: str, aliases: dict[str, tuple[str, ...]]
) -> tuple[dict[str, int], list[str]]:
    """Which column holds each known field, and the headers of the columns qactl does not use (ignored, never copied).

    A header matches a field by its own name or by an alias (``Date issued``, ``EHCP reference``…). A register
    exported from a case-management system carries many other columns (names, dates of birth, addresses): they
    are read past, not refused, and their values go nowhere.
    """
    by_alias = _alias_map(aliases)
    index: dict[str, int] = {}
    rank: dict[str, int] = {}
    ignored: list[str] = []
    for i, h in enumerate(sheet.headers):
        if not h:
            continue
        norm = norm_header(h)
        key, prio = (norm, 0) if norm in known else by_alias.get(norm, (None, 0))
        if key is None:
            ignored.append(" ".join(str(h).split()))
            continue
        if key in index:
            if rank[key] == prio:
                raise InputError(
                    f"{sheet.path}: the columns {sheet.headers[index[key]]!r} and {h!r} (row {sheet.header_row}) both mean "
                    f"{key.replace('_', ' ')}, so qactl cannot tell which to use. Rename one of them in the copy you give qactl."
                )
            if prio > rank[key]:  # a less specific heading (``ID`` beside ``EHCP reference``) is left out
                ignored.append(" ".join(str(h).split()))
                continue
            ignored.append(" ".join(str(sheet.headers[index[key]]).split()))
        index[key] = i
        rank[key] = prio
    if required not in index:
        words = _SAY_REQUIRED.get(required, repr(required))
        near = get_close_matches(required, [norm_header(h) for h in sheet.headers], n=1, cutoff=0.5)
        tip = f" The nearest is {near[0]!r}: rename it to {required!r}." if near else ""
        raise InputError(
            f"{sheet.path}: no {required.replace('_', ' ')} column in the header (row {sheet.header_row}): qactl looks "
            f"for a column headed {words} or similar.{tip} Found: {', '.join(repr(h) for h in sheet.headers if h)}."
        )
    return index, ignored


R = TypeVar("R", Plan, Auditor)


class Read(NamedTuple, Generic[R]):
    """A register or cohort as read: its records, the file's sha256, and the headers of the columns left out."""

    records: list[R]
    sha256: str
    ignored: list[str]


def read_plans(path: Path, sheet_name: str | None = None) -> Read[Plan]:
    """The plans register as ``Plan`` records, its sha256 and the columns ignored. Duplicate ids, bad dates and bad
    types name the cell."""
    from qactl.dates import DateParseError, parse_date
    from qactl.sheets.reader import open_sheet

    sheet = open_sheet(path, sheet_name)
    col, ignored = _columns(sheet, PLAN_COLUMNS, "plan_id", PLAN_ALIASES)
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
            problems.append(f"{sheet.ref(row, col['plan_id'])}: no plan ID (every plan needs one)")
            continue
        if pid in seen:
            problems.append(
                f"{sheet.ref(row, col['plan_id'])}: plan ID {pid!r} is also on row {seen[pid]} (each plan once)"
            )
            continue
        seen[pid] = row
        issued = None
        raw = get("issued")
        if raw not in (None, ""):
            try:
                issued = parse_date(raw)
            except DateParseError as e:
                problems.append(f"{sheet.ref(row, col['issued'])}: issue date {_text(raw)!r}: {e}")
        ptype = None
        raw_type = _text(get("type"))
        if raw_type:
            ptype = _TYPE_WORDS.get(raw_type.lower().replace("-", " "))
            if ptype is None:
                problems.append(
                    f"{sheet.ref(row, col['type'])}: plan type {raw_type!r} is not one of {', '.join(PLAN_TYPES)}"
                )
        contributors = tuple(c.strip() for c in re.split(r"[;\n]", _text(get("contributors"))) if c.strip())
        plans.append(
            Plan(
                plan_id=pid,
                row=row,
                issued=issued,
                type=ptype,
                team=_text(get("team")),
                officer=_text(get("officer")),
                setting=_text(get("setting")),
                key_stage=_text(get("key_stage")),
                primary_need=_text(get("primary_need")),
                contributors=contributors,
            )
        )
        if len(problems) >= 20:
            break
    if problems:
        raise InputError(
            f"{path}: {len(problems)} problem{'s' if len(problems) > 1 else ''} in the plans register:\n"
            + "\n".join(f"  {p}" for p in problems)
            + "\nCorrect the register (or a copy of it) and run again."
        )
    if not plans:
        raise InputError(f"{path}: the plans register has a header but no plans.")
    return Read(plans, sheet.sha256, ignored)


def read_cohort(path: Path) -> Read[Auditor]:
    """The auditors from ``.yaml`` (``auditors:`` list) or a sheet (one row each), the file's sha256, and the sheet's
    columns ignored. A YAML cohort is written by hand, so an unknown key there is a typo and an error."""
    from qactl.sheets.reader import file_sha256

    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        from qactl.yamlio import load_yaml, validate

        root = load_yaml(path, ConfigError)
        cohort = validate(Cohort, root, str(path), ConfigError).auditors
        lines: dict[str, int | None] = {}
        for i, a in enumerate(cohort):
            ln = root["auditors"].lc.item(i)[0] + 1 if hasattr(root["auditors"], "lc") else None
            if a.id in lines:
                raise ConfigError(
                    [
                        Problem(
                            str(path), ln, None, f"duplicate auditor id {a.id!r} (also at line {lines[a.id]})"
                        )
                    ]
                )
            lines[a.id] = ln
        return Read(cohort, file_sha256(path), [])
    from pydantic import ValidationError

    from qactl.sheets.reader import open_sheet

    sheet = open_sheet(path)
    col, ignored = _columns(sheet, AUDITOR_COLUMNS, "id", AUDITOR_ALIASES)
    auditors: list[Auditor] = []
    seen: dict[str, int] = {}
    problems: list[str] = []
    for row, values in sheet.rows:
        if all(v in (None, "") for v in values):
            continue
        rec = {k: values[i] for k, i in col.items() if i < len(values) and values[i] not in (None, "")}
        rec = {k: (_text(v) if k not in ("capacity", "available") else v) for k, v in rec.items()}
        if isinstance(rec.get("available"), str):
            rec["available"] = rec["available"].strip().lower() not in (
                "no",
                "n",
                "false",
                "0",
                "unavailable",
            )
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
    return Read(auditors, sheet.sha256, ignored)


def read_allocations(paths: list[Path]) -> list[AllocationFile]:
    """Earlier allocations (``--history``/``--keep``), as written by ``qactl allocate``."""
    from qactl.results import read_allocation

    return [read_allocation(Path(p)) for p in paths]
