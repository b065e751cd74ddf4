"""Reading scored files as a stream: the header first, then one audit at a time, never the whole file in memory.

``qactl score`` writes a ``.json`` scored file with its header first, then one audit per line, then the
summary (``results.write_scored``); ``.jsonl`` is one header line, one audit per line, one summary line.
Streaming those layouts keeps 100,000 audits to a few megabytes instead of gigabytes of dicts. A file in
any other layout (pretty-printed by another tool, say) is read whole with ``results.read_any``, which
applies the same checks of kind and format.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import chain, islice
from pathlib import Path
from typing import Any

from qactl.errors import InputError

_AUDITS_LINE = ' "audits": ['
_HEADER_LINES = 100_000  # a schema of a few hundred items is a few thousand lines


class LazyAudits:
    """The audits of a streamed file: iterable once; ``len()`` once iterated; the first few kept for checks."""

    def __init__(self, lines: Iterator[tuple[int, str]], path: Path, close) -> None:
        self._path = path
        self._close = close
        self._it = self._parse(lines)
        self.head = list(islice(self._it, 50))
        self.count = 0
        self._used = False

    def _parse(self, lines: Iterator[tuple[int, str]]) -> Iterator[dict[str, Any]]:
        """The audits, one a line; at the end, the summary must be there and count as many (a file cut short at a line
        end is otherwise silently shorter: it is damaged, never a partial count)."""
        from qactl.results import audit_problem, check_whole, damaged

        decode = json.JSONDecoder().raw_decode  # parses from an index and ignores the trailing ",\n"
        count = 0
        try:
            for number, line in lines:
                start = 2 if line.startswith("  {") else 0 if line.startswith("{") else -1
                if start < 0:
                    s = line.strip()
                    if s.startswith("]"):
                        check_whole(self._path, count, self._summary(lines))
                        return
                    if not s:
                        continue
                    if not s.startswith("{"):
                        raise damaged(self._path, "expected an audit", line=number)
                    start = line.index("{")
                try:
                    obj = decode(line, start)[0]
                except json.JSONDecodeError as e:
                    raise damaged(self._path, f"{e.msg} (cut short?)", line=number) from None
                except RecursionError:
                    raise damaged(self._path, "nested far deeper than an audit", line=number) from None
                if isinstance(obj, dict) and "row" not in obj and "summary" in obj:  # the .jsonl summary line
                    check_whole(self._path, count, obj["summary"])
                    return
                why = audit_problem(obj)
                if why:
                    raise damaged(self._path, why, line=number)
                count += 1
                yield obj
            raise damaged(self._path, f"it ends after {count:,} audits, with no summary: it was cut short")
        finally:
            self._close()

    def _summary(self, lines: Iterator[tuple[int, str]]) -> Any:
        """The summary after a ``.json`` file's audits: ``"summary": {…}`` then the closing brace."""
        rest = "".join(line for _, line in lines).strip()
        try:
            doc = json.loads("{" + rest.lstrip(",").strip().rstrip("}").rstrip() + "}")
        except (json.JSONDecodeError, RecursionError):
            return None
        return doc.get("summary") if isinstance(doc, dict) else None

    def __iter__(self) -> Iterator[dict[str, Any]]:
        if self._used:
            raise RuntimeError("the audits of a streamed file can be read once")
        self._used = True
        for a in chain(self.head, self._it):
            self.count += 1
            yield a
        self.head = []

    def __len__(self) -> int:
        return self.count if self._used else len(self.head)


def _check(path: Path, header: Any) -> None:
    from qactl.results import check_format

    if not isinstance(header, dict) or not str(header.get("kind", "")).startswith("qactl."):
        raise InputError(
            f"{path} is not a qactl output file (it has no 'kind: qactl.…'). Give the .json written by `qactl score`, `allocate` or `moderate`."
        )
    check_format(path, header)


def open_document(path: Path) -> dict[str, Any]:
    """A qactl file as a document; a scored file in qactl's own layout has ``audits`` as a :class:`LazyAudits` stream."""
    from qactl.results import SCORED_KIND, read_any

    if not path.is_file():
        return read_any(path)  # its message for a missing file
    f = path.open(encoding="utf-8")
    try:
        numbered = enumerate(f, start=1)
        if path.suffix.lower() == ".jsonl":
            first = next(numbered, (1, ""))[1]
            header = json.loads(first) if first.strip() else None
        else:
            lines = []
            for _, line in islice(numbered, _HEADER_LINES):
                if line.rstrip("\r\n") == _AUDITS_LINE:
                    break
                lines.append(line)
            else:
                lines = None
            header = json.loads("".join(lines).rstrip().rstrip(",") + "\n}") if lines else None
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        header = None
    if not isinstance(header, dict) or header.get("kind") != SCORED_KIND:
        f.close()
        return read_any(path)
    _check(path, header)
    return {**header, "audits": LazyAudits(numbered, path, f.close)}
