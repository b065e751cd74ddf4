"""The Practice Improvement Plan workbook: actions written by one round, read back and tracked by the next.

Wolverhampton QA Framework §5 (the Practice Improvement Plan "measures the impact of actions taken, using
audit findings") and Appendix A stage 4 ("Track themes and trends ... Monitor and review the action plan in
line with audit cycles"). Three functions:

* :func:`write_actions` writes the workbook (Actions sheet with a Status drop-down, an About sheet), atomically;
* :func:`read_actions` reads it back, after people have edited it in Excel; a bad status or due date is an
  error naming its cell;
* :func:`progress` pairs each action with the change in the finding it addresses since its baseline.

A *finding* is named by its ``source``: ``RUBRIC:ITEM`` (``eps-advice:smart_outcomes``) for one criterion,
or ``theme:THEME`` (``theme:timeliness``) for a theme; its value is a percentage met (0–100).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Iterable, Mapping
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from qactl import clock
from qactl.errors import ConfigError, InputError, Problem, QactlError

if TYPE_CHECKING:
    from qactl.triangulation.verdicts import Origin, ThemeResults

Status = Literal["Not started", "In progress", "Complete", "Overdue"]
STATUSES: list[str] = ["Not started", "In progress", "Complete", "Overdue"]
#: A change of less than this many percentage points is "no change" (one audit in a small round moves more).
CHANGE_MIN = 5.0


class Action(BaseModel):
    """One row of the improvement plan."""

    model_config = ConfigDict(frozen=True)

    id: str
    action: str = Field(min_length=1)
    owner: str | None = None
    due: dt.date | None = None
    status: Status = "Not started"
    source: str | None = None  # the finding addressed: "rubric:item" or "theme:id"
    baseline: float | None = None  # the finding's percentage when the action was set
    round: str | None = None  # the round that set the action
    notes: str | None = None


class Suggestion(BaseModel):
    """A suggested action from a report, before anyone owns it."""

    model_config = ConfigDict(frozen=True)

    source: str
    action: str
    baseline: float | None = None


class ActionProgress(BaseModel):
    """An action beside the change in its finding."""

    model_config = ConfigDict(frozen=True)

    action: Action
    status: Status  # as recorded, or Overdue when the due date has passed and it is not Complete
    current: float | None  # the finding now, when this round measured it
    change: float | None  # current − baseline, percentage points, 1 dp
    trend: Literal["improved", "declined", "no change", "not measured"]
    summary: str


def action_id(source: str) -> str:
    """A stable id for the action on a finding: ``PIP-`` and six hex digits of the source's hash."""
    key = " ".join(source.split()).casefold()
    return "PIP-" + hashlib.sha256(key.encode()).hexdigest()[:6].upper()


def plan(previous: Iterable[Action], suggestions: Iterable[Suggestion], round: str | None) -> list[Action]:
    """The next plan: every earlier action as it stands, then a new action for each suggestion on a finding no action addresses yet."""
    actions = list(previous)
    taken = {a.source for a in actions if a.source} | {a.id for a in actions}
    for s in suggestions:
        aid = action_id(s.source)
        if s.source in taken or aid in taken:
            continue
        actions.append(Action(id=aid, action=s.action, source=s.source, baseline=s.baseline, round=round))
        taken |= {s.source, aid}
    return actions


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------

KEY_HEADER = "Finding key (for qactl: do not change)"
COLUMNS = [
    ("id", "ID", 11),
    ("action", "Action", 60),
    ("owner", "Owner", 22),
    ("due", "Due", 12),
    ("status", "Status", 13),
    ("finding", "Finding", 44),
    ("baseline", "Baseline %", 11),
    ("round", "Round", 14),
    ("notes", "Notes", 40),
    ("source", KEY_HEADER, 24),  # hidden: how the next round finds the same finding
]


