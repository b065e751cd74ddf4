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
        decode = json.JSONDecoder().raw_decode  # parses from an index and ignores the trailing ",\n"
        try:
            for number, line in lines:
                start = 2 if line.startswith("  {") else 0 if line.startswith("{") else -1
                if start < 0:
                    s = line.strip()
                    if s.startswith("]"):
                        return
                    if not s or s.startswith('"summary"') or s == "}":
                        continue
                    if not s.startswith("{"):
                        raise InputError(f"{self._path} is damaged at line {number}: expected an audit. Score the export again.")
                    start = line.index("{")
                try:
                    obj = decode(line, start)[0]
                except json.JSONDecodeError as e:
                    raise InputError(f"{self._path} is damaged at line {number} ({e.msg}). Score the export again.") from None
                if "row" not in obj and "summary" in obj:  # the .jsonl summary line
                    return
                yield obj
        finally:
            self._close()

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


def readable_formats() -> set[int]:
    """The scored-file formats the report reads: format 1 (qactl 0.1: its dates are not split into statutory limits
    and local targets, which the report says) and format 2 (``qactl.timeliness.CURRENT_FORMAT``), this qactl's."""
    from qactl.results import FORMAT_VERSION
    from qactl.timeliness import CURRENT_FORMAT, LEGACY_FORMAT

    return {LEGACY_FORMAT, CURRENT_FORMAT, FORMAT_VERSION}


def _check(path: Path, header: Any) -> None:
    if not isinstance(header, dict) or not str(header.get("kind", "")).startswith("qactl."):
        raise InputError(f"{path} is not a qactl output file (it has no 'kind: qactl.…'). Give the .json written by `qactl score`, `allocate` or `moderate`.")
    version = header.get("format", 1)
    if version not in readable_formats():
        known = " or ".join(str(v) for v in sorted(readable_formats()))
        raise InputError(f"{path} was written in format {version}, and this qactl reads format {known}. Score the export again with this version.")


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
    except (json.JSONDecodeError, UnicodeDecodeError):
        header = None
    if not isinstance(header, dict) or header.get("kind") != SCORED_KIND:
        f.close()
        return read_any(path)
    _check(path, header)
    return {**header, "audits": LazyAudits(numbered, path, f.close)}
