"""Earlier rounds: which rounds, in what order, whether they compare like with like, and the trend charts.

Up to :data:`MAX_ROUNDS` rounds are shown (this one and the five before it), ordered by their audit dates.
A round compares with this one when its rubric has the same version and the same criteria, points, grades
and method (:meth:`RubricTally.signature`), or when it was rescored with the current rubric; otherwise its
figures are shown with a mark on the chart and no change is worked out across the break.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qactl.report import charts
from qactl.report import model as m
from qactl.report.aggregate import RubricTally, pct

MAX_ROUNDS = 6


@dataclass
class Round:
    """One earlier round of one rubric."""

    label: str
    tally: RubricTally
    rescored: bool = False


def order_rounds(rounds: dict[str, list[RubricTally]], given: list[str]) -> list[str]:
    """Earlier round labels, oldest first: by their latest audit date, else by the order given."""

    def key(label: str) -> tuple:
        latest = max((t.last_date or "" for t in rounds[label]), default="")
        return latest, given.index(label) if label in given else len(given)

    return sorted(rounds, key=key)


def comparable(earlier: Round, current: RubricTally) -> bool:
    """Whether an earlier round's figures compare with this round's (same rubric version and rule, or rescored)."""
    if earlier.rescored:
        return True
    same_version = str(earlier.tally.rubric.get("version")) == str(current.rubric.get("version"))
    same_format = (1 in earlier.tally.formats) == (
        1 in current.formats
    )  # qactl 0.1 graded before a breach capped grades
    return same_version and same_format and earlier.tally.signature() == current.signature()


def change_words(earlier: Round, current: RubricTally) -> str | None:
    """Why an earlier round does not compare, in words; None when it does."""
    if comparable(earlier, current):
        return None
    old, new = earlier.tally.rubric.get("version"), current.rubric.get("version")
    if str(old) != str(new):
        return f"{earlier.label} was scored with version {old} of the rubric, this round with {new}"
    if (1 in earlier.tally.formats) != (1 in current.formats):
        return f"{earlier.label} was scored by qactl 0.1, before a statutory breach capped a grade"
    return f"the rubric's criteria, points or grades changed after {earlier.label}"


def points(current: RubricTally, label: str, earlier: list[Round]) -> list[m.RoundPoint]:
    out = []
    for r in [*earlier, None]:
        t = current if r is None else r.tally
        out.append(
            m.RoundPoint(
                round=label if r is None else r.label,
                scored=t.graded,
                mean_score=t.mean_score,
                shares={g: t.share(g) for g in current.grades},
                review_share=pct(t.review_count_as(sorted(current.review_set)), t.graded),
                version=str(t.rubric.get("version") or ""),
                comparable=r is None or comparable(r, current),
                rescored=bool(r and r.rescored),
                current=r is None,
            )
        )
    return out


def breaks(rounds: list[m.RoundPoint]) -> list[tuple[int, str]]:
    """Where a chart must mark a change of rubric: between a round that does not compare and the next."""
    out = []
    for i in range(1, len(rounds)):
        if (
            rounds[i - 1].comparable != rounds[i].comparable
            or rounds[i - 1].version != rounds[i].version
            and not rounds[i - 1].rescored
        ):
            out.append((i, "rubric changed"))
    return out


def grade_chart(cid: str, title: str, current: RubricTally, rounds: list[m.RoundPoint]) -> m.Chart:
    """Lines of each grade's share over the rounds."""
    n = len(current.grades)
    series = []
    for rank, g in enumerate(current.grades):
        colour, marker, dash = charts.grade_marker(rank, n)
        series.append(charts.Series(g, [p.shares.get(g) for p in rounds], colour, marker, dash))
    desc = (
        f"{title}. "
        + "; ".join(
            f"{p.round}: "
            + ", ".join(f"{g} {charts.fmt_pct(p.shares.get(g))}" for g in current.grades)
            + f" of {p.scored} graded"
            for p in rounds
        )
        + "."
    )
    svg = charts.line_chart(cid, title, desc, [p.round for p in rounds], series, breaks=breaks(rounds))
    return m.Chart(id=cid, title=title, description=desc, svg=svg)


def line_section(
    cid: str,
    heading: str,
    finding: str,
    title: str,
    rounds: list[str],
    rows: list[tuple[str, list[float | None], str]],
    *,
    caption: str,
    breaks_at: Sequence[tuple[int, str]] = (),
) -> m.TrendChart:
    """A chart of the trends section and its table: ``rows`` are (name, values by round, legend words)."""
    series = []
    for i, (name, values, _) in enumerate(rows):
        colour, marker, dash = charts.series_style(i)
        series.append(charts.Series(name, values, colour, marker, dash))
    desc = (
        f"{title}. "
        + "; ".join(
            f"{name}: " + ", ".join(f"{r} {charts.fmt_pct(v)}" for r, v in zip(rounds, values, strict=True))
            for name, values, _ in rows
        )
        + "."
    )
    svg = charts.line_chart(
        cid, title, desc, rounds, series, breaks=list(breaks_at), legend=[legend for *_, legend in rows]
    )
    table = m.TrendTable(
        caption=caption,
        rounds=rounds,
        rows=[
            m.TrendTableRow(label=legend, values=[charts.fmt_pct(v) for v in values])
            for _, values, legend in rows
        ],
    )
    return m.TrendChart(
        id=cid,
        heading=heading,
        finding=finding,
        chart=m.Chart(id=cid, title=title, description=desc, svg=svg),
        table=table,
    )
