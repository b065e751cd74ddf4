"""`qactl moderate SCORED... -o OUT`: agreement between two auditors of the same plan."""

from __future__ import annotations

from pathlib import Path

import typer

from qactl.cli.options import output_option, round_option


def moderate(
    scored: list[Path] = typer.Argument(
        ..., help="Scored files (.json or .jsonl written by `qactl score`) of one rubric."
    ),
    output: Path = output_option("Where to write: .json, .xlsx or .md (the workshop handout)."),
    round_label: str | None = round_option("The round's label (default: the scored files' own)."),
) -> None:
    """Pair the audits of the same plan by different auditors; percent agreement, kappa and Gwet's AC1, the pairs to discuss."""
    from rich.table import Table

    from qactl.cli.common import console, notice
    from qactl.moderation import moderate_files, write

    doc = moderate_files(scored, round_label=round_label)
    write(doc, output, inputs=scored)
    o = doc["overall"]

    def f(x, suffix=""):
        return "n/a" if x is None else f"{x:g}{suffix}"

    table = Table(
        title=f"Moderation of {doc['rubric']['id']}: {doc['pairs']} pairs of audits", title_justify="left"
    )
    for col in ("item", "pairs", "agreement", "kappa", "AC1", "weighted"):
        table.add_column(col, overflow="fold")

    def k(x):
        return f(x["kappa"]) + (" †" if x.get("kappa_misleading") else "")

    for i in doc["items"]:
        table.add_row(
            i["id"],
            str(i["pairs"]),
            f(i["percent_agreement"], "%"),
            k(i),
            f(i.get("ac1")),
            f(i["weighted_kappa"]),
        )
    table.add_row(
        "overall",
        str(o["pairs_of_answers"]),
        f(o["percent_agreement"], "%"),
        k(o),
        f(o.get("ac1")),
        f(o["weighted_kappa"]),
        style="bold",
    )
    c = console()
    c.print(table)
    if any(x.get("kappa_misleading") for x in [o, *doc["items"]]):
        c.print(
            "† one answer is 80% or more of all answers given: kappa misleads there (the high-agreement, low-kappa "
            "paradox); read Gwet's AC1.",
            markup=False,
        )
    c.print(
        f"Same grade: {f(o['grade_agreement'], '%')} of {o['graded_pairs']} graded pairs. "
        f"To discuss: {len(doc.get('to_discuss', []))} of {doc['pairs']} pairs differ in grade or answers "
        f"({len(doc['disagreements'])} answers at opposite ends of the scale); "
        f"{len(doc['unpaired'])} audit(s) with no partner.",
        markup=False,
    )
    for n in doc.get("notes", []):
        notice(n)
    console(stderr=True).print(f"Wrote {output}", markup=False)
