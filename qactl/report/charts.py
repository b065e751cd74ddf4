"""Inline SVG charts for the report: no JavaScript, no fonts, no network.

Every chart is an ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` stating its numbers, and the
report puts a table of the same numbers beside it, so colour is never the only signal: grades also get a
pattern, lines a marker shape and a dash. Colours are the Okabe–Ito palette (distinguishable with the
common colour-vision deficiencies).

Sizes are chosen for reading, not for the page: charts are at most :data:`WIDTH` units wide and their
smallest text is :data:`SMALL` units, so a chart shown at its own width (desktop, and print, where a unit is
a CSS pixel: 12 px = 9 pt) or scaled down to a 320 px phone (about 0.8) keeps its text legible.

All text and every id is escaped here (:func:`esc`, :func:`safe_id`), so the SVG can be inserted as it is.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape as _xml_escape

BLUE, SKY, GREEN, YELLOW, ORANGE, VERMILLION, PURPLE, BLACK = (
    "#0072B2",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#E69F00",
    "#D55E00",
    "#CC79A7",
    "#000000",
)
INK = "#1a1a1a"
GRID = "#c8c8c8"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
WIDTH = 400  # chart width in SVG units (= CSS px at full size)
SMALL = 12  # the smallest text, in SVG units: 9 pt when printed at full size
TEXT = 13

# Colour and pattern by grade, best first; the worst grade is always vermillion with cross-hatching.
_GRADE_COLOURS = {
    1: [BLUE],
    2: [BLUE, VERMILLION],
    3: [BLUE, ORANGE, VERMILLION],
    4: [BLUE, GREEN, ORANGE, VERMILLION],
    5: [BLUE, SKY, GREEN, ORANGE, VERMILLION],
}
_PATTERNS = ["solid", "diagonal", "dots", "cross", "horizontal", "vertical"]
_GRADE_PATTERNS = {
    1: ["solid"],
    2: ["solid", "cross"],
    3: ["solid", "dots", "cross"],
    4: ["solid", "diagonal", "dots", "cross"],
}
_SERIES_COLOURS = [BLUE, VERMILLION, GREEN, ORANGE, PURPLE, SKY, BLACK]
_MARKERS = ["circle", "square", "triangle", "diamond", "cross", "plus"]
_DASHES = ["", "6 3", "2 3", "8 3 2 3"]


def grade_style(rank: int, n: int) -> tuple[str, str]:
    """(colour, pattern) of the grade ranked ``rank`` (0 = best) among ``n`` grades."""
    colours = _GRADE_COLOURS.get(n) or [BLUE, SKY, GREEN, YELLOW, ORANGE, PURPLE, VERMILLION]
    patterns = _GRADE_PATTERNS.get(n) or _PATTERNS
    return colours[min(rank, len(colours) - 1)], patterns[min(rank, len(patterns) - 1)]


def grade_marker(rank: int, n: int) -> tuple[str, str, str]:
    """(colour, marker, dash) of a grade's line: the best a solid line with circles, the worst vermillion with squares."""
    colour, _ = grade_style(rank, n)
    if rank == n - 1:
        return colour, "square", ""
    if rank == 0:
        return colour, "circle", ""
    return colour, ["triangle", "diamond", "cross", "plus"][(rank - 1) % 4], _DASHES[1 + (rank - 1) % 3]


def esc(text: object) -> str:
    return _xml_escape(str(text), {'"': "&quot;", "'": "&#39;"})


_ID_UNSAFE = re.compile(r"[^a-z0-9-]+")


def safe_id(text: object) -> str:
    """An id or anchor from any text: lower-case letters, digits and hyphens only (safe in HTML, SVG, CSS
    ``url(#…)`` and Markdown links); when anything had to be changed, a short hash keeps it unique."""
    raw = str(text)
    slug = _ID_UNSAFE.sub("-", raw.casefold()).strip("-")[:48] or "x"
    if slug == raw and slug[0].isalpha():
        return slug
    return f"{slug if slug[0].isalpha() else 'x-' + slug}-{hashlib.sha256(raw.encode()).hexdigest()[:6]}"


def fmt_pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f}%"


