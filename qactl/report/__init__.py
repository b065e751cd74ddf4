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
    evidence: Path | None = None  # complaints, compliments, surveys, KPIs (qactl.triangulation.evidence)
    actions: Path | None = None  # the previous round's improvement plan, to track
    write_actions: Path | None = None  # where to write this round's improvement plan
    service_packs: Path | None = None  # a folder: one short HTML per service with audits to review
    rescore: list[Path] = field(
        default_factory=list
    )  # earlier rounds' exports, scored again with the current rubric


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
    packs: list[Path] = field(default_factory=list)  # the service packs written


def _read(path: Path, want: str | None, option: str, *, skip_others: bool = False):
    from qactl.report.context import Loaded
    from qactl.results import ALLOCATION_KIND, MODERATION_KIND, SCORED_KIND, check_scored_head, open_document

    doc = open_document(path)
    kind = doc.get("kind")
    known = {SCORED_KIND, ALLOCATION_KIND, MODERATION_KIND}
    if skip_others and kind in known and kind != want:
        return None
    if kind not in known or (want and kind != want):
        expected = want or " or ".join(sorted(known))
        raise InputError(
            f"{path} is a {kind} file, but {option} takes {expected} files. Check the order of the arguments."
        )
    if kind == SCORED_KIND:
        check_scored_head(path, doc)
    return Loaded(doc, path.name, None)


def _current_round(files: list) -> str | None:
    """The round a report covers when the inputs hold several: the one with the latest audit dates.

    Dates come from the first scored audits of each file (rounds are months apart), else the file's ``created``
    time; with neither, the round most files have.
    """
    from qactl.results import first_audits

    rounds: dict[str, list] = {}
    for i, f in enumerate(files):
        label = f.doc.get("round")
        if not label:
            continue
        head = first_audits(f.doc)
        # scored audits only: a row in error may carry today's date (its completion time could not be read)
        latest = max(
            (
                str(a.get("audit_date"))
                for a in head
                if isinstance(a, dict) and a.get("audit_date") and a.get("status") == "scored"
            ),
            default=str(f.doc.get("created") or ""),
        )
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
    from qactl.report.render import render, render_pack
    from qactl.report.themes import load_themes
    from qactl.results import ALLOCATION_KIND, MODERATION_KIND, SCORED_KIND
    from qactl.sheets.writer import Outputs

    fmt = FORMATS.get(req.output.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"Cannot write {req.output}: the report is written as .html or .md; give -o with one of those endings."
        )
    if not req.inputs:
        raise UsageError("Give at least one scored file (the .json written by `qactl score`).")
    if req.min_cell < 1:
        raise UsageError(f"--min-cell must be 1 or more (found {req.min_cell}); 5 is the usual rule.")
    once: set[tuple[int, int] | str] = set()
    given = _once(list(req.inputs), once)
    previous = [(p, f) for p, f in _previous_files(req.previous) if _once([p], once)]
    inputs = [
        *req.inputs,
        *(p for p, _ in previous),
        *req.allocation,
        *req.moderation,
        *req.rescore,
        *(p for p in (req.evidence, req.actions, req.themes) if p),
        *_template_file(req.template, fmt),
        *_default_themes(req.themes),
    ]
    outputs = Outputs(inputs)
    outputs.check(req.output)  # before the work: a refused output costs nothing
    if req.service_packs is not None:
        from qactl.errors import OutputError

        if not req.service_packs.is_dir():
            raise OutputError(
                f"Cannot write --service-packs {req.service_packs}: it is not a folder. Create the folder first; one HTML file per service is written into it."
            )
    themes = load_themes(req.themes)
    triangulating = _triangulating(req, themes, outputs)
    gc.disable()  # many small objects: the collector would cost more than the work (docs/performance.md)
    try:
        current, previous_current, earlier, allocations, moderations = [], [], [], [], []
        for p in given:
            f = _read(p, None, "INPUTS")
            kind = f.doc["kind"]
            if kind == ALLOCATION_KIND:
                allocations.append(f)
            elif kind == MODERATION_KIND:
                moderations.append(f)
            else:
                current.append(f)
        this_round = req.round or _current_round(current)
        if (
            this_round
        ):  # inputs of other rounds are earlier rounds (so `--previous old/*.json` works unquoted)
            previous_current += [
                f for f in current if f.doc.get("round") and str(f.doc["round"]) != this_round
            ]
            current = [f for f in current if not f.doc.get("round") or str(f.doc["round"]) == this_round]
        for p, in_folder in previous:
            f = _read(p, SCORED_KIND, "--previous", skip_others=in_folder)
            if f is not None:
                earlier.append(f)
        previous_loaded = [*previous_current, *earlier]
        if req.rescore:
            previous_loaded = _rescored(req.rescore, current, previous_loaded)
        allocations += [_read(p, ALLOCATION_KIND, "--allocation") for p in req.allocation]
        moderations += [_read(p, MODERATION_KIND, "--moderation") for p in req.moderation]
        if not current:
            raise UsageError(
                f"None of the inputs holds scored audits{f' of the round {req.round}' if req.round else ''}: give the .json written by `qactl score`."
            )
        ctx, next_plan = build_report(
            current,
            previous_loaded,
            allocations,
            moderations,
            themes,
            Options(min_cell=req.min_cell),
            title=req.title or "SEND Practice Report",
            round_label=req.round,
            fmt=fmt,
            generated=_generated(),
            version=__version__,
            triangulating=triangulating,
            service_packs=str(req.service_packs) if req.service_packs is not None else None,
        )
    finally:
        gc.enable()
    text = render(ctx, req.template)
    packs = (
        [(req.service_packs / s.pack, render_pack(ctx, s)) for s in ctx.services.services if s.pack]
        if req.service_packs is not None
        else []
    )
    outcome = ReportOutcome(
        req.output, fmt, [*(r.id for r in ctx.rubrics), *(s.id for s in ctx.surveys)], ctx.audits, ctx.notes
    )
    with (
        outputs
    ):  # the report, the improvement plan and the service packs are written together, or none of them
        outputs.add(req.output).write_text(text, encoding="utf-8", newline="\n")
        if req.write_actions is not None and next_plan is not None:
            from qactl.triangulation.actions import write_actions_workbook

            write_actions_workbook(
                outputs.add(req.write_actions, option="--write-actions"),
                next_plan,
                written=triangulating.today,
            )
            outcome.actions_written = len(next_plan)
            outcome.actions_added = len(ctx.improvement_plan.added) if ctx.improvement_plan else 0
        for target, html in packs:
            outputs.add(target, option="--service-packs").write_text(html, encoding="utf-8", newline="\n")
            outcome.packs.append(target)
    return outcome