def finding_words(source: str | None) -> str | None:
    """The finding an action addresses, in words: ``eps-advice:smart_outcomes`` → ``Quality assurance of
    psychological advice: Outcomes are SMART``; ``theme:timeliness`` → ``Theme: Timeliness``. A rubric or theme not
    found on this machine is named as well as can be (``eps-advice: smart outcomes``)."""
    if not source:
        return None
    kind, _, key = source.partition(":")
    if not key:
        return source
    if kind == "theme":
        return f"Theme: {_theme_labels().get(key) or key.replace('_', ' ')}"
    found = _criteria(kind)
    if found is None:
        return f"{kind}: {key.replace('_', ' ')}"
    title, texts = found
    return f"{title}: {texts.get(key) or key.replace('_', ' ')}"


@functools.cache
def _theme_labels() -> dict[str, str]:
    from qactl.report.themes import load_themes

    try:
        return {t.id: t.label for t in load_themes().themes}
    except (QactlError, OSError):
        return {}


@functools.cache
def _criteria(rubric_id: str) -> tuple[str, dict[str, str]] | None:
    """A rubric's title and the text of each criterion and statutory date, by id; None when it is not found here."""
    from qactl.rubric.loader import resolve

    try:
        r = resolve(rubric_id).rubric
    except (QactlError, OSError):
        return None
    return r.title, {**{i.id: i.text for i in r.items}, **{m.id: m.text for m in r.milestones}}


def write_actions(
    path: str | Path,
    actions: Iterable[Action],
    *,
    title: str = "SEND Practice Improvement Plan",
    written: dt.date | None = None,
    inputs: list[Path] | None = None,
) -> None:
    """Write the improvement plan workbook to ``path`` in an output transaction of its own (nothing is left behind on failure)."""
    from qactl.sheets.writer import atomic_output

    actions = list(actions)
    _check_ids(actions)
    with atomic_output(path, inputs=inputs or (), option="--write-actions") as tmp:
        write_actions_workbook(tmp, actions, title=title, written=written)


def _check_ids(actions: list[Action]) -> None:
    seen: set[str] = set()
    for a in actions:
        if a.id in seen:
            raise ValueError(f"two actions share the id {a.id!r}")
        seen.add(a.id)


