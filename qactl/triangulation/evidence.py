"""Evidence that is not an audit, for triangulation: complaints, compliments, surveys and KPIs.

Wolverhampton QA Framework §6.9–6.12 and §7 (triangulation sources), Worcestershire §5.2–5.3. One
file, ``--evidence FILE``, in either of two shapes:

* YAML (``.yaml``/``.yml``), read through :mod:`qactl.yamlio`, so every error is ``file:line:column``;
* a workbook (``.xlsx``) with one sheet per kind (``Services``, ``Complaints``, ``Compliments``,
  ``Surveys``, ``KPIs``), or a ``.csv`` (or a single sheet) with a ``kind`` column saying what each row
  is. Read through :func:`qactl.sheets.open_sheet`; every error names its cell (``Complaints!C4``).

:func:`load_evidence` checks everything before returning: counts are whole numbers, every KPI has a
target, every service is one of the file's ``services`` (with a did-you-mean), every theme is one the
caller knows. It raises one :class:`~qactl.errors.ConfigError` listing every problem.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from qactl.errors import ConfigError, InputError, Problem

if TYPE_CHECKING:
    from pydantic_core import ErrorDetails

SurveySource = Literal["PCF", "CYP", "SENCO", "other"]

_SOURCE_WORDS = {
    "pcf": "PCF",
    "parent carer forum": "PCF",
    "parent carer forum survey": "PCF",
    "pcf survey": "PCF",
    "cyp": "CYP",
    "cyp survey": "CYP",
    "children and young people": "CYP",
    "children and young people survey": "CYP",
    "hy5": "CYP",
    "hy5!": "CYP",
    "senco": "SENCO",
    "senco survey": "SENCO",
    "senco network": "SENCO",
    "other": "other",
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _text(v: object) -> object:
    """YAML reads ``2025`` and sheets read ``2025.0``: periods and ids are text."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, int | float) and not isinstance(v, bool):
        return str(v)
    return v.strip() if isinstance(v, str) else v


class Service(_Model):
    """A service of the local area; records name it by ``name`` or one of its ``aliases`` (any case)."""

    name: str = Field(min_length=1)
    aliases: list[str] = []


class Count(_Model):
    """Complaints or compliments about one theme in one service, over one period."""

    service: str
    theme: str
    count: int = Field(ge=0)
    period: str | None = None

    @field_validator("period", "service", "theme", mode="before")
    @classmethod
    def _texts(cls, v: object) -> object:
        return _text(v)


class Survey(_Model):
    """One result of a survey of families, children and young people, or SENCOs: the share agreeing."""

    source: SurveySource
    date: dt.date
    question: str
    agree_percent: float = Field(ge=0, le=100)
    respondents: int | None = Field(default=None, ge=0)
    theme: str | None = None
    service: str | None = None
    title: str | None = None

    @field_validator("source", mode="before")
    @classmethod
    def _source(cls, v: object) -> object:
        if isinstance(v, str):
            key = " ".join(v.split()).casefold()
            if key in _SOURCE_WORDS:
                return _SOURCE_WORDS[key]
            raise ValueError(f"the source must be PCF, CYP, SENCO or other, found {v!r}")
        return v

    @field_validator("date", mode="before")
    @classmethod
    def _date(cls, v: object) -> object:
        from qactl.dates import parse_date

        return parse_date(v)

    @field_validator("question", "theme", "service", "title", mode="before")
    @classmethod
    def _texts(cls, v: object) -> object:
        return _text(v)


class Kpi(_Model):
    """A key performance indicator against its target (a KPI without a target says nothing)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str
    value: float
    target: float
    unit: str = "%"
    period: str | None = None
    theme: str | None = None
    service: str | None = None
    higher_is_better: bool = True

    @field_validator("id", "label", "unit", "period", "theme", "service", mode="before")
    @classmethod
    def _texts(cls, v: object) -> object:
        return _text(v)

    @field_validator("higher_is_better", mode="before")
    @classmethod
    def _direction(cls, v: object) -> object:
        if isinstance(v, str):
            key = v.strip().casefold()
            if key in ("yes", "y", "true", "higher", "up", "1"):
                return True
            if key in ("no", "n", "false", "lower", "down", "0"):
                return False
            raise ValueError(f"higher_is_better must be yes or no (or higher/lower), found {v!r}")
        return v

    @property
    def met(self) -> bool:
        """Whether the KPI reaches its target (a value on the target meets it)."""
        return self.value >= self.target if self.higher_is_better else self.value <= self.target

    @property
    def gap(self) -> float:
        """How far the value is beyond (positive) or short of (negative) the target, in the KPI's unit."""
        return round((self.value - self.target) if self.higher_is_better else (self.target - self.value), 1)


