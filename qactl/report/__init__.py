"""The Practice Report (``qactl report``): scored files in, one HTML or Markdown file out.

``aggregate`` tallies audits (pure), ``context`` turns tallies into the template's data (pure),
``charts`` draws inline SVG, ``render`` runs the Jinja template; this module reads the inputs and
writes the output atomically: :func:`write_report` is the one function the CLI calls.
"""

from __future__ import annotations

import gc
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qactl.errors import InputError, UsageError

FORMATS = {".html": "html", ".htm": "html", ".md": "md", ".markdown": "md"}


@dataclass
class ReportRequest:
    """Everything ``qactl report`` was asked for."""

    inputs: list[Path]
    output: Path
    previous: list[Path] = field(default_factory=list)
    allocation: list[Path] = field(default_factory=list)
    moderation: list[Path] = field(default_factory=list)
    template: str | None = None
    title: str | None = None
    min_cell: int = 5
    themes: Path | None = None
    round: str | None = None
    evidence: Path | None = None  # complaints, compliments, surveys, KPIs (qactl.evidence)
    actions: Path | None = None  # the previous round's improvement plan, to track
    write_actions: Path | None = None  # where to write this round's improvement plan


@dataclass
class ReportOutcome:
    """What was written, for the CLI to say."""

    output: Path
    format: str
    rubrics: list[str]
    audits: int
    notes: list[str]
    actions_written: int | None = None  # actions in the plan written with --write-actions
    actions_added: int | None = None  # of which new this round


def _read(path: Path, want: str | None, option: str):
    from qactl.report.context import Loaded
    from qactl.report.reading import open_document
    from qactl.results import ALLOCATION_KIND, MODERATION_KIND, SCORED_KIND

    doc = open_document(path)
    kind = doc.get("kind")
    known = {SCORED_KIND, ALLOCATION_KIND, MODERATION_KIND}
    if kind not in known or (want and kind != want):
        expected = want or " or ".join(sorted(known))
        raise InputError(f"{path} is a {kind} file, but {option} takes {expected} files. Check the order of the arguments.")
    if kind == SCORED_KIND:
        _check_scored(path, doc)
    return Loaded(doc, path.name, None)


def _check_scored(path: Path, doc: dict[str, Any]) -> None:
    """The scored file's shape (results.py's contract), checked on the header and the first 50 audits.

    The aggregation reads every audit defensively, so a full validation of 100,000 audits is not
    worth its seconds; a file damaged past its first audits still cannot crash the report.
    """
    from pydantic import TypeAdapter, ValidationError

    from qactl.report.reading import LazyAudits
    from qactl.results import ScoredFile

    audits = doc.get("audits")
    if not isinstance(audits, list | LazyAudits):
        raise InputError(f"{path} is damaged: it has no list of audits. Score the export again.")
    sample = {**doc, "audits": audits.head if isinstance(audits, LazyAudits) else audits[:50], "summary": doc.get("summary") or {"rows": 0, "scored": 0, "with_errors": 0, "grades": {}}}
    try:
        TypeAdapter(ScoredFile).validate_python(sample)
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InputError(f"{path} is damaged: at {where}, {first['msg']}. Score the export again.") from None


def _current_round(files: list) -> str | None:
    """The round a report covers when the inputs hold several: the one with the latest audit dates.

    Dates come from the first scored audits of each file (rounds are months apart), else the file's ``created``
    time; with neither, the round most files have.
    """
    from qactl.report.reading import LazyAudits

    rounds: dict[str, list] = {}
    for i, f in enumerate(files):
        label = f.doc.get("round")
        if not label:
            continue
        audits = f.doc.get("audits")
        head = audits.head if isinstance(audits, LazyAudits) else (audits or [])[:50]
        # scored audits only: a row in error may carry today's date (its completion time could not be read)
        latest = max((str(a.get("audit_date")) for a in head if isinstance(a, dict) and a.get("audit_date") and a.get("status") == "scored"),
                     default=str(f.doc.get("created") or ""))
        r = rounds.setdefault(str(label), ["", 0, -i])
        r[0] = max(r[0], latest)
        r[1] += 1
    if len(rounds) < 2:
        return None
    return max(rounds, key=lambda k: tuple(rounds[k]))


def _generated() -> str:
    from qactl import clock

    now = clock.now()
    return now.strftime("%-d %B %Y, %H:%M UTC") if os.name != "nt" else now.strftime("%d %B %Y, %H:%M UTC")