def write_actions_workbook(
    tmp: Path,
    actions: Iterable[Action],
    *,
    title: str = "SEND Practice Improvement Plan",
    written: dt.date | None = None,
) -> None:
    """Write the improvement plan workbook to ``tmp`` (a path staged by an output transaction).

    ``written`` (default today) is the date shown on the About sheet and stored as the file's creation
    date, so the same actions and date give the same bytes.

    Actions sheet: an Excel table with a frozen header, dates as dates, Status as a drop-down of
    :data:`STATUSES`; About sheet: what the columns mean and how to edit them.
    """
    import xlsxwriter

    actions = list(actions)
    _check_ids(actions)
    written = written or clock.today()
    wb = xlsxwriter.Workbook(
        str(tmp), {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}
    )
    wb.set_properties({"title": title, "created": dt.datetime.combine(written, dt.time())})
    head = wb.add_format({"bold": True, "text_wrap": True, "valign": "top"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    top = wb.add_format({"valign": "top"})
    day = wb.add_format({"num_format": "dd/mm/yyyy", "valign": "top"})
    pct = wb.add_format({"num_format": "0.0", "valign": "top"})
    ws = wb.add_worksheet("Actions")
    from qactl.sheets.xlsx import lines_needed

    wrapped = ("action", "finding", "notes")
    for c, (key, _, width) in enumerate(COLUMNS):
        ws.set_column(c, c, width, wrap if key in wrapped else top)
    for r, a in enumerate(actions, start=1):
        finding = finding_words(a.source)  # the finding in words; the other columns are the action's own
        lines = max(
            lines_needed((finding if k == "finding" else getattr(a, k)) or "", w)
            for k, _, w in COLUMNS
            if k in wrapped
        )
        if lines > 1:
            ws.set_row(r, 15 * lines)
        for c, (key, _, _) in enumerate(COLUMNS):
            if key == "finding":
                if finding is None:
                    ws.write_blank(r, c, None)
                else:
                    ws.write_string(r, c, finding)
                continue
            v = getattr(a, key)
            if v is None:
                ws.write_blank(r, c, None)
            elif key == "due":
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), day)
            elif key == "baseline":
                ws.write_number(r, c, v, pct)
            else:
                ws.write_string(r, c, str(v))
    last = max(len(actions), 1)
    ws.add_table(
        0,
        0,
        last,
        len(COLUMNS) - 1,
        {
            "name": "Actions",
            "style": "Table Style Light 9",
            "columns": [{"header": h, "header_format": head} for _, h, _ in COLUMNS],
        },
    )
    status_col = [k for k, _, _ in COLUMNS].index("status")
    ws.data_validation(
        1,
        status_col,
        max(last, 200),
        status_col,
        {
            "validate": "list",
            "source": STATUSES,
            "error_title": "Status",
            "error_message": "Choose Not started, In progress, Complete or Overdue.",
        },
    )
    due_col = [k for k, _, _ in COLUMNS].index("due")
    ws.data_validation(
        1,
        due_col,
        max(last, 200),
        due_col,
        {
            "validate": "date",
            "criteria": ">",
            "value": dt.datetime(2000, 1, 1),
            "error_title": "Due date",
            "error_message": "Enter a date, day first (31/03/2026).",
        },
    )
    key_col = [k for k, _, _ in COLUMNS].index("source")
    ws.set_column(key_col, key_col, 24, top, {"hidden": True})
    ws.freeze_panes(1, 0)
    from qactl.sheets.xlsx import page_setup

    page_setup(ws, landscape=True, repeat=0)
    about = wb.add_worksheet("About")
    about.set_column(0, 0, 18)
    about.set_column(1, 1, 100, wrap)
    rows = [
        ("What", title),
        ("Written", written.strftime("%d/%m/%Y") + " by qactl"),
        ("Actions", str(len(actions))),
        (
            "ID",
            "Stable: derived from the finding, so the next round finds the same action. Do not change it.",
        ),
        (
            "Status",
            "Not started, In progress, Complete or Overdue (the drop-down). qactl also shows an action as Overdue when its due date has passed and it is not Complete.",
        ),
        (
            "Finding",
            "The audit criterion or theme the action addresses. The next report shows its change since the baseline.",
        ),
        (
            "Finding key",
            "A hidden column: how qactl finds the same finding in the next round. Leave it as it is; a row you add may leave it blank.",
        ),
        ("Baseline %", "The finding's percentage met when the action was set."),
        (
            "Editing",
            "Edit owners, due dates, status and notes freely, add rows inside the table, and give the file back to qactl report --actions.",
        ),
        ("Source", "Wolverhampton SEND QA Framework §5 (Practice Improvement Plan) and Appendix A stage 4."),
    ]
    for r, (k, v) in enumerate(rows):
        about.write_string(r, 0, k, head)
        about.write_string(r, 1, v)
    page_setup(about, landscape=False, repeat=None)
    wb.close()


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------

_HEADER_WORDS = {
    "id": ["id", "action id", "ref"],
    "action": ["action", "actions", "what"],
    "owner": ["owner", "lead", "responsible"],
    "due": ["due", "due date", "by when", "deadline"],
    "status": ["status", "rag", "progress"],
    "source": [
        KEY_HEADER,
        "finding key",
        "source finding",
        "source",
    ],  # "Source finding": the key, as plans before 0.2 wrote it
    "baseline": ["baseline", "baseline percent", "baseline %"],
    "round": ["round", "set in round"],
    "notes": ["notes", "update", "comments"],
}