class Evidence(_Model):
    """Everything a triangulation needs that is not an audit. Services are canonical names after loading."""

    services: list[Service] = Field(min_length=1)
    complaints: list[Count] = []
    compliments: list[Count] = []
    surveys: list[Survey] = []
    kpis: list[Kpi] = []
    source_file: str | None = None

    @field_validator("services", mode="before")
    @classmethod
    def _service_shorthand(cls, v: object) -> object:
        if isinstance(v, list):
            return [{"name": s} if isinstance(s, str) else s for s in v]
        return v

    @model_validator(mode="after")
    def _unique(self) -> Evidence:
        seen: set[str] = set()
        for k in self.kpis:
            if k.id in seen:
                raise ValueError(f"the KPI id {k.id!r} is used twice; give each KPI its own id")
            seen.add(k.id)
        return self


# ---------------------------------------------------------------------------------------------
# Cross-references: services and themes. Shared by both shapes; each problem has a ``loc``.
# ---------------------------------------------------------------------------------------------

Loc = tuple[Any, ...]


def _service_index(services: Iterable[Service]) -> dict[str, str]:
    index: dict[str, str] = {}
    for s in services:
        for word in [s.name, *s.aliases]:
            index[" ".join(word.split()).casefold()] = s.name
    return index


def _unknown_service(value: str, index: dict[str, str], names: list[str]) -> str | None:
    """The message for a service the file does not list, or None when it does."""
    if " ".join(value.split()).casefold() in index:
        return None
    near = get_close_matches(value, names, n=1, cutoff=0.5) or get_close_matches(
        value.casefold(), list(index), n=1, cutoff=0.5
    )
    tip = f" (did you mean {index.get(near[0], near[0])!r}?)" if near else ""
    return f"unknown service {value!r}{tip}; the services are: {', '.join(names)}"


def _unknown_theme(value: str, themes: Collection[str] | None) -> str | None:
    if themes is None or value in themes:
        return None
    near = get_close_matches(value, list(themes), n=1, cutoff=0.5)
    tip = f" (did you mean {near[0]!r}?)" if near else ""
    return (
        f"unknown theme {value!r}{tip}; themes are ids of the theme dictionary: {', '.join(sorted(themes))}"
    )


def _cross_check(ev: Evidence, themes: Collection[str] | None) -> tuple[Evidence, list[tuple[Loc, str]]]:
    """Services to their canonical names; every unknown service or theme as ``(loc, message)``."""
    index = _service_index(ev.services)
    names = [s.name for s in ev.services]
    problems: list[tuple[Loc, str]] = []
    update: dict[str, list] = {}
    for kind in ("complaints", "compliments", "surveys", "kpis"):
        records = []
        for i, rec in enumerate(getattr(ev, kind)):
            if rec.theme is not None and (msg := _unknown_theme(rec.theme, themes)):
                problems.append(((kind, i, "theme"), msg))
            service = rec.service
            if service is not None:
                msg = _unknown_service(service, index, names)
                if msg:
                    problems.append(((kind, i, "service"), msg))
                else:
                    service = index[" ".join(service.split()).casefold()]
            records.append(rec.model_copy(update={"service": service}))
        update[kind] = records
    return ev.model_copy(update=update), problems


