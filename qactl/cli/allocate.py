"""`qactl allocate`: draw the round's sample and share it among the auditor cohort."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from qactl.cli.options import date_option, mail_merge_option, output_option, round_option, rubric_option


def allocate(
    plans: Path = typer.Option(
        ...,
        "--plans",
        help="The plans register (.xlsx or .csv): plan_id, issued, type, team, key_stage, primary_need, contributors…",
    ),
    cohort: Path = typer.Option(
        ..., "--cohort", help="The auditors (.yaml with `auditors:`, or .xlsx/.csv, one row each)."
    ),
    out: Path = output_option("Output: .xlsx (workbook to send out), .csv or .json (for `qactl report`)."),
    round_label: str | None = round_option(
        "Round label such as '2025 Autumn': sets the issue window, the due date and the default seed."
    ),
    date_from: date | None = date_option(
        "--from", "Plans issued on or after this date (day first, 01/06/2025)."
    ),
    date_to: date | None = date_option("--to", "Plans issued on or before this date."),
    types: str = typer.Option(
        "new,amended", "--types", help="Plan types to sample, comma-separated: new, amended, annual review."
    ),
    per_auditor: int = typer.Option(
        2, "--per-auditor", min=0, help="Places per auditor when the cohort gives no capacity."
    ),
    sample: int | None = typer.Option(
        None, "--sample", min=1, help="Plans to sample (default: the cohort's places minus --moderation)."
    ),
    moderation: int = typer.Option(
        0, "--moderation", min=0, help="Plans of the sample given a second auditor from another service."
    ),
    focus: list[str] = typer.Option(
        [], "--focus", help="A dip sample: only plans with this value, e.g. primary_need=SEMH (repeatable)."
    ),
    history: list[Path] = typer.Option(
        [],
        "--history",
        help="Earlier allocation .json files: pairs in them are not repeated where avoidable.",
    ),
    keep: Path | None = typer.Option(
        None,
        "--keep",
        help="A previous allocation .json to re-solve (an auditor dropped out), moving as few plans as possible.",
    ),
    seed: int | None = typer.Option(
        None, "--seed", help="Random seed (default: derived from --round, else random; always printed)."
    ),
    due: date | None = date_option(
        "--due", "Date the audits are due (default: 4 weeks after the round starts, or today + 28 days)."
    ),
    mail_merge: Path | None = mail_merge_option(
        "Also write a .csv with one row per auditor (first name, email, plans, form, due) for a mail merge."
    ),
    rubric: str | None = rubric_option(
        "The audit the plans are for: a rubric id or file (default: ehcp-quality). Its title names the form on every sheet."
    ),
    form_link: str = typer.Option(
        "",
        "--form-link",
        help="A link to your own form (Microsoft Forms), printed on each auditor's sheet and in the mail merge.",
    ),
) -> None:
    import os

    # the solver does no linear algebra: one BLAS thread spares numpy's start-up (≈ 0.15 s of CPU on two cores)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from qactl.allocation.models import Options
    from qactl.allocation.output import check_suffix, write, write_mail_merge
    from qactl.allocation.run import allocate as run
    from qactl.cli.common import console, is_interactive, notice, stages
    from qactl.cli.options import check_mail_merge
    from qactl.dates import format_date
    from qactl.errors import UsageError
    from qactl.sheets.writer import Outputs

    suffix = check_suffix(out)
    check_mail_merge(mail_merge)
    wanted = tuple(t.strip().lower().replace("_", " ") for t in types.split(",") if t.strip())
    bad = [t for t in wanted if t not in ("new", "amended", "annual review")]
    if bad:
        raise UsageError(f"--types: {', '.join(bad)} is not a plan type; use new, amended, annual review.")
    pairs = []
    for f in focus:
        key, sep, value = f.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise UsageError(f"--focus {f!r}: write it as column=value, e.g. primary_need=SEMH.")
        pairs.append((key.strip().lower().replace(" ", "_"), value.strip()))
    opts = Options(
        round=round_label,
        date_from=date_from,
        date_to=date_to,
        types=wanted,
        per_auditor=per_auditor,
        sample=sample,
        moderation=moderation,
        focus=tuple(pairs),
        seed=seed,
        due=due,
        rubric=rubric,
        form_link=form_link.strip(),
    )
    outputs = Outputs([plans, cohort, *history, keep, rubric if rubric and Path(rubric).is_file() else None])
    outputs.check(out)  # before the work: a refused output costs nothing
    if mail_merge is not None:
        outputs.check(mail_merge, option="--mail-merge")
    from qactl.allocation.run import check_window

    check_window(opts, keep)  # before any progress shows: this one is said at once
    with stages("Reading the plans register and the cohort") as stage:
        result = run(plans, cohort, opts, history=history, keep=keep, on_stage=stage)
        stage(f"Writing {out.name}")
        with outputs:  # the allocation and its mail merge are written together, or neither
            write(result, outputs.add(out), suffix)
            if mail_merge is not None:
                write_mail_merge(result, outputs.add(mail_merge, option="--mail-merge"))
    for n in result.notes:
        notice(n)
    err = console(stderr=True)
    if is_interactive():
        from rich.table import Table

        load = result.load()
        t = Table(title=f"Allocation {result.round or ''}".strip())
        for c in ("auditor", "service", "plans", "places", "unallocated"):
            t.add_column(c, justify="right" if c in ("plans", "places", "unallocated") else "left")
        for a in result.auditors:
            cap = result.capacity[a.id]
            t.add_row(
                f"{a.id} {a.name}".strip() + ("" if a.available else " (unavailable)"),
                a.service,
                str(load[a.id]),
                str(cap),
                str(cap - load[a.id]),
            )
        err.print(t)
    n_mod = sum(1 for x in result.assignments if x.role == "moderation")
    say = err.print
    say(
        f"{len(result.sample)} plans, {len(result.assignments)} audits ({n_mod} moderation) for "
        f"{sum(1 for v in result.load().values() if v)} auditors; seed {result.seed}; due {format_date(result.due)}.",
        markup=False,
    )
    if keep:
        say(f"Kept {result.kept} assignments, moved {result.moved}.", markup=False)
    say(f"Wrote {out}" + (f" and {mail_merge}" if mail_merge else ""), markup=False)
