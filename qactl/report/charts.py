"""Small inline SVG charts for the Practice Report: no script, no font, no link; text alternatives built in.

Every chart is ``<svg role="img" aria-labelledby="ID-title ID-desc">`` with a ``<title>`` and a ``<desc>``
that state the numbers, and every bar carries its number as text, so colour is never the only signal.
Colours are the Okabe–Ito palette (distinguishable with the common colour-vision deficiencies); grades
also get a pattern each. All text is XML-escaped here, so the SVG can be inserted as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from xml.sax.saxutils import escape as _xml_escape

BLUE, SKY, GREEN, YELLOW, ORANGE, VERMILLION, PURPLE, BLACK = (
    "#0072B2", "#56B4E9", "#009E73", "#F0E442", "#E69F00", "#D55E00", "#CC79A7", "#000000",
)
INK = "#1a1a1a"
GRID = "#c8c8c8"
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"

# Colour and pattern by grade, best first; the worst grade is always vermillion with cross-hatching.
_GRADE_COLOURS = {
    1: [BLUE],
    2: [BLUE, VERMILLION],
    3: [BLUE, ORANGE, VERMILLION],
    4: [BLUE, GREEN, ORANGE, VERMILLION],
    5: [BLUE, SKY, GREEN, ORANGE, VERMILLION],
}
_PATTERNS = ["solid", "diagonal", "dots", "cross", "horizontal", "vertical"]
_GRADE_PATTERNS = {1: ["solid"], 2: ["solid", "cross"], 3: ["solid", "dots", "cross"], 4: ["solid", "diagonal", "dots", "cross"]}


def grade_style(rank: int, n: int) -> tuple[str, str]:
    """(colour, pattern) of the grade ranked ``rank`` (0 = best) among ``n`` grades."""
    colours = _GRADE_COLOURS.get(n) or [BLUE, SKY, GREEN, YELLOW, ORANGE, PURPLE, VERMILLION]
    patterns = _GRADE_PATTERNS.get(n) or _PATTERNS
    return colours[min(rank, len(colours) - 1)], patterns[min(rank, len(patterns) - 1)]


def esc(text: object) -> str:
    return _xml_escape(str(text), {'"': "&quot;"})


def _fmt_pct(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f}%"


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
    p += (
        f'<pattern id="{cid}-previous" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(-45)">'
        '<rect width="5" height="5" fill="#e6e6e6"/><rect width="1.6" height="5" fill="#6b6b6b"/></pattern>'
    )
    return f"<defs>{p}</defs>"


def _rect(cid: str, x: float, y: float, w: float, h: float, colour: str, pattern: str) -> str:
    out = f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" fill="{colour}"/>'
    if pattern != "solid" and w > 0:
        out += f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="url(#{cid}-{pattern})"/>'
    return out


def _text(x: float, y: float, text: str, *, anchor: str = "start", size: int = 12, weight: str = "normal", halo: bool = False, fill: str = INK) -> str:
    extra = ' paint-order="stroke" stroke="#fff" stroke-width="3" stroke-linejoin="round"' if halo else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" fill="{fill}"{extra}>'
        f"{esc(text)}</text>"
    )


def _svg(cid: str, title: str, desc: str, width: int, height: int, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" id="{cid}" class="chart" role="img" aria-labelledby="{cid}-title {cid}-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" font-family="{esc(FONT)}" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{cid}-title">{esc(title)}</title><desc id="{cid}-desc">{esc(desc)}</desc>'
        f"{_defs(cid)}{body}</svg>"
    )


def _axis(x0: float, w: float, y0: float, y1: float) -> str:
    out = ""
    for pct in (0, 25, 50, 75, 100):
        x = x0 + w * pct / 100
        dash = "" if pct == 0 else ' stroke-dasharray="2 3"'
        out += f'<line x1="{x:.1f}" y1="{y0:.1f}" x2="{x:.1f}" y2="{y1:.1f}" stroke="{GRID}" stroke-width="1"{dash}/>'
        out += _text(x, y1 + 14, f"{pct}%", anchor="middle", size=10)
    return out


@dataclass(frozen=True)
class GradeBar:
    label: str
    rank: int
    count: int
    share: float | None
    previous_share: float | None = None


def grade_bars(cid: str, title: str, desc: str, bars: list[GradeBar], *, current: str = "This round", previous: str | None = None) -> str:
    """Horizontal bars, one per grade (share of audits), each labelled with its count and percent.

    With ``previous``, a thin grey hatched bar under each shows the previous round's share.
    """
    n = len(bars)
    width, label_w, right = 640, 170, 130
    bar_w = width - label_w - right
    row_h = 40 if previous else 28
    top = 30 if previous else 8
    height = top + n * row_h + 26
    body = ""
    if previous:
        for k in range(min(n, 4)):  # a swatch of the grades' colours: "the coloured bars"
            body += _rect(cid, label_w + 4 * k, 6, 4, 10, grade_style(k, min(n, 4))[0], "solid")
        body += _text(label_w + 20, 15, current, size=11)
        x2 = label_w + 30 + 7 * len(current)
        body += _rect(cid, x2, 6, 14, 10, "#999", "previous") + _text(x2 + 20, 15, f"{previous} (previous round)", size=11)
    body += _axis(label_w, bar_w, top - 2, top + n * row_h + 2)
    for i, b in enumerate(bars):
        y = top + i * row_h
        colour, pattern = grade_style(b.rank, n)
        share = b.share or 0.0
        h = 18
        body += _text(label_w - 8, y + 13, _short(b.label, 26), anchor="end", weight="bold")
        body += _rect(cid, label_w, y + 1, bar_w * share / 100, h, colour, pattern)
        body += _text(label_w + bar_w * share / 100 + 6, y + 14, f"{b.count} ({_fmt_pct(b.share)})")
        if previous:
            pshare = b.previous_share or 0.0
            body += _rect(cid, label_w, y + h + 4, bar_w * pshare / 100, 9, "#999", "previous")
            body += _text(label_w + bar_w * pshare / 100 + 6, y + h + 12, f"previous {_fmt_pct(b.previous_share)}", size=10)
    return _svg(cid, title, desc, width, height, body)


@dataclass(frozen=True)
class Segment:
    name: str
    rank: int
    grades: int  # how many grades the rubric has (for its colours)
    count: int
    share: float


def stacked_bars(cid: str, title: str, desc: str, rows: list[tuple[str, list[Segment]]]) -> str:
    """One 100% bar per row (a rubric), split by grade, each part labelled with its percent when it fits.

    The row's name sits above its bar and a legend with the counts below it (rubrics may name their grades differently).
    """
    width = 640
    bar_w = width - 12
    row_h, h = 70, 22
    height = 4 + len(rows) * row_h
    body = ""
    for i, (label, segs) in enumerate(rows):
        y = 4 + i * row_h
        body += _text(0, y + 12, _short(label, 90), weight="bold")
        x, by = 0.0, y + 18
        for s in segs:
            w = bar_w * s.share / 100
            colour, pattern = grade_style(s.rank, s.grades)
            body += _rect(cid, x, by, w, h, colour, pattern)
            if w >= 34:
                body += _text(x + w / 2, by + 15, f"{s.share:.0f}%", anchor="middle", size=11, weight="bold", halo=True)
            x += w
        legend_x = 0.0
        for s in segs:
            colour, pattern = grade_style(s.rank, s.grades)
            item = f"{_short(s.name, 24)}: {s.count}"
            body += _rect(cid, legend_x, by + h + 6, 11, 11, colour, pattern)
            body += _text(legend_x + 15, by + h + 16, item, size=11)
            legend_x += 15 + 6.2 * len(item) + 14
    return _svg(cid, title, desc, width, height, body)


def percent_bars(cid: str, title: str, desc: str, rows: list[tuple[str, float | None, str]]) -> str:
    """Horizontal bars of a percentage (e.g. on time), one per row, each with its text."""
    width, label_w, right = 640, 230, 150
    bar_w = width - label_w - right
    row_h = 28
    height = 8 + len(rows) * row_h + 26
    body = _axis(label_w, bar_w, 6, 8 + len(rows) * row_h + 2)
    for i, (label, share, text) in enumerate(rows):
        y = 8 + i * row_h
        body += _text(label_w - 8, y + 13, _short(label, 36), anchor="end")
        body += _rect(cid, label_w, y + 1, bar_w * (share or 0) / 100, 18, BLUE, "solid")
        body += _text(label_w + bar_w * (share or 0) / 100 + 6, y + 14, text)
    return _svg(cid, title, desc, width, height, body)