def _raw_cross_check(data: Any, themes: Collection[str] | None) -> list[tuple[Loc, str]]:
    """The cross-reference problems of a file whose records did not all validate, from its raw data, so that one
    run reports every problem of the file (a wrong count and an unknown service together), not the first kind only."""
    if not isinstance(data, dict):
        return []
    services = data.get("services")
    index: dict[str, str] = {}
    names: list[str] = []
    for s in services if isinstance(services, list) else []:
        name = s if isinstance(s, str) else s.get("name") if isinstance(s, dict) else None
        if not isinstance(name, str) or not name.strip():
            continue
        name = name.strip()
        names.append(name)
        aliases = s.get("aliases") if isinstance(s, dict) else None
        for word in [
            name,
            *(a for a in (aliases if isinstance(aliases, list) else []) if isinstance(a, str)),
        ]:
            index[" ".join(word.split()).casefold()] = name
    problems: list[tuple[Loc, str]] = []
    seen_kpis: set[str] = set()
    for kind in ("complaints", "compliments", "surveys", "kpis"):
        records = data.get(kind)
        for i, rec in enumerate(records if isinstance(records, list) else []):
            if not isinstance(rec, dict):
                continue
            theme, service = _text(rec.get("theme")), _text(rec.get("service"))
            if isinstance(theme, str) and theme and (msg := _unknown_theme(theme, themes)):
                problems.append(((kind, i, "theme"), msg))
            if (
                isinstance(service, str)
                and service
                and names
                and (msg := _unknown_service(service, index, names))
            ):
                problems.append(((kind, i, "service"), msg))
            if kind == "kpis":
                kid = _text(rec.get("id"))
                if isinstance(kid, str) and kid:
                    if kid in seen_kpis:
                        problems.append(
                            ((kind, i, "id"), f"the KPI id {kid!r} is used twice; give each KPI its own id")
                        )
                    seen_kpis.add(kid)
    return problems


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


def load_evidence(path: str | Path, themes: Collection[str] | None = None) -> Evidence:
    """Read an evidence file (YAML, .xlsx or .csv) and check it against the theme ids ``themes``.

    Args:
        path: the file given to ``--evidence``.
        themes: the ids of the report's theme dictionary; ``None`` skips the theme check.

    Raises:
        ConfigError: every problem at once, each naming ``file:line:column`` (YAML) or the cell (sheets).
        InputError: the file cannot be read at all (missing, .xls, encrypted).
    """
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return _load_yaml(path, themes)
    return _load_sheets(path, themes)


def _load_yaml(path: Path, themes: Collection[str] | None) -> Evidence:
    from qactl.yamlio import load_yaml, position, to_plain, validate

    root = load_yaml(path, ConfigError)
    if not isinstance(root, dict):
        raise ConfigError(
            [
                Problem(
                    str(path),
                    1,
                    1,
                    "an evidence file is a YAML mapping with services, complaints, compliments, surveys and kpis",
                )
            ]
        )
    try:
        ev = validate(Evidence, root, str(path), ConfigError)
    except (
        ConfigError
    ) as err:  # every problem at once: the records' own, and the services and themes they name
        found = list(err.problems)
        known = {(p.line, p.column) for p in found}
        for loc, msg in _raw_cross_check(to_plain(root), themes):
            line, col = position(root, loc)
            if (line, col) not in known:
                found.append(Problem(str(path), line, col, msg))
        found.sort(key=lambda p: (p.line or 0, p.column or 0))
        raise ConfigError(found) from None
    ev, problems = _cross_check(ev, themes)
    if problems:
        raise ConfigError([Problem(str(path), *position(root, loc), msg) for loc, msg in problems])
    return ev.model_copy(update={"source_file": str(path)})


# ---- sheets ----

_SHEET_KINDS = {
    "services": "services",
    "service": "services",
    "complaints": "complaints",
    "compliments": "compliments",
    "surveys": "surveys",
    "survey results": "surveys",
    "survey": "surveys",
    "kpis": "kpis",
    "kpi": "kpis",
    "performance": "kpis",
}
_KIND_WORDS = {**_SHEET_KINDS, "complaint": "complaints", "compliment": "compliments"}

