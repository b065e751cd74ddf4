"""`qactl rubrics list | show ID | validate FILE...`."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("list")
def list_(
    ids: bool = typer.Option(False, "--ids", help="Print only the ids, one a line (for scripts)."),
) -> None:
    """Every rubric: built-in, then ./rubrics/*.yaml (a local rubric with a built-in's id replaces it)."""
    from rich import box
    from rich.table import Table

    from qactl.cli.common import console, notice
    from qactl.rubric.loader import discover

    notes: list[str] = []
    found = discover(notes=notes)
    for n in notes:
        notice(n)
    if ids:
        for rid in sorted(found):
            typer.echo(rid)
        return
    c = console()
    wide = c.width >= 140  # the sources are long: shown only where they fit without breaking words
    table = Table(title="Rubrics", title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("id", no_wrap=True)
    table.add_column("title", ratio=2)
    table.add_column("questions", justify="right", no_wrap=True)
    if c.width >= 100:
        table.add_column("version", no_wrap=True)
    if wide:
        table.add_column("source", ratio=3)
    table.add_column("from", no_wrap=True)
    for rid in sorted(found):
        f = found[rid]
        r = f.rubric
        if f.replaces:
            notice(f"The {f.origin} rubric {f.path} replaces {f.replaces} (same id {rid!r}).")
        questions = len(r.items) + len(r.milestones)
        table.add_row(
            r.id,
            r.title,
            str(questions),
            *([r.version] if c.width >= 100 else []),
            *([r.source] if wide else []),
            f.origin,
        )
    c.print(table)
    if not wide:
        c.print("Where each comes from: qactl rubrics show ID.", markup=False)


@app.command("show")
def show(rubric: str = typer.Argument(..., help="A rubric id or the path of a rubric file.")) -> None:
    """Sections, items, scales, milestones and grading of one rubric."""
    from rich.table import Table

    from qactl.cli.common import console, notice
    from qactl.forms import describe_condition
    from qactl.rubric.loader import resolve

    found = resolve(rubric)
    for n in found.notes:
        notice(n)
    r = found.rubric
    c = console()
    c.print(f"[bold]{r.title}[/bold]  ({r.id} {r.version})", markup=True)
    c.print(f"Source: {r.source}", markup=False)
    if r.fields:
        t = Table(title="Fields (context, never scored)", title_justify="left")
        for col in ("id", "question", "type", "pii"):
            t.add_column(col)
        for f in r.fields:
            t.add_row(f.id, f.text, f.type.value, "yes" if f.pii else "")
        c.print(t)
    for section in r.sections:
        t = Table(title=f"Section: {section}", title_justify="left")
        for col in ("id", "question", "scale", "weight", "applies"):
            t.add_column(col)
        for i in (i for i in r.items if i.section == section):
            cond = "when " + describe_condition(r, i.applies_if) if i.applies_if else ""
            t.add_row(i.id, i.text, i.scale + (" (N/A allowed)" if i.allow_na else ""), f"{i.weight:g}", cond)
        c.print(t)
    if r.milestones:
        from qactl.rubric.milestones import describe_due

        t = Table(title="Milestones (dates with a time limit)", title_justify="left")
        for col in ("id", "date of", "due", "law or target", "excused by"):
            t.add_column(col)
        for m in r.milestones:
            law = m.citation or "" if m.kind == "statutory" else "local target"
            excused = ", ".join(f"{rid} ({p})" if p else rid for rid, p in m.excused_by.items())
            t.add_row(
                m.id, m.text, describe_due(r, m), law, excused or ("nothing" if m.kind == "target" else "")
            )
        c.print(t)
    t = Table(title="Scales", title_justify="left")
    t.add_column("scale")
    t.add_column("answers (points)")
    for name, s in r.scales.items():
        answers = ", ".join(f"{ch.label} ({ch.points:g})" for ch in s.choices) + (
            f", {s.na.label} (not counted)" if s.na else ""
        )
        t.add_row(name, answers)
    c.print(t)
    g = r.grading
    c.print(
        f"Grading ({g.method}): " + "; ".join(f"{b.grade}: {g.rule_of(b)}" for b in g.bands), markup=False
    )
    for lim in g.limits:
        c.print(f"  At most {lim.max_grade} when {describe_condition(r, lim.if_)}", markup=False)


@app.command("validate")
def validate(files: list[Path] = typer.Argument(..., help="Rubric files to check.")) -> None:
    """Check rubric files; every problem is named by file, line and column. Exit status 2 if any has one."""
    from qactl.cli.common import console, print_error
    from qactl.errors import RubricError
    from qactl.rubric.loader import load_rubric

    failed = False
    for f in files:
        try:
            r = load_rubric(f)
        except RubricError as err:
            print_error(err)
            failed = True
        else:
            console().print(
                f"{f}: ok ({r.id} {r.version}, {len(r.items)} items, {len(r.milestones)} milestones)",
                markup=False,
            )
    if failed:
        raise typer.Exit(2)