def write_report(req: ReportRequest) -> ReportOutcome:
    """Read the inputs, aggregate, render and write the report atomically."""
    from qactl import __version__
    from qactl.report.aggregate import Options
    from qactl.report.context import build_report
    from qactl.report.render import render
    from qactl.report.themes import load_themes
    from qactl.results import ALLOCATION_KIND, MODERATION_KIND, SCORED_KIND
    from qactl.sheets.writer import Outputs

    fmt = FORMATS.get(req.output.suffix.lower())
    if fmt is None:
        raise UsageError(f"Cannot write {req.output}: the report is written as .html or .md; give -o with one of those endings.")
    if not req.inputs:
        raise UsageError("Give at least one scored file (the .json written by `qactl score`).")
    if req.min_cell < 1:
        raise UsageError(f"--min-cell must be 1 or more (found {req.min_cell}); 5 is the usual rule.")
    inputs = [*req.inputs, *req.previous, *req.allocation, *req.moderation,
              *(p for p in (req.evidence, req.actions, req.themes) if p), *_template_file(req.template, fmt), *_default_themes(req.themes)]
    outputs = Outputs(inputs)
    outputs.check(req.output)  # before the work: a refused output costs nothing
    themes = load_themes(req.themes)
    triangulating = _triangulating(req, themes, outputs)
    gc.disable()  # many small objects: the collector would cost more than the work (PERFORMANCE.md)
    try:
        current, previous, allocations, moderations = [], [], [], []
        for p in req.inputs:
            f = _read(p, None, "INPUTS")
            kind = f.doc["kind"]
            if kind == ALLOCATION_KIND:
                allocations.append(f)
            elif kind == MODERATION_KIND:
                moderations.append(f)
            else:
                current.append(f)
        this_round = req.round or _current_round(current)
        if this_round:  # inputs of other rounds are earlier rounds (so `--previous old/*.json` works unquoted)
            previous += [f for f in current if f.doc.get("round") and str(f.doc["round"]) != this_round]
            current = [f for f in current if not f.doc.get("round") or str(f.doc["round"]) == this_round]
        previous += [_read(p, SCORED_KIND, "--previous") for p in req.previous]
        allocations += [_read(p, ALLOCATION_KIND, "--allocation") for p in req.allocation]
        moderations += [_read(p, MODERATION_KIND, "--moderation") for p in req.moderation]
        if not current:
            raise UsageError(f"None of the inputs holds scored audits{f' of the round {req.round}' if req.round else ''}: give the .json written by `qactl score`.")
        ctx, next_plan = build_report(
            current, previous, allocations, moderations, themes, Options(min_cell=req.min_cell),
            title=req.title or "SEND Practice Report", round_label=req.round, fmt=fmt, generated=_generated(), version=__version__,
            triangulating=triangulating,
        )
    finally:
        gc.enable()
    text = render(ctx, req.template)
    outcome = ReportOutcome(req.output, fmt, [r.id for r in ctx.rubrics], ctx.audits, ctx.notes)
    with outputs:  # the report and the improvement plan are written together, or neither
        outputs.add(req.output).write_text(text, encoding="utf-8", newline="\n")
        if req.write_actions is not None and next_plan is not None:
            from qactl.actions import write_actions_workbook

            write_actions_workbook(outputs.add(req.write_actions, option="--write-actions"), next_plan, written=triangulating.today)
            outcome.actions_written = len(next_plan)
            outcome.actions_added = len(ctx.improvement_plan.added) if ctx.improvement_plan else 0
    return outcome


def _template_file(template: str | None, fmt: str) -> list[Path]:
    """The template file the report is rendered with, its own or a shipped one (an input like any other)."""
    if template and Path(template).is_file():
        return [Path(template)]
    from qactl.report.render import resolve

    try:
        search, name = resolve(template, fmt)
    except (UsageError, OSError):
        return []  # render() says what is wrong with it
    return [p for p in (Path(d) / name for d in search) if p.is_file()][:1]


def _default_themes(themes: Path | None) -> list[Path]:
    """The shipped theme dictionary, read when no --themes is given."""
    if themes is not None:
        return []
    from qactl.report.themes import default_path

    try:
        return [default_path()]
    except FileNotFoundError:
        return []




def _triangulating(req: ReportRequest, themes, outputs):
    """Check the triangulation options and read the evidence and the previous plan (every problem raised before anything is written)."""
    from qactl import clock
    from qactl.errors import OutputError
    from qactl.report.triangulation import Triangulating

    w = req.write_actions
    if w is not None:
        if w.suffix.lower() != ".xlsx":
            raise UsageError(f"Cannot write the improvement plan to {w}: --write-actions writes an Excel workbook; give a name ending .xlsx.")
        if req.actions is not None and w.exists() and os.path.samefile(w, req.actions):
            raise OutputError(f"Refusing to write {w}: it is the --actions input, and inputs are never modified. Write this round's plan to a new file (e.g. actions-{(req.round or 'next').replace(' ', '-')}.xlsx).")
        if w.resolve() == req.output.resolve():
            raise UsageError(f"--write-actions and -o are the same file ({w}): give the improvement plan its own .xlsx name.")
        outputs.check(w, option="--write-actions")
    evidence = None
    if req.evidence is not None:
        from qactl.evidence import load_evidence

        evidence = load_evidence(req.evidence, {t.id for t in themes.themes} if themes else None)
    actions = None
    if req.actions is not None:
        from qactl.actions import read_actions

        actions = read_actions(req.actions)
    return Triangulating(
        evidence=evidence, evidence_name=req.evidence.name if req.evidence else None, actions=actions,
        actions_name=req.actions.name if req.actions else None, write_name=w.name if w else None, today=clock.today(),
    )