def shares_to_100(counts: list[int]) -> list[int]:
    """Whole-number percentages of ``counts`` that add up to exactly 100 (largest remainder), for labels."""
    total = sum(counts)
    if not total:
        return [0] * len(counts)
    raw = [100 * c / total for c in counts]
    out = [int(r) for r in raw]
    for i in sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))[: 100 - sum(out)]:
        out[i] += 1
    return out


def _short(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _defs(cid: str) -> str:
    """White overlay patterns, one per kind, with ids unique to this chart."""
    p = f'<pattern id="{cid}-diagonal" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)"><rect width="2.5" height="7" fill="#fff" fill-opacity="0.6"/></pattern>'
    p += f'<pattern id="{cid}-dots" patternUnits="userSpaceOnUse" width="6" height="6"><circle cx="3" cy="3" r="1.4" fill="#fff" fill-opacity="0.75"/></pattern>'
    p += (
        f'<pattern id="{cid}-cross" patternUnits="userSpaceOnUse" width="7" height="7" patternTransform="rotate(45)">'
        '<rect width="2" height="7" fill="#fff" fill-opacity="0.55"/><rect width="7" height="2" fill="#fff" fill-opacity="0.55"/></pattern>'
    )
    p += f'<pattern id="{cid}-horizontal" patternUnits="userSpaceOnUse" width="6" height="6"><rect width="6" height="2" fill="#fff" fill-opacity="0.6"/></pattern>'
    p += f'<pattern id="{cid}-vertical" patternUnits="userSpaceOnUse" width="6" height="6"><rect width="2" height="6" fill="#fff" fill-opacity="0.6"/></pattern>'
    return f"<defs>{p}</defs>"


def _rect(cid: str, x: float, y: float, w: float, h: float, colour: str, pattern: str) -> str:
    out = f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{colour}"/>'
    if pattern != "solid" and w > 0:
        out += (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="url(#{cid}-{pattern})"/>'
        )
    return out


def _text(
    x: float,
    y: float,
    text: str,
    *,
    anchor: str = "start",
    size: int = TEXT,
    weight: str = "normal",
    halo: bool = False,
    fill: str = INK,
) -> str:
    extra = ' paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"' if halo else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{esc(text)}</text>"
    )


def _svg(cid: str, title: str, desc: str, width: int, height: float, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{cid}" class="chart" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'viewBox="0 0 {width} {height:.0f}" width="{width}" height="{height:.0f}" font-family="{esc(FONT)}" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{cid}-title">{esc(title)}</title><desc id="{cid}-desc">{esc(desc)}</desc>'
        f"{_defs(cid)}{body}</svg>"
    )


def _marker(kind: str, x: float, y: float, colour: str, r: float = 4.5) -> str:
    if kind == "square":
        return f'<rect x="{x - r:.1f}" y="{y - r:.1f}" width="{2 * r:.1f}" height="{2 * r:.1f}" fill="{colour}"/>'
    if kind == "triangle":
        return f'<path d="M{x:.1f} {y - r - 1:.1f}L{x + r + 1:.1f} {y + r:.1f}L{x - r - 1:.1f} {y + r:.1f}Z" fill="{colour}"/>'
    if kind == "diamond":
        return f'<path d="M{x:.1f} {y - r - 1:.1f}L{x + r + 1:.1f} {y:.1f}L{x:.1f} {y + r + 1:.1f}L{x - r - 1:.1f} {y:.1f}Z" fill="{colour}"/>'
    if kind in ("cross", "plus"):
        rot = f' transform="rotate(45 {x:.1f} {y:.1f})"' if kind == "cross" else ""
        return f'<path d="M{x - r:.1f} {y:.1f}H{x + r:.1f}M{x:.1f} {y - r:.1f}V{y + r:.1f}" stroke="{colour}" stroke-width="3"{rot}/>'
    return f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" fill="{colour}"/>'


@dataclass(frozen=True)
class Series:
    """One line: its name, its values by round (None: no data), and how it is drawn."""

    name: str
    values: list[float | None]
    colour: str = BLUE
    marker: str = "circle"
    dash: str = ""


def series_style(i: int) -> tuple[str, str, str]:
    """(colour, marker, dash) of the i-th line of a chart that is not of grades."""
    return _SERIES_COLOURS[i % len(_SERIES_COLOURS)], _MARKERS[i % len(_MARKERS)], _DASHES[i % len(_DASHES)]


