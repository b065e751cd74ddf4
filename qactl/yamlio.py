"""Reading YAML with line and column numbers, and turning pydantic errors into located problems.

Used for rubrics, cohorts, schedules, themes, evidence and map files alike, so every configuration
error reads ``file:line:column: what was wrong, what was expected``.

Every YAML file is bounded before it is used, so a hostile one fails fast with a located message:

* nesting deeper than :data:`MAX_DEPTH` levels is refused before parsing (the parser would recurse, slowly);
* aliases (``*name``, which repeat an anchored node) may expand the document to at most
  :func:`node_budget` values: a few hundred bytes of nested aliases (a "billion laughs") would otherwise
  expand to billions of values when the document is read.
"""

from __future__ import annotations

import contextlib
import re
from difflib import get_close_matches
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from qactl.errors import ConfigError, Problem, ProblemsError

if TYPE_CHECKING:
    from pydantic import BaseModel

T = TypeVar("T", bound="BaseModel")

MAX_DEPTH = 64  # levels of nesting: a rubric's deepest condition is a handful
_MIN_NODES = 100_000  # values any YAML file may expand to, whatever its size


def node_budget(text: str) -> int:
    """How many values a document may expand to: a value takes at least a character or two of text, so a document
    without aliases never reaches its length; aliases may repeat nodes, but not beyond this."""
    return max(_MIN_NODES, len(text))


