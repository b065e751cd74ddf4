"""Rendering a :class:`ReportContext` with Jinja: one strict environment per template folder, built once.

HTML templates are autoescaped. Markdown templates are not (HTML escaping would show ``&amp;`` in a
table), so for Markdown every text in the context is escaped for Markdown before rendering instead, ids
included: ``<`` ``>`` ``&`` become entities and Markdown's own punctuation gets a backslash, so a value from a
spreadsheet can neither inject HTML nor break a table or a code span. Either way a template cannot forget to
escape. The only values left as they are are the SVG charts, which :mod:`qactl.report.charts` escapes.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path
from typing import Any

from qactl.errors import ConfigError, Problem, UsageError
from qactl.report.model import ReportContext

_MD_SPECIAL = re.compile(r"([\\`*_\[\]#|~])")
_MARKDOWN_NAMES = (".md.j2", ".md", ".markdown.j2", ".markdown")


def md_escape(text: str) -> str:
    """Text that Markdown shows as it is: no HTML, no emphasis, no link, no table break, on one line."""
    text = " ".join(str(text).split())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


_SVG_KEYS = ("svg", "bar", "legend")  # inline SVG built and escaped by qactl.report.charts


def _md_walk(value: Any, key: str | None = None) -> Any:
    if isinstance(value, str):
        return value if key in _SVG_KEYS else md_escape(value)
    if isinstance(value, dict):
        return (
            {k: _md_walk(v, k) for k, v in value.items()}
            if key != "shares"
            else {md_escape(k): v for k, v in value.items()}
        )
    if isinstance(value, list):
        return [_md_walk(v, key) for v in value]
    return value


def _autoescape(name: str | None) -> bool:
    return not (name or "").lower().endswith(_MARKDOWN_NAMES)


def _pct(v: float | None, digits: int = 1) -> str:
    return "–" if v is None else f"{v:.{digits}f}%"


def _num(v: float | int | None, digits: int = 1) -> str:
    if v is None:
        return "–"
    if isinstance(v, int):
        return f"{v:,}"
    return f"{v:,.{digits}f}"


def _signed(v: float | None, unit: str = "") -> str:
    return "–" if v is None else f"{v:+.1f}{unit}".replace("-", "−")


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


_MD_UNESCAPE = re.compile(r"\\(.)")
_ANCHOR_DROP = re.compile(r"[^\w\- ]+")


def _md_anchor(heading: str) -> str:
    """The anchor GitHub and most Markdown viewers give a heading: the text as shown, lower case, punctuation dropped, spaces as hyphens."""
    import html

    shown = html.unescape(_MD_UNESCAPE.sub(r"\1", heading))
    return _ANCHOR_DROP.sub("", shown.casefold()).strip().replace(" ", "-")


@cache
def environment(search: tuple[str, ...]):
    """The strict Jinja environment for a template search path (StrictUndefined; HTML autoescaped)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(list(search)),
        autoescape=_autoescape,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(pct=_pct, num=_num, signed=_signed, plural=_plural, md_anchor=_md_anchor)
    return env


def shipped_dir() -> Path:
    from qactl.paths import data_dir

    return data_dir("templates")


def resolve(template: str | None, fmt: str) -> tuple[tuple[str, ...], str]:
    """(search path, template name) for ``--template NAME|PATH`` and the output format."""
    shipped = str(shipped_dir())
    search: tuple[str, ...]
    if template is None:
        search, name = (shipped,), f"practice-report.{fmt}.j2"
    else:
        p = Path(template)
        if p.is_file():
            search, name = (str(p.resolve().parent), shipped), p.name
        else:
            found = next(
                (n for n in (template, f"{template}.{fmt}.j2") if (Path(shipped) / n).is_file()), None
            )
            if found is None:
                names = sorted(x.name for x in Path(shipped).glob("*.j2"))
                raise UsageError(
                    f"No template {template!r}: give a file path, or one of the shipped templates: {', '.join(names)}."
                )
            search, name = (shipped,), found
    is_md = name.lower().endswith(_MARKDOWN_NAMES)
    if is_md != (fmt == "md"):
        want = (
            "a Markdown template (ending .md.j2)" if fmt == "md" else "an HTML template (not ending .md.j2)"
        )
        raise UsageError(f"The template {name} does not fit a .{fmt} output: give {want}.")
    return search, name


def render(ctx: ReportContext, template: str | None = None) -> str:
    """The report as text, from the shipped template or a council's own."""
    from jinja2 import TemplateError, TemplateSyntaxError

    search, name = resolve(template, ctx.format)
    env = environment(search)
    data = ReportContext.model_validate(_md_walk(ctx.model_dump())) if ctx.format == "md" else ctx
    try:
        return env.get_template(name).render(report=data)
    except TemplateSyntaxError as e:
        raise ConfigError(
            [Problem(e.filename or name, e.lineno, None, f"template syntax: {e.message}")]
        ) from None
    except TemplateError as e:
        file, line = _template_frame(sys.exc_info()[2], name)
        raise ConfigError(
            [Problem(file, line, None, f"template: {e.message or e}")],
            hint="docs/report-template.md lists every value a template can use.",
        ) from None


def render_pack(ctx: ReportContext, service) -> str:
    """One service's pack (``--service-packs``): a short HTML page of the audits of plans it contributed to."""
    env = environment((str(shipped_dir()),))
    return env.get_template("service-pack.html.j2").render(report=ctx, service=service)


def _template_frame(tb, name: str) -> tuple[str, int | None]:
    """The template file and line where rendering failed (Jinja puts template frames in the traceback)."""
    where: tuple[str, int | None] = (name, None)
    while tb is not None:
        fn = tb.tb_frame.f_code.co_filename
        if fn.endswith(".j2") or fn.endswith(name):
            where = (fn, tb.tb_lineno)
        tb = tb.tb_next
    return where