def line_chart(
    cid: str,
    title: str,
    desc: str,
    rounds: list[str],
    series: list[Series],
    *,
    breaks: Sequence[tuple[int, str]] = (),
    legend: list[str] | None = None,
) -> str:
    """Lines of percentages (0–100) over rounds, oldest first, each point marked and the last one labelled.

    ``breaks``: (index, words) for a change between round ``index - 1`` and ``index`` (a new rubric version or
    scoring rule): a dashed vertical line with the words, so no one reads a change the rule made as progress.
    ``legend``: the names shown under the chart (default the series' names, shortened).
    """
    n = max(len(rounds), 1)
    left, right, top = 40, 52, 14
    plot_w = WIDTH - left - right
    plot_h = 150
    label_rows = 1 if n <= 3 else 2
    axis_bottom = top + plot_h
    names = legend or [s.name for s in series]
    legend_h = 20 * len(series)
    height = axis_bottom + 8 + 16 * label_rows + 8 + legend_h

    def x_of(i: int) -> float:
        return left + (plot_w * (i + 0.5) / n)

    def y_of(v: float) -> float:
        return top + plot_h * (1 - v / 100)

    body = ""
    for p in (0, 25, 50, 75, 100):
        y = y_of(p)
        dash = "" if p == 0 else ' stroke-dasharray="2 3"'
        body += f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID}"{dash}/>'
        body += _text(left - 5, y + 4, f"{p}%", anchor="end", size=SMALL)
    for i, label in enumerate(rounds):
        row = i % label_rows
        body += _text(
            x_of(i), axis_bottom + 8 + 13 + 16 * row, _short(label, 16), anchor="middle", size=SMALL
        )
    for index, words in breaks:
        if 0 < index < n:
            x = (x_of(index - 1) + x_of(index)) / 2
            body += f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{axis_bottom}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="5 3"/>'
            body += _text(x + 3, top + 2, _short(words, 22), size=SMALL, halo=True)
    ends: list[tuple[float, str, str]] = []
    for s in series:
        pts = [(x_of(i), y_of(v)) for i, v in enumerate(s.values) if v is not None]
        if len(pts) > 1:
            path = "M" + "L".join(f"{x:.1f} {y:.1f}" for x, y in pts)
            dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
            body += f'<path d="{path}" fill="none" stroke="{s.colour}" stroke-width="2.5"{dash}/>'
        for x, y in pts:
            body += _marker(s.marker, x, y, s.colour)
        last = next((v for v in reversed(s.values) if v is not None), None)
        if last is not None and s.values and s.values[-1] is not None:
            ends.append((y_of(last), f"{last:.0f}%", s.colour))
    # the last round's values, at the right, moved apart so they never overlap
    ends.sort()
    placed: list[float] = []
    for y, _, _ in ends:
        placed.append(max(y, placed[-1] + 15) if placed else y)
    overflow = (placed[-1] - axis_bottom) if placed and placed[-1] > axis_bottom else 0
    for (_, label, colour), y in zip(ends, placed, strict=True):
        body += _text(
            left + plot_w + 8,
            y - overflow + 4,
            label,
            size=SMALL,
            weight="bold",
            fill=INK if colour in (YELLOW,) else colour,
            halo=True,
        )
    ly = axis_bottom + 8 + 16 * label_rows + 8
    for k, (s, name) in enumerate(zip(series, names, strict=True)):
        y = ly + 20 * k + 8
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        body += (
            f'<line x1="4" y1="{y:.1f}" x2="34" y2="{y:.1f}" stroke="{s.colour}" stroke-width="2.5"{dash}/>'
        )
        body += _marker(s.marker, 19, y, s.colour)
        body += _text(42, y + 4, _short(name, 48), size=SMALL)
    return _svg(cid, title, desc, WIDTH, height, body)


@dataclass(frozen=True)
class Segment:
    name: str
    rank: int
    grades: int  # how many grades the rubric has (for its colours)
    count: int