def load_yaml(path: Path, error: type[ProblemsError] = ConfigError) -> Any:
    """Parse a YAML file with ruamel.yaml (round-trip, so nodes keep their line and column)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error([Problem(str(path), None, None, "no such file")]) from None
    except UnicodeDecodeError as e:
        raise error(
            [Problem(str(path), None, None, f"not UTF-8 text ({e.reason}); save it as UTF-8")]
        ) from None
    except OSError as e:
        raise error([Problem(str(path), None, None, f"cannot be read: {e.strerror}")]) from None
    deep = _too_deep(text)
    if deep is not None:
        raise error(
            [
                Problem(
                    str(path),
                    deep[0],
                    deep[1],
                    f"nested more than {MAX_DEPTH} levels deep; a qactl file needs a few. "
                    "Check the brackets and the indentation here",
                )
            ]
        ) from None
    yaml = YAML(typ="rt")
    try:
        root = yaml.load(text)
    except RecursionError:
        raise error(
            [Problem(str(path), None, None, f"nested too deeply to read (more than {MAX_DEPTH} levels)")]
        ) from None
    except MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = " ".join(filter(None, [e.context, e.problem]))
        raise error([Problem(str(path), line, col, f"not valid YAML: {what}")]) from None
    except Exception as e:  # ruamel raises a few unmarked errors (duplicate keys among them)
        raise error([Problem(str(path), None, None, f"not valid YAML: {e}")]) from None
    over = _expansion(root, node_budget(text), text)
    if over is not None:
        line, col, what = over
        raise error([Problem(str(path), line, col, what)]) from None
    return root


def _too_deep(text: str) -> tuple[int, int] | None:
    """(line, column) where the text nests deeper than MAX_DEPTH (block indentation and flow brackets), else None.

    A scan of the text, not a parse: block scalars (``|``, ``>``) and quoted strings are skipped; brackets count only
    where a flow collection can start, so ``see [1`` in a sentence is text.
    """
    stack: list[int] = []
    flow = 0
    literal: int | None = None  # indentation of the key that opened a block scalar
    for ln, line in enumerate(text.splitlines(), start=1):
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if literal is not None:
            if not body.strip() or indent > literal:
                continue
            literal = None
        if not body.strip() or body.startswith("#"):
            continue
        if flow == 0:
            while stack and stack[-1] >= indent:
                stack.pop()
            stack.append(indent)
            dashes = 0
            rest = body
            while rest.startswith("- ") or rest == "-":
                dashes += 1
                rest = rest[2:].lstrip(" ")
            if len(stack) + dashes > MAX_DEPTH:
                return ln, indent + 1
        if "[" not in line and "{" not in line and flow == 0:
            if line.rstrip().endswith(("|", ">", "|-", ">-", "|+", ">+")):
                literal = indent
            continue
        quote = None
        prev = ""  # the last character that was not a space, on this line
        for col, ch in enumerate(line):
            if quote:
                if ch == quote:
                    quote = None
                continue
            starts_value = prev in ("", ":", "-", ",", "[", "{", "?")
            if ch in "\"'" and (starts_value or flow):
                if starts_value:
                    quote = ch
                    continue
            elif ch == "#" and (col == 0 or line[col - 1] in " \t"):
                break
            elif ch in "[{" and (starts_value or flow):
                flow += 1
                if flow + len(stack) > MAX_DEPTH:
                    return ln, col + 1
            elif ch in "]}" and flow:
                flow -= 1
            if ch != " ":
                prev = ch
        if flow == 0 and line.rstrip().endswith(("|", ">", "|-", ">-", "|+", ">+")):
            literal = indent
    return None


def _expansion(root: Any, budget: int, text: str) -> tuple[int | None, int | None, str] | None:
    """Whether the document, its aliases expanded, stays within ``budget`` values and MAX_DEPTH levels.

    Sizes and depths are worked out once per distinct node (aliases share their node), saturating at the bounds,
    so the check costs what the file holds, not what it expands to. Returns ``(line, column, message)`` naming
    the alias that takes the file past its bounds, else None.
    """
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    anchors: dict[str, int] = {}  # anchor name -> the id of its node
    state: dict[int, int] = {}  # 1: being walked, 2: done
    stack: list[tuple[Any, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        if not isinstance(node, dict | list):
            continue
        key = id(node)
        values = list(node.values()) if isinstance(node, dict) else list(node)
        if children_done:
            n, d = 1, 1
            for v in values:
                if isinstance(v, dict | list):
                    n += size.get(id(v), 1)
                    d = max(d, 1 + depth.get(id(v), 1))
                else:
                    n += 1
            size[key], depth[key], state[key] = min(n, budget + 1), min(d, MAX_DEPTH + 1), 2
            name = getattr(getattr(node, "anchor", None), "value", None)
            if name:
                anchors[name] = key
            continue
        if state.get(key) == 2:
            continue
        if state.get(key) == 1:  # reached again while being walked: an alias inside its own anchor
            return _alias_at(
                text, None, "an alias (*name) inside the very node it names repeats it without end; remove it"
            )
        state[key] = 1
        stack.append((node, True))
        stack.extend((v, False) for v in values if isinstance(v, dict | list) and state.get(id(v)) != 2)
    key = id(root)
    if isinstance(root, dict | list) and (size.get(key, 0) > budget or depth.get(key, 0) > MAX_DEPTH):
        used = {m.group(1) for m in _ALIAS.finditer(text)}
        worst = max(
            (a for a in anchors if a in used),
            key=lambda a: (size[anchors[a]], depth[anchors[a]]),
            default=None,
        )
        if size.get(key, 0) > budget:
            return _alias_at(
                text,
                worst,
                f"the aliases (*name) expand this file past {budget:,} values, far beyond what it "
                "holds (a 'billion laughs'); write the values out, or use fewer nested aliases",
            )
        return _alias_at(
            text,
            worst,
            f"the aliases (*name) nest this file more than {MAX_DEPTH} levels deep; a qactl file needs a few",
        )
    return None


_ALIAS = re.compile(r"(?<![\w&*])\*([^\s,\[\]{}]+)")


def _alias_at(text: str, anchor: str | None, message: str) -> tuple[int | None, int | None, str]:
    """The position of the last use of ``*anchor`` (or of any alias) in the text, with the message naming it."""
    last = None
    for m in _ALIAS.finditer(text):
        if anchor is None or m.group(1) == anchor:
            last = m
    if last is None:
        return None, None, message
    line = text.count("\n", 0, last.start()) + 1
    col = last.start() - (text.rfind("\n", 0, last.start()) + 1) + 1
    return line, col, f"{last.group(0)}: {message}"


def to_plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists (pydantic wants plain data)."""
    if isinstance(node, dict):
        return {str(k): to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [to_plain(v) for v in node]
    if hasattr(node, "isoformat") or isinstance(node, bool | int | float) or node is None:
        return node
    return str(node)


def position(root: Any, loc: tuple, *, key: bool = False) -> tuple[int | None, int | None]:
    """1-based (line, column) of the node at a pydantic ``loc`` path, as near as the YAML allows."""
    from ruamel.yaml.comments import (
        CommentedMap,
        CommentedSeq,
    )  # what load_yaml gives: nodes that know their place

    node = root
    line = col = None
    if hasattr(root, "lc"):
        line, col = root.lc.line + 1, root.lc.col + 1
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        try:
            if isinstance(node, CommentedMap) and part in node:
                ln, cl = node.lc.key(part) if (last and key) else node.lc.value(part)
                if not (last and key):
                    # a nested mapping's value position is its first key; fine for pointing at it
                    pass
                line, col = ln + 1, cl + 1
                node = node[part]
            elif isinstance(node, CommentedSeq) and isinstance(part, int) and part < len(node):
                ln, cl = node.lc.item(part)
                line, col = ln + 1, cl + 1
                node = node[part]
            else:
                break
        except (AttributeError, KeyError, TypeError):
            break
    return line, col


def _scalar_positions(node: Any, value: str, out: list[tuple[int, int]]) -> None:
    """Every (line, column) where ``value`` stands as a scalar value or a mapping key under ``node``."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    if isinstance(node, CommentedMap):
        for k, v in node.items():
            if str(k) == value:
                with contextlib.suppress(AttributeError, KeyError, TypeError):
                    ln, cl = node.lc.key(k)
                    out.append((ln + 1, cl + 1))
            if isinstance(v, dict | list):
                _scalar_positions(v, value, out)
            elif str(v) == value:
                ln, cl = node.lc.value(k)
                out.append((ln + 1, cl + 1))
    elif isinstance(node, CommentedSeq):
        for i, v in enumerate(node):
            if isinstance(v, dict | list):
                _scalar_positions(v, value, out)
            elif str(v) == value:
                ln, cl = node.lc.item(i)
                out.append((ln + 1, cl + 1))


_PLURAL = {"item": "items", "milestone": "milestones", "field": "fields", "comment": "comments"}


def _scope(root: Any, message: str) -> tuple[Any, str]:
    """The part of the document a cross-reference message is about, and the message left to search in it.

    ``item 'pfa': …`` is about the item whose id is ``pfa``; ``limit: …`` about the grading limits.
    """
    m = re.match(r"(item|milestone|field|comment) '([^']+)'", message)
    if m and isinstance(root, dict) and isinstance(root.get(_PLURAL[m.group(1)]), list):
        for node in root[_PLURAL[m.group(1)]]:
            if isinstance(node, dict) and str(node.get("id")) == m.group(2):
                return node, message[m.end() :]
    if (
        message.startswith(("the outcome", "an outcome"))
        and isinstance(root, dict)
        and isinstance(root.get("outcomes"), dict)
    ):
        return root["outcomes"], message
    if (
        message.startswith(("limit:", "a limit"))
        and isinstance(root, dict)
        and isinstance(root.get("grading"), dict)
    ):
        limits = root["grading"].get("limits")
        if isinstance(limits, list):
            return limits, message
    return root, message


def locate_message(root: Any, message: str) -> tuple[int | None, int | None]:
    """Where a cross-reference problem is: the quoted names of the message, as values in the YAML.

    A "did you mean" suggestion is not searched for (it names something that exists elsewhere), and a
    message about one item is looked for inside that item first.
    """
    message = re.sub(r"\s*\(did you mean [^)]*\)", "", message)
    scope, rest = _scope(root, message)
    # a key named in backticks (`reason`, `applies_if`) inside the part the message is about: point at it
    from ruamel.yaml.comments import CommentedMap

    if scope is not root and isinstance(scope, CommentedMap):
        for key in re.findall(r"`([a-z_]+)`", rest):
            if key in scope:
                with contextlib.suppress(AttributeError, KeyError, TypeError):
                    ln, cl = scope.lc.key(key)
                    return ln + 1, cl + 1
    for where in ((scope, rest), (root, message)) if scope is not root else ((root, message),):
        tokens = re.findall(r"'([^']+)'", where[1])
        for token in reversed(tokens):
            found: list[tuple[int, int]] = []
            _scalar_positions(where[0], token, found)
            if found:
                return found[-1] if message.startswith("duplicate") else found[0]
        if where[0] is not root and hasattr(where[0], "lc"):
            return where[0].lc.line + 1, where[0].lc.col + 1
    return None, None


def _describe(err: dict) -> str:
    t, msg, inp = err["type"], err["msg"], err.get("input")
    field = err["loc"][-1] if err["loc"] else None
    if t == "missing":
        return f"missing the required key `{field}`"
    if t == "literal_error":
        return f"`{field}`: {msg.lower()}, found {inp!r}"
    if t == "string_pattern_mismatch":
        hyphen = "_-]" in str((err.get("ctx") or {}).get("pattern", ""))
        what = "lower case (letters, digits, _ and -)" if hyphen else "lower_snake_case (letters, digits, _)"
        return f"`{field}` must be {what}, found {inp!r}"
    if t.startswith("value_error"):
        return msg.removeprefix("Value error, ")
    if field is not None and not isinstance(field, int):
        return (
            f"`{field}`: {msg[0].lower() + msg[1:]}, found {inp!r}"
            if not isinstance(inp, dict | list)
            else f"`{field}`: {msg}"
        )
    return f"{msg}, found {inp!r}"


def validate(model: type[T], root: Any, file: str, error: type[ProblemsError] = ConfigError) -> T:
    """Validate YAML data against a pydantic model; every problem gets file, line and column."""
    from pydantic import ValidationError

    try:
        return model.model_validate(to_plain(root))
    except ValidationError as exc:
        problems: list[Problem] = []
        for err in exc.errors(include_url=False):
            loc = tuple(
                p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))
            )
            if err["type"] == "extra_forbidden":
                parent_loc, bad = loc[:-1], loc[-1]
                parent = _node_at(root, parent_loc)
                allowed = _allowed_keys(model, parent_loc, root)
                hint = get_close_matches(str(bad), allowed, n=1, cutoff=0.5)
                line, col = position(root, loc, key=True)
                tip = (
                    f" (did you mean `{hint[0]}`?)"
                    if hint
                    else (f"; allowed here: {', '.join(allowed)}" if allowed else "")
                )
                problems.append(Problem(file, line, col, f"unknown key `{bad}`{tip}"))
                del parent
                continue
            if (
                err["type"].startswith("value_error")
                and "\n" in err["msg"]
                or (err["type"].startswith("value_error") and not loc)
            ):
                for line_msg in err["msg"].removeprefix("Value error, ").split("\n"):
                    ln, cl = locate_message(root, line_msg)
                    if ln is None:
                        ln, cl = position(root, loc)
                    problems.append(Problem(file, ln, cl, line_msg))
                continue
            if err["type"] == "missing":
                line, col = position(root, loc[:-1])
            else:
                line, col = position(root, loc)
            problems.append(Problem(file, line, col, _describe({**err, "loc": loc})))
        raise error(problems) from None


def _node_at(root: Any, loc: tuple) -> Any:
    node = root
    for p in loc:
        try:
            node = node[p]
        except (KeyError, IndexError, TypeError):
            return None
    return node


def _allowed_keys(model: type, loc: tuple, root: Any) -> list[str]:
    """The keys the model accepts at ``loc`` (following nested models, lists and dicts)."""
    import typing

    from pydantic import BaseModel

    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(current, type) and issubclass(current, BaseModel):
            f = next(
                (f for name, f in current.model_fields.items() if (f.alias or name) == part or name == part),
                None,
            )
            if f is None:
                return []
            current = f.annotation
        else:
            origin = typing.get_origin(current)
            args = typing.get_args(current)
            if origin in (list, tuple) and args:
                current = args[0]
            elif origin is dict and len(args) == 2:
                current = args[1]
            else:
                return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or name for name, f in current.model_fields.items()]
    return []


def _unwrap(tp: Any) -> Any:
    import types
    import typing

    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                return tp
        elif isinstance(tp, str):
            return tp
        else:
            return tp