_HEADERS: dict[str, list[str]] = {
    "service": ["service", "service area", "team"],
    "name": ["name"],
    "aliases": ["aliases", "also called"],
    "theme": ["theme", "theme id"],
    "count": ["count", "number", "n", "total"],
    "period": ["period", "quarter", "term"],
    "source": ["source", "survey"],
    "date": ["date", "survey date"],
    "question": ["question", "statement"],
    "agree_percent": ["agree percent", "agree", "percent agreeing", "agreeing", "result", "result percent"],
    "respondents": ["respondents", "responses", "n respondents"],
    "title": ["title", "survey title"],
    "id": ["id", "kpi id", "kpi"],
    "label": ["label", "measure", "indicator", "description"],
    "value": ["value", "actual"],
    "target": ["target"],
    "unit": ["unit", "units"],
    "higher_is_better": ["higher is better", "direction"],
    "kind": ["kind", "type", "record"],
}
_FIELDS = {
    "complaints": set(Count.model_fields),
    "compliments": set(Count.model_fields),
    "surveys": set(Survey.model_fields),
    "kpis": set(Kpi.model_fields),
    "services": {"name", "aliases", "service"},
}


def _header_map(headers: list[str]) -> dict[int, str]:
    from qactl.rubric.models import norm_header

    lookup = {norm_header(w): key for key, words in _HEADERS.items() for w in words}
    out: dict[int, str] = {}
    for col, h in enumerate(headers):
        key = lookup.get(norm_header(h)) or lookup.get(norm_header(h).replace("%", "percent"))
        if key is None and "%" in h:
            key = "agree_percent"
        if key is not None and key not in out.values():
            out[col] = key
    return out


def _load_sheets(path: Path, themes: Collection[str] | None) -> Evidence:
    from qactl.sheets.reader import Sheet, open_sheet

    first: Sheet | None
    try:
        first = open_sheet(path)
        names = first.sheet_names or [first.name]
    except InputError as e:  # an empty first sheet (a blank Notes sheet) is no reason to stop
        if " is empty" not in e.message or path.suffix.lower() not in (".xlsx", ".xlsm"):
            raise
        from python_calamine import CalamineWorkbook

        first, names = None, list(CalamineWorkbook.from_path(str(path)).sheet_names)
    data: dict[str, list[dict]] = {
        k: [] for k in ("services", "complaints", "compliments", "surveys", "kpis")
    }
    cells: dict[
        Loc, str
    ] = {}  # (kind, index, field) -> "Complaints!C4"; (kind, index) -> the row's first cell
    problems: list[Problem] = []
    used_any = False
    for name in names:
        try:
            sheet = first if first is not None and name == first.name else open_sheet(path, name)
        except InputError as e:
            if " is empty" in e.message and len(names) > 1:
                continue  # an empty sheet holds no evidence
            raise
        fixed = _SHEET_KINDS.get(" ".join(name.split()).casefold())
        cols = _header_map(sheet.headers)
        if fixed is None and "kind" not in cols.values():
            if len(names) == 1:
                problems.append(
                    Problem(
                        str(path),
                        None,
                        None,
                        f"{sheet.ref(sheet.header_row, 0)}: no `kind` column; a single sheet or CSV needs one (complaint, compliment, survey, kpi or service), or use a workbook with sheets named Services, Complaints, Compliments, Surveys and KPIs",
                    )
                )
            continue  # an About or Notes sheet
        used_any = True
        if fixed == "services" and "name" not in cols.values() and "service" in cols.values():
            cols = {c: ("name" if k == "service" else k) for c, k in cols.items()}
        for row_number, values in sheet.rows:
            record = {
                key: values[c] for c, key in cols.items() if c < len(values) and values[c] not in (None, "")
            }
            if not record:
                continue
            kind = fixed
            if kind is None:
                word = str(record.pop("kind", "")).strip().casefold()
                kind = _KIND_WORDS.get(word) or _KIND_WORDS.get(word.rstrip("s") + "s")
                if kind is None:
                    col = next(c for c, k in cols.items() if k == "kind")
                    problems.append(
                        Problem(
                            str(path),
                            None,
                            None,
                            f"{sheet.ref(row_number, col)}: unknown kind {word!r}; use complaint, compliment, survey, kpi or service",
                        )
                    )
                    continue
            if kind == "services" and "name" not in record and "service" in record:
                record["name"] = record.pop("service")
            allowed = _FIELDS[kind]
            record = {k: v for k, v in record.items() if k in allowed}
            if kind == "services" and isinstance(record.get("aliases"), str):
                record["aliases"] = [a.strip() for a in record["aliases"].split(";") if a.strip()]
            index = len(data[kind])
            data[kind].append(record)
            cells[(kind, index)] = sheet.ref(row_number, 0)
            for c, key in cols.items():
                cells[(kind, index, key)] = sheet.ref(row_number, c)
            problems += _check_record(kind, record, path, row_number, sheet, cols)
    if not used_any and not problems:
        problems.append(
            Problem(
                str(path),
                None,
                None,
                f"no evidence found: name the sheets Services, Complaints, Compliments, Surveys and KPIs (found {', '.join(names)})",
            )
        )
    if (
        problems
    ):  # with the services and themes the rows name, so that one run reports every problem of the file
        problems += [
            Problem(str(path), None, None, f"{cells.get(loc) or cells.get(loc[:2], '')}: {msg}")
            for loc, msg in _raw_cross_check(data, themes)
        ]
        raise ConfigError(problems)
    if not data["services"]:
        raise ConfigError(
            [
                Problem(
                    str(path),
                    None,
                    None,
                    "no services: add a Services sheet (or rows of kind service) listing every service the evidence names",
                )
            ]
        )
    try:
        ev = Evidence.model_validate({**data, "source_file": str(path)})
    except Exception as e:  # the row models passed, so only the whole-file rules (duplicate KPI ids) remain
        raise ConfigError(
            [Problem(str(path), None, None, str(e).splitlines()[-1].removeprefix("  Value error, "))]
        ) from None
    ev, cross = _cross_check(ev, themes)
    if cross:
        raise ConfigError(
            [
                Problem(str(path), None, None, f"{cells.get(loc) or cells.get(loc[:2], '')}: {msg}")
                for loc, msg in cross
            ]
        )
    return ev