def stacked_bars(cid: str, title: str, desc: str, rows: list[tuple[str, list[Segment]]]) -> str:
    """One 100% bar per row (a rubric, a round), split by grade, each part labelled with its percent when it fits.

    The percentages shown add up to 100 in every row (largest remainder). The row's name sits above its
    bar and a legend of its grades with their counts below it (rubrics may name their grades differently).
    """
    bar_w = WIDTH - 4
    h = 22
    body = ""
    y = 4.0
    for label, segs in rows:
        body += _text(0, y + 13, _short(label, 52), weight="bold")
        by = y + 19
        x = 0.0
        total = sum(s.count for s in segs)
        for s, whole in zip(segs, shares_to_100([s.count for s in segs]), strict=True):
            w = bar_w * s.count / total if total else 0.0
            colour, pattern = grade_style(s.rank, s.grades)
            body += _rect(cid, x, by, w, h, colour, pattern)
            if w >= 34:
                body += _text(
                    x + w / 2, by + 16, f"{whole}%", anchor="middle", size=SMALL, weight="bold", halo=True
                )
            x += w
        lx, ly = 0.0, by + h + 6
        for s in segs:
            colour, pattern = grade_style(s.rank, s.grades)
            item = f"{_short(s.name, 24)}: {s.count}"
            width = 17 + 6.6 * len(item) + 12
            if lx and lx + width > WIDTH:
                lx, ly = 0.0, ly + 18
            body += _rect(cid, lx, ly, 12, 12, colour, pattern)
            body += _text(lx + 17, ly + 11, item, size=SMALL)
            lx += width
        y = ly + 24
    return _svg(cid, title, desc, WIDTH, y, body)


def distribution_bar(cid: str, counts: list[int], ranks: int) -> str:
    """A small 100% bar of one question's answers (best first), for a table row: decorative (the row holds the numbers)."""
    total = sum(counts)
    width, h = 200, 14
    body = ""
    x = 0.0
    for rank, c in enumerate(counts):
        w = width * c / total if total else 0.0
        colour, pattern = grade_style(rank, ranks)
        body += _rect(cid, x, 0, w, h, colour, pattern)
        x += w
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="dist" aria-hidden="true" focusable="false" viewBox="0 0 {width} {h}" '
        f'width="{width}" height="{h}" preserveAspectRatio="none">{_defs(cid)}{body}</svg>'
    )


def legend(labels: list[str], cid: str) -> str:
    """The colour and pattern key of :func:`distribution_bar` (best answer first), as an HTML list; empty without labels."""
    if not labels:
        return ""
    items = []
    for rank, label in enumerate(labels):
        colour, pattern = grade_style(rank, len(labels))
        key = f"{cid}-{rank}"
        items.append(
            f'<li><svg width="14" height="14" aria-hidden="true" focusable="false">{_defs(key)}{_rect(key, 0, 0, 14, 14, colour, pattern)}</svg>{esc(label)}</li>'
        )
    return f'<ul class="legend" aria-hidden="true">{"".join(items)}</ul>'


def percent_bars(cid: str, title: str, desc: str, rows: list[tuple[str, float | None, str]]) -> str:
    """Horizontal bars of a percentage (e.g. on time), one per row: its name above, its text after the bar."""
    label_h, bar_h, gap = 17, 16, 10
    right = 120
    bar_w = WIDTH - right
    top = 4
    row_h = label_h + bar_h + gap
    height = top + len(rows) * row_h + 18
    body = ""
    for p in (0, 50, 100):
        x = bar_w * p / 100
        body += f'<line x1="{x:.1f}" y1="{top:.1f}" x2="{x:.1f}" y2="{top + len(rows) * row_h:.1f}" stroke="{GRID}" stroke-dasharray="2 3"/>'
        body += _text(
            min(max(x, 14), WIDTH - 14), top + len(rows) * row_h + 14, f"{p}%", anchor="middle", size=SMALL
        )
    for i, (label, share, text) in enumerate(rows):
        y = top + i * row_h
        body += _text(0, y + 13, _short(label, 58), size=SMALL, weight="bold")
        body += _rect(cid, 0, y + label_h, bar_w * (share or 0) / 100, bar_h, BLUE, "solid")
        body += _text(bar_w * (share or 0) / 100 + 6, y + label_h + 13, text, size=SMALL)
    return _svg(cid, title, desc, WIDTH, height, body)