def read_actions(path: str | Path) -> list[Action]:
    """Read an improvement plan workbook (or CSV) back, as people left it.

    Blank rows are skipped; a row with no ID gets one from its source (or its text). Raises
    :class:`~qactl.errors.ConfigError` listing every bad cell (``Actions!E5: unknown status ...``), or
    :class:`~qactl.errors.InputError` when the file or its Action column is missing.
    """
    from qactl.dates import DateParseError, parse_date
    from qactl.rubric.models import norm_header
    from qactl.sheets.reader import open_sheet

    path = Path(path)
    sheet = open_sheet(path)
    if "Actions" in sheet.sheet_names and sheet.name != "Actions":
        sheet = open_sheet(path, "Actions")
    lookup = {norm_header(w): k for k, words in _HEADER_WORDS.items() for w in words}
    cols: dict[str, int] = {}
    for c, h in enumerate(sheet.headers):
        key = lookup.get(norm_header(h))
        if key and key not in cols:
            cols[key] = c
    if "action" not in cols:
        raise InputError(
            f"{path}: the sheet {sheet.name!r} has no Action column (headers: {', '.join(h for h in sheet.headers if h)}). Is this an improvement plan written by qactl?"
        )
    problems: list[Problem] = []
    actions: list[Action] = []
    ids: dict[str, str] = {}
    status_words = {s.casefold(): s for s in STATUSES} | {
        "done": "Complete",
        "completed": "Complete",
        "started": "In progress",
        "not yet started": "Not started",
    }
    for row, values in sheet.rows:
        cell = {k: (values[c] if c < len(values) else None) for k, c in cols.items()}
        cell = {k: (v.strip() if isinstance(v, str) else v) for k, v in cell.items()}
        if all(v in (None, "") for v in cell.values()):
            continue
        rec: dict = {}
        bad = False
        for key in ("action", "owner", "source", "round", "notes", "id"):
            v = cell.get(key)
            if v not in (None, ""):
                rec[key] = str(int(v)) if isinstance(v, float) and v.is_integer() else str(v)
        if "action" not in rec:
            problems.append(
                Problem(
                    str(path),
                    None,
                    None,
                    f"{sheet.ref(row, cols['action'])}: the action is blank; describe the action or delete the row",
                )
            )
            bad = True
        status = cell.get("status")
        if status not in (None, ""):
            found = status_words.get(" ".join(str(status).split()).casefold())
            if found is None:
                near = get_close_matches(str(status), STATUSES, n=1, cutoff=0.5)
                tip = f" (did you mean {near[0]!r}?)" if near else ""
                problems.append(
                    Problem(
                        str(path),
                        None,
                        None,
                        f"{sheet.ref(row, cols['status'])}: unknown status {status!r}{tip}; use {', '.join(STATUSES)}",
                    )
                )
                bad = True
            else:
                rec["status"] = found
        due = cell.get("due")
        if due not in (None, ""):
            try:
                rec["due"] = parse_date(due)
            except DateParseError as e:
                problems.append(
                    Problem(
                        str(path),
                        None,
                        None,
                        f"{sheet.ref(row, cols['due'])}: the due date is not a date: {e}",
                    )
                )
                bad = True
        base = cell.get("baseline")
        if base not in (None, ""):
            try:
                rec["baseline"] = (
                    float(str(base).rstrip("%").strip()) if isinstance(base, str) else float(base)
                )
            except ValueError:
                problems.append(
                    Problem(
                        str(path),
                        None,
                        None,
                        f"{sheet.ref(row, cols['baseline'])}: the baseline must be a percentage (a number), found {base!r}",
                    )
                )
                bad = True
        if bad:
            continue
        rec.setdefault("id", action_id(rec.get("source") or rec["action"]))
        if rec["id"] in ids:
            where = sheet.ref(row, cols["id"]) if "id" in cols else f"{sheet.name}!{row}"
            problems.append(
                Problem(
                    str(path),
                    None,
                    None,
                    f"{where}: the ID {rec['id']!r} is used again (first at {ids[rec['id']]}); give each action its own ID",
                )
            )
            continue
        ids[rec["id"]] = sheet.ref(row, cols.get("id", 0))
        actions.append(Action(**rec))
    if problems:
        raise ConfigError(problems)
    return actions