_MODELS: dict[str, type[BaseModel]] = {
    "complaints": Count,
    "compliments": Count,
    "surveys": Survey,
    "kpis": Kpi,
    "services": Service,
}
_NEEDED = {
    "complaints": "every row needs a service, a theme and a count",
    "compliments": "every row needs a service, a theme and a count",
    "surveys": "every survey result needs its source, date, question and % agreeing",
    "kpis": "a KPI without a target cannot be judged; every KPI needs an id, label, value and target",
    "services": "every service needs a name",
}


def _check_record(
    kind: str, record: dict, path: Path, row: int, sheet, cols: dict[int, str]
) -> list[Problem]:
    from pydantic import ValidationError

    try:
        _MODELS[kind].model_validate(record)
        return []
    except ValidationError as exc:
        out = []
        by_key = {k: c for c, k in cols.items()}
        for err in exc.errors(include_url=False):
            key = str(err["loc"][0]) if err["loc"] else None
            if err["type"] == "missing":
                col = by_key.get(key) if key is not None else None
                where = sheet.ref(row, col) if col is not None else f"{sheet.name}!{row}"
                column = "" if col is not None else f" (the sheet has no `{key}` column)"
                out.append(Problem(str(path), None, None, f"{where}: missing {key}{column}; {_NEEDED[kind]}"))
                continue
            where = sheet.ref(row, by_key[key]) if key in by_key else f"{sheet.name}!{row}"
            out.append(Problem(str(path), None, None, f"{where}: {_cell_message(key, err)}"))
        return out


def _cell_message(key: str | None, err: ErrorDetails) -> str:
    t, found = err["type"], err.get("input")
    if isinstance(found, float) and found.is_integer():
        found = int(found)  # calamine reads every number as a float; show it as the sheet does
    if t in ("int_parsing", "int_from_float", "int_type"):
        return f"{key} must be a whole number, found {found!r}"
    if t in ("float_parsing", "float_type"):
        return f"{key} must be a number, found {found!r}"
    if t in ("greater_than_equal", "less_than_equal"):
        return f"{key} {err['msg'].lower().removeprefix('input ')}, found {found!r}"
    if t == "string_pattern_mismatch":
        return f"{key} must be lower_snake_case (letters, digits, _), found {found!r}"
    if t.startswith("value_error"):
        return err["msg"].removeprefix("Value error, ")
    return f"{key}: {err['msg']}, found {found!r}"
