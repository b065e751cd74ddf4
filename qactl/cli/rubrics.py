"""`qactl rubrics list | show ID | validate FILE...`."""

from __future__ import annotations

from pathlib import Path

import typer

app = typer.Typer(no_args_is_help=True)


@app.command("list")
def list_(ids: bool = typer.Option(False, "--ids", help="Print only the ids, one a line (for scripts).")) -> None:
    """Every rubric: built-in, then ./rubrics/*.yaml (a local rubric with a built-in's id replaces it)."""
    from rich.table import Table

    from qactl.cli.common import console, notice
    from qactl.rubric.loader import discover

    found = discover()
    if ids:
        for rid in sorted(found):
            typer.echo(rid)
        return
    table = Table(title="Rubrics", title_justify="left")
    table.add_column("id", no_wrap=True)
    table.add_column("title", ratio=2, overflow="fold")
    table.add_column("version", no_wrap=True)
    table.add_column("items", justify="right")
    table.add_column("source", ratio=3, overflow="fold")
    table.add_column("from", no_wrap=True)
    for rid in sorted(found):
        f = found[rid]
        r = f.rubric
        if f.replaces:
            notice(f"The {f.origin} rubric {f.path} replaces {f.replaces} (same id {rid!r}).")
        n = len(r.items) + len(r.milestones)
        table.add_row(r.id, r.title, r.version, str(n), r.source, f.origin)
    console().print(table)


@app.command("show")
def show(rubric: str = typer.Argument(..., help="A rubric id or the path of a rubric file.")) -> None:
    """Sections, items, scales, milestones and grading of one rubric."""
    from rich.table import Table

    from qactl.cli.common import console
    from qactl.rubric.loader import resolve

    r = resolve(rubric).rubric
    c = console()
    c.print(f"[bold]{r.title}[/bold]  ({r.id} {r.version})", markup=True)
    c.print(f"Source: {r.source}", markup=False)
    if r.fields:
        t = Table(title="Fields (context, never scored)", title_justify="left")
        for col in ("id", "question", "type", "pii"):
            t.add_column(col, overflow="fold")
        for f in r.fields:
            t.add_row(f.id, f.text, f.type.value, "yes" if f.pii else "")
        c.print(t)
    for section in r.sections:
        t = Table(title=f"Section: {section}", title_justify="left")
        for col in ("id", "question", "scale", "weight", "applies"):
            t.add_column(col, overflow="fold")
        for i in (i for i in r.items if i.section == section):
            cond = "if " + i.applies_if.model_dump_json(exclude_none=True, by_alias=True) if i.applies_if else ""
            t.add_row(i.id, i.text, i.scale + (" (N/A allowed)" if i.allow_na else ""), f"{i.weight:g}", cond)
        c.print(t)
    if r.milestones:
        from qactl.rubric.milestones import describe_due

        t = Table(title="Milestones (dated steps)", title_justify="left")
        for col in ("id", "date of", "due", "law or target", "excused by"):
            t.add_column(col, overflow="fold")
        for m in r.milestones:
            law = m.citation or "" if m.kind == "statutory" else "local target"
            excused = ", ".join(f"{rid} ({p})" if p else rid for rid, p in m.excused_by.items())
            t.add_row(m.id, m.text, describe_due(r, m), law, excused or ("nothing" if m.kind == "target" else ""))
        c.print(t)
    t = Table(title="Scales", title_justify="left")
    t.add_column("scale")
    t.add_column("answers (points)", overflow="fold")
    for name, s in r.scales.items():
        answers = ", ".join(f"{ch.label} ({ch.points:g})" for ch in s.choices) + (f", {s.na.label} (not counted)" if s.na else "")
        t.add_row(name, answers)
    c.print(t)
    g = r.grading
    if g.method == "rag":
        bands = [b.grade + "".join(f", at most {n} {w}" for n, w in ((b.max_red, "red"), (b.max_amber, "amber")) if n is not None) for b in g.bands]
        c.print("Grading (rag): " + "; ".join(bands), markup=False)
    else:
        c.print(f"Grading ({g.method}): " + ", ".join(f"{b.grade} ≥ {b.min:g}%" for b in g.bands), markup=False)
    for lim in g.limits:
        c.print(f"  limit: at most {lim.max_grade} if {lim.if_.model_dump_json(exclude_none=True, by_alias=True)}", markup=False)


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
            console().print(f"{f}: ok ({r.id} {r.version}, {len(r.items)} items, {len(r.milestones)} milestones)", markup=False, soft_wrap=True)
    if failed:
        raise typer.Exit(2)