# ---------------------------------------------------------------------------------------------
# Progress
# ---------------------------------------------------------------------------------------------


def progress(
    actions: Iterable[Action], current_findings: Mapping[str, float], *, today: dt.date | None = None
) -> list[ActionProgress]:
    """Each action beside the change in its finding since the baseline.

    Args:
        actions: as :func:`read_actions` returns them (the previous round's plan, updated by people).
        current_findings: source -> percentage met this round (``"eps-advice:smart_outcomes": 72.5``,
            ``"theme:timeliness": 48.0``); :func:`findings_from` builds it from theme results.
        today: for Overdue; default today's date.

    A change within :data:`CHANGE_MIN` percentage points is "no change".
    """
    today = today or clock.today()
    lookup = {k.casefold(): v for k, v in current_findings.items()}
    out = []
    for a in actions:
        status: Status = a.status
        if a.due and a.due < today and status not in ("Complete", "Overdue"):
            status = "Overdue"
        current = lookup.get(a.source.casefold()) if a.source else None
        change = None if current is None or a.baseline is None else round(current - a.baseline, 1)
        if change is None:
            trend = "not measured"
        elif change >= CHANGE_MIN:
            trend = "improved"
        elif change <= -CHANGE_MIN:
            trend = "declined"
        else:
            trend = "no change"
        out.append(
            ActionProgress(
                action=a,
                status=status,
                current=current,
                change=change,
                trend=trend,
                summary=_summary(a, status, current, change, trend),
            )
        )
    return out


def _summary(a: Action, status: str, current: float | None, change: float | None, trend: str) -> str:
    head = f"{status}"
    if status == "Overdue" and a.due:
        head += f" (due {a.due.strftime('%d/%m/%Y')})"
    if change is not None:
        sign = "+" if change > 0 else ""
        return f"{head}; {a.source} {a.baseline:g}% → {current:g}% ({sign}{change:g} points: {trend})."
    if current is not None:
        return f"{head}; {a.source} now {current:g}% (no baseline recorded)."
    if a.source:
        return f"{head}; {a.source} was not measured this round."
    return f"{head}; no source finding recorded."


_ORIGIN_PRECEDENCE: tuple[Origin, ...] = ("audit", "family", "practice")


def findings_from(theme_results: ThemeResults) -> dict[str, float]:
    """Current findings from :func:`qactl.triangulation.verdicts.theme_results`: ``RUBRIC:ITEM`` for every themed
    criterion, and ``theme:ID`` for every theme: the audit result, or where no audit measured the theme,
    the family result, else the practice-conversation result."""
    out: dict[str, float] = {}
    for origin in reversed(_ORIGIN_PRECEDENCE):  # audits last, so they win
        for theme, r in theme_results.get(origin, {}).items():
            out[f"theme:{theme}"] = r["percent_met"]
    for per_theme in theme_results.values():
        for r in per_theme.values():
            for c in r["criteria"]:
                out[f"{c['rubric']}:{c['item']}"] = c["percent_met"]
    return out


def suggest_actions(views: Iterable) -> list[Suggestion]:
    """A suggestion for every theme where the sources agree on a concern, or where audits, families or
    practitioners point to a concern in a mixed picture; baseline as :func:`findings_from` measures it.

    ``views`` are :class:`qactl.triangulation.verdicts.ThemeView`; a report may add its own suggestions beside these.
    """
    out = []
    for v in views:
        own = [s for s in (v.audit, v.family, v.practice) if s is not None]
        concern = v.verdict == "agree: concern" or (
            v.verdict == "mixed" and any(s.signal == "concern" for s in own)
        )
        if not concern:
            continue
        base = next((s.percent_met for s in own), None)
        if v.verdict == "agree: concern":
            text = f"{v.label}: the sources agree this is a concern. Agree an improvement action with the services involved."
        else:
            text = (
                f"{v.label}: some sources point to a concern. Look into why they differ and agree an action."
            )
        out.append(Suggestion(source=f"theme:{v.theme}", action=text, baseline=base))
    return out