def _once(paths: list[Path], seen: set[tuple[int, int] | str]) -> list[Path]:
    """The paths not seen yet (a file named twice, or through a link, is read once: its audits are not counted twice)."""
    out = []
    for p in paths:
        key: tuple[int, int] | str
        try:
            st = p.stat()
            key = (st.st_dev, st.st_ino)
        except OSError:
            key = str(p)  # a missing file: read later, where its message is given
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


def _previous_files(paths: list[Path]) -> list[tuple[Path, bool]]:
    """``--previous`` files, a folder standing for every .json and .jsonl under it (True: found in a folder)."""
    out: list[tuple[Path, bool]] = []
    for p in paths:
        if p.is_dir():
            found = sorted(
                x
                for x in p.rglob("*")
                if x.is_file() and x.suffix.lower() in (".json", ".jsonl") and not x.name.startswith(".")
            )
            if not found:
                raise UsageError(
                    f"--previous {p} is a folder with no .json or .jsonl file in it: give the scored files of earlier rounds (or a folder of them)."
                )
            out += [(x, True) for x in found]
        else:
            out.append((p, False))
    return out


def _rescored(exports: list[Path], current: list, previous: list) -> list:
    """Earlier rounds scored again with the current rubric: each export replaces the earlier scored file made from it.

    The earlier file is found by the export's SHA-256 (every scored file records its export's); the rubric is the
    one the current round was scored with (same id and version), so the two rounds compare like with like.
    """
    import tempfile

    from qactl.report.context import Loaded
    from qactl.results import open_document
    from qactl.rubric.loader import resolve
    from qactl.scoring.run import score_file
    from qactl.sheets.reader import file_sha256

    versions = {
        str((f.doc.get("rubric") or {}).get("id")): str((f.doc.get("rubric") or {}).get("version"))
        for f in current
    }
    out = list(previous)
    with tempfile.TemporaryDirectory(prefix="qactl-rescore-") as tmp:
        for k, export in enumerate(exports):
            if not export.is_file():
                raise UsageError(
                    f"--rescore {export}: no such file. Give the export (.xlsx or .csv) an earlier round was scored from."
                )
            sha = file_sha256(export)
            i = next(
                (
                    i
                    for i, f in enumerate(out)
                    if isinstance(f.doc.get("source"), dict) and f.doc["source"].get("sha256") == sha
                ),
                None,
            )
            if i is None:
                raise UsageError(
                    f"--rescore {export}: no earlier round's scored file was made from this export (none records its SHA-256). "
                    "Give that round's scored file with --previous too."
                )
            old = out[i]
            rid = str((old.doc.get("rubric") or {}).get("id"))
            if rid not in versions:
                raise UsageError(
                    f"--rescore {export}: it was scored with the rubric {rid}, which no current input has."
                )
            rubric = resolve(rid).rubric
            if str(rubric.version) != versions[rid]:
                raise UsageError(
                    f"--rescore {export}: this round was scored with version {versions[rid]} of {rid}, but the rubric found now is "
                    f"version {rubric.version}. Rescore with the rubric this round used (a rubric file given by path works too)."
                )
            target = Path(tmp) / f"{k}-{rid}.jsonl"
            score_file(
                rid,
                export,
                target,
                round_label=old.doc.get("round"),
                sheet=(old.doc.get("source") or {}).get("sheet"),
            )
            doc = open_document(target)
            doc["audits"] = list(
                doc["audits"]
            )  # read now: the temporary folder goes at the end of this block
            out[i] = Loaded(doc, f"{export.name} (rescored)", sha, rescored=True)
    return out


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
            raise UsageError(
                f"Cannot write the improvement plan to {w}: --write-actions writes an Excel workbook; give a name ending .xlsx."
            )
        if req.actions is not None and w.exists() and os.path.samefile(w, req.actions):
            raise OutputError(
                f"Refusing to write {w}: it is the --actions input, and inputs are never modified. Write this round's plan to a new file (e.g. actions-{(req.round or 'next').replace(' ', '-')}.xlsx)."
            )
        if w.resolve() == req.output.resolve():
            raise UsageError(
                f"--write-actions and -o are the same file ({w}): give the improvement plan its own .xlsx name."
            )
        outputs.check(w, option="--write-actions")
    evidence = None
    if req.evidence is not None:
        from qactl.triangulation.evidence import load_evidence

        evidence = load_evidence(req.evidence, {t.id for t in themes.themes} if themes else None)
    actions = None
    if req.actions is not None:
        from qactl.triangulation.actions import read_actions

        actions = read_actions(req.actions)
    return Triangulating(
        evidence=evidence,
        evidence_name=req.evidence.name if req.evidence else None,
        actions=actions,
        actions_name=req.actions.name if req.actions else None,
        write_name=w.name if w else None,
        today=clock.today(),
    )
