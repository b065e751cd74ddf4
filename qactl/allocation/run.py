"""``allocate``: the one library call behind ``qactl allocate`` (read, sample, solve, explain)."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qactl import clock
from qactl.allocation.inputs import read_allocations, read_cohort, read_plans
from qactl.allocation.models import Allocation, Assignment, Options, Picked
from qactl.allocation.sample import draw, eligible, round_dates, seed_from_round, stratum
from qactl.errors import InfeasibleError, InputError, UsageError

if TYPE_CHECKING:
    from qactl.results import AllocationInput

DEFAULT_RUBRIC = "ehcp-quality"  # the multi-agency EHCP audit (Wolverhampton framework s.6.1): the cohort audits EHCP quality


def check_window(options: Options, keep: Path | None) -> None:
    """Refuse a sample with no window of issue dates: without one, every plan ever issued would be eligible.

    A round label names the window (``2025 Autumn``: plans issued 1 June to 30 September); ``--from``/``--to`` give
    it; ``--keep`` re-solves an earlier allocation, whose sample is already drawn.
    """
    if keep is not None or options.date_from is not None or options.date_to is not None:
        return
    example = (
        'Give the round, as --round "2025 Autumn" (plans issued 1 June to 30 September 2025, due 29 October '
        "2025), or the window of issue dates, as --from 01/06/2025 --to 30/09/2025."
    )
    if options.round and round_dates(options.round) is None:
        raise UsageError(
            f"--round {options.round!r} does not name a term (Autumn, Spring or Summer) and a year, so it "
            f"sets no window of issue dates and qactl would sample plans issued at any time. {example}"
        )
    if not options.round:
        raise UsageError(
            "No round and no dates: qactl would sample plans issued at any time, due 4 weeks from today. "
            + example
        )


def allocate(
    plans_path: Path,
    cohort_path: Path,
    options: Options,
    *,
    history: Sequence[Path] = (),
    keep: Path | None = None,
    today: date | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> Allocation:
    """Draw the sample and allocate it. Raises ``InfeasibleError`` (naming the bottleneck) when no allocation exists.

    ``on_stage(text)`` is told what is happening (for a progress display); it may be None. ``options`` is left as it
    is: the window, due date, seed, rubric and sizes worked out here are in the result (``options``, ``seed``, ``due``).
    """
    from qactl.allocation import explain
    from qactl.allocation.rules import instance, rules
    from qactl.allocation.solve import Bottleneck, solve

    stage = on_stage or (lambda text: None)
    check_window(options, keep)
    # a copy, filled in as the inputs are read: the caller's options are never changed (what is worked out here, the
    # window, due date, seed, rubric and sizes, is in the result)
    resolved = replace(options)
    stage("Reading the plans register and the cohort")
    plans, plans_sha, ignored = read_plans(plans_path)
    auditors, cohort_sha, cohort_ignored = read_cohort(cohort_path)
    if not auditors:
        raise InputError(f"{cohort_path}: the cohort has no auditors.")
    rd = round_dates(resolved.round)
    if resolved.date_from is None and resolved.date_to is None and rd:
        resolved.date_from, resolved.date_to = rd[1], rd[2]
    if resolved.due is None:
        resolved.due = (rd[0] if rd else (today or clock.today())) + timedelta(days=28)
    cap = {
        a.id: (0 if not a.available else (a.capacity if a.capacity is not None else resolved.per_auditor))
        for a in auditors
    }
    total_cap = sum(cap.values())
    previous = read_allocations([keep])[0] if keep else None
    past = read_allocations(list(history))
    if resolved.rubric is None:
        resolved.rubric = str((previous["options"].get("rubric") if previous else None) or DEFAULT_RUBRIC)
    resolved.rubric, form = _form(resolved.rubric)
    notes: list[str] = []
    if ignored:
        notes.append(_ignored_note(ignored, Path(plans_path).name, "plans register"))
    if cohort_ignored:
        notes.append(_ignored_note(cohort_ignored, Path(cohort_path).name, "cohort"))
    by_id = {p.plan_id: p for p in plans}

    if previous is not None:
        if resolved.seed is None:
            resolved.seed = int(previous["seed"])
        roles: dict[str, set[str]] = {}
        for x in previous["assignments"]:
            roles.setdefault(x["plan_id"], set()).add(x["role"])
        missing = sorted(set(roles) - set(by_id))
        if missing:
            raise InputError(
                f"{keep}: plans {', '.join(missing[:10])} of the previous allocation are not in the register {plans_path}. Give the same register."
            )
        sample = [
            Picked(plan=by_id[pid], stratum=stratum(by_id[pid]), moderation="moderation" in r)
            for pid, r in sorted(roles.items())
        ]
        prev_reasons = {s["plan_id"]: s for s in previous.get("sample", [])}
        for s in sample:
            before = prev_reasons.get(s.plan.plan_id)  # the kept plan's entry in the previous sample, if any
            s.focus = before.get("focus", "") if before else ""
            s.stratum = before.get("stratum", s.stratum) if before else s.stratum
        resolved.moderation = sum(s.moderation for s in sample)
        resolved.sample = len(sample)
    else:
        if resolved.seed is None:
            resolved.seed = seed_from_round(resolved.round) if resolved.round else secrets.randbelow(2**31)
        if resolved.moderation < 0:
            raise UsageError("--moderation must be 0 or more.")
        n = resolved.sample if resolved.sample is not None else total_cap - resolved.moderation
        if n <= 0:
            raise UsageError(
                f"The sample would be {n} plans: the available auditors have {total_cap} places and --moderation is {resolved.moderation}. Lower --moderation or add auditors."
            )
        if resolved.moderation > n:
            raise UsageError(f"--moderation {resolved.moderation} is more than the sample of {n} plans.")
        pool = eligible(plans, resolved.date_from, resolved.date_to, resolved.types, resolved.focus)
        if not pool:
            raise InputError(
                f"{plans_path}: no plan of type {', '.join(resolved.types)} issued between {resolved.date_from or 'the start'} and {resolved.date_to or 'the end'}"
                + (f" with {', '.join(f'{k}={v}' for k, v in resolved.focus)}" if resolved.focus else "")
                + ". Widen --from/--to or --types."
            )
        if n > len(pool):
            notes.append(
                f"Only {len(pool)} plans are eligible, fewer than the sample of {n}: all of them are allocated."
            )
            n = len(pool)
        resolved.sample = n
        stage(f"Drawing a sample of {n} plans from {len(pool)}")
        sample = draw(pool, n, resolved.moderation, resolved.seed, resolved.focus)

    # the rules, then the exact solver
    hist_pairs = {(x["plan_id"], x["auditor_id"]) for h in past for x in h["assignments"]}
    prev_pairs = (
        {(x["plan_id"], x["auditor_id"]): x["role"] for x in previous["assignments"]} if previous else {}
    )
    caps = np.array([cap[a.id] for a in auditors], dtype=np.int64)
    r = rules(
        [s.plan for s in sample], auditors, history=hist_pairs, previous=prev_pairs if previous else None
    )
    demand = np.array([2 if s.moderation else 1 for s in sample], dtype=np.int64)
    teams = sorted({s.plan.team for s in sample})
    team_index = {t: i for i, t in enumerate(teams)}
    inst = instance(r, demand, np.array([team_index[s.plan.team] for s in sample], dtype=np.int64), caps)
    stage(
        f"Allocating {int(demand.sum())} audits among {sum(1 for c in caps.tolist() if c)} auditors (exact solver)"
    )
    sol = solve(inst)
    if isinstance(sol, Bottleneck):  # the certificate: the cut the solver's first aim found (Hall, König)
        raise InfeasibleError(
            explain.message(
                sol,
                [s.plan.plan_id for s in sample],
                [a.id for a in auditors],
                moderation=bool(resolved.moderation),
            )
        )

    by_plan: dict[int, list[int]] = {}
    for p, a in sol.pairs:
        by_plan.setdefault(p, []).append(a)
    assignments: list[Assignment] = []
    for pi, ais in sorted(by_plan.items()):
        pid = sample[pi].plan.plan_id
        if len(ais) == 1:
            assignments.append(Assignment(pid, auditors[ais[0]].id, "primary"))
            continue
        # the primary auditor: the one who held that role before (--keep), else the earlier in the cohort
        ais.sort(key=lambda a: (prev_pairs.get((pid, auditors[a].id)) != "primary", a))
        assignments.append(Assignment(pid, auditors[ais[0]].id, "primary"))
        assignments.append(Assignment(pid, auditors[ais[1]].id, "moderation"))
    kept = sum(1 for x in assignments if (x.plan_id, x.auditor_id) in prev_pairs)
    inputs: list[AllocationInput] = [
        {"role": "plans", "file": Path(plans_path).name, "sha256": plans_sha},
        {"role": "cohort", "file": Path(cohort_path).name, "sha256": cohort_sha},
    ]
    for h in history:
        from qactl.sheets.reader import file_sha256

        inputs.append({"role": "history", "file": Path(h).name, "sha256": file_sha256(Path(h))})
    if keep:
        from qactl.sheets.reader import file_sha256

        inputs.append({"role": "keep", "file": Path(keep).name, "sha256": file_sha256(Path(keep))})
    opts = resolved.as_dict()
    opts["solver"] = sol.method
    opts["objective"] = dict(
        zip(
            ("changed_kept", "fill", "own_service", "repeated_pairs", "same_team"), sol.objective, strict=True
        )
    )
    return Allocation(
        round=resolved.round,
        seed=int(resolved.seed),
        due=resolved.due,
        options=opts,
        inputs=inputs,
        sample=sample,
        assignments=assignments,
        auditors=auditors,
        capacity=cap,
        kept=kept,
        moved=(len(prev_pairs) - kept) if previous else 0,
        notes=notes,
        form=form,
        form_link=resolved.form_link,
        ignored_columns=list(ignored),
    )


def _form(rubric: str) -> tuple[str, str]:
    """The rubric's id and its title (the form's name in words); raises as ``resolve`` does for an unknown rubric."""
    from qactl.rubric.loader import resolve

    r = resolve(rubric).rubric
    return r.id, r.title


def _ignored_note(headers: list[str], file: str, what: str) -> str:
    shown = ", ".join(headers[:12]) + (f" and {len(headers) - 12} more" if len(headers) > 12 else "")
    n = len(headers)
    return f"Ignored {n} column{'s' if n != 1 else ''} of the {what} {file} that qactl does not use: {shown}. They are not copied into any output."
