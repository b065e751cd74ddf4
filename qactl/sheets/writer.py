"""Writing outputs: one transaction per run, so a run writes everything it was asked for or nothing.

Every file a command writes (a report and its improvement plan, an allocation and its mail merge, …) is
staged as a hidden temporary file beside its target. Only when every output has been written completely
are they renamed over their targets, together; if anything fails (an error, Ctrl-C, SIGTERM) every
temporary file is removed and no target is touched.

Before anything is staged, each target is checked:

- it is not one of the run's inputs, compared by real identity (:func:`os.path.samefile`, so a symbolic or
  hard link to an input is refused too): inputs are never modified;
- it is not a folder, its folder exists, and it is not read-only (a read-only file is refused, not replaced);
- no two outputs of the run name the same file.

Usage::

    with Outputs(inputs=[export, map_file]) as out:
        write_json(out.add(target))
        write_csv(out.add(mail_merge, option="--mail-merge"))
    # committed here, both or neither
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from qactl.errors import OutputError, UsageError

# Temporary files alive in this process: removed by :func:`discard_all` if the process is stopped
# between a write and its commit (the CLI calls it on SIGTERM and at exit).
_LIVE: set[Path] = set()


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _folder(target: Path) -> Path:
    return target.parent if str(target.parent) else Path(".")


def check_target(target: str | Path, inputs: Iterable[str | Path | None] = (), *, option: str = "-o") -> Path:
    """Refuse a target that cannot or must not be written; return it as a Path. Raises :class:`OutputError`."""
    target = Path(target)
    folder = _folder(target)
    if target.is_dir():
        raise OutputError(
            f"Cannot write {option} {target}: it is a folder. Give a file name, such as {target / ('output' + (target.suffix or ''))}."
        )
    if not folder.is_dir():
        if folder.exists():
            raise OutputError(
                f"Cannot write {option} {target}: {folder} is a file, not a folder. Choose another output name."
            )
        raise OutputError(
            f"Cannot write {option} {target}: the folder {folder} does not exist. Create it first."
        )
    _check_folder(folder, target, option)
    for p in inputs:
        if p is not None and _same_file(target, Path(p)):
            raise OutputError(
                f"Refusing to write {option} {target}: it is the input {p}, and inputs are never modified. Choose another output name."
            )
    if target.exists():
        mode = target.stat().st_mode
        if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise OutputError(
                f"Refusing to replace {option} {target}: the file is read-only. Choose another name, or make it writable if it should be replaced."
            )
    return target


def _check_folder(folder: Path, target: Path, option: str) -> None:
    """Refuse a folder that cannot take a new file: read-only by its permissions (refused even for an administrator,
    as a read-only file is), or one the system says this user cannot write to (no permission, a read-only drive)."""
    mode = folder.stat().st_mode
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
        raise OutputError(
            f"Cannot write {option} {target}: the folder {folder} is read-only. Choose a folder you can write to, or make it writable."
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(
            f"Cannot write {option} {target}: you cannot create files in the folder {folder} (no permission, or a read-only "
            "drive). Choose a folder you can write to."
        )


class Outputs:
    """One output transaction: stage every output of a run, then commit them together or not at all."""

    def __init__(self, inputs: Iterable[str | Path | None] = ()) -> None:
        self.inputs = [Path(p) for p in inputs if p is not None]
        self._staged: list[tuple[Path, Path, str]] = []  # (temporary, target, option)
        self._checked: list[tuple[Path, str]] = []  # targets checked before the work: (target, option)
        self._done = False

    # ---- staging ----
    def check(self, target: str | Path, *, option: str = "-o") -> Path:
        """Check a target now (before the work), without staging it; two options naming one file are refused here."""
        target = check_target(target, self.inputs, option=option)
        for other, other_option in [*((t, o) for _, t, o in self._staged), *self._checked]:
            if other_option == option:
                continue
            if other == target or _same_file(other, target) or other.resolve() == target.resolve():
                raise UsageError(
                    f"{option} and {other_option} name the same file ({target}): give each output its own name."
                )
        if (target, option) not in self._checked:
            self._checked.append((target, option))
        return target

    def add(self, target: str | Path, *, option: str = "-o") -> Path:
        """Check ``target`` and return the temporary path to write it to; it replaces ``target`` on commit."""
        if self._done:
            raise RuntimeError("this output transaction is already finished")
        target = self.check(target, option=option)
        folder = _folder(target)
        with _signals_held():  # a Ctrl-C between making the file and noting it would leave the file behind
            try:
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
            except OSError as e:
                raise OutputError(
                    f"Cannot write {option} {target}: {e.strerror or e} in the folder {folder}. Choose a folder you can write to."
                ) from None
            tmp_path = Path(tmp)
            _LIVE.add(tmp_path)
            self._staged.append((tmp_path, target, option))
        os.close(fd)
        umask = os.umask(0)  # mkstemp makes the file private (0600); outputs get the usual permissions
        os.umask(umask)
        with contextlib.suppress(OSError):
            os.chmod(tmp_path, 0o666 & ~umask)
        return tmp_path

    @property
    def targets(self) -> list[Path]:
        return [t for _, t, _ in self._staged]

    # ---- finishing ----
    def commit(self) -> None:
        """Rename every staged file over its target. If one rename fails, the ones already done are undone."""
        if self._done:
            return
        self._done = True
        with _signals_held():  # Ctrl-C waits for the renames to finish: all the outputs, or none
            self._commit()

    def _commit(self) -> None:
        several = len(self._staged) > 1
        done: list[tuple[Path, Path | None]] = []  # (target, backup of what it replaced)
        try:
            for tmp, target, _ in self._staged:
                backup = None
                if several and target.exists():
                    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".old", dir=_folder(target))
                    os.close(fd)
                    backup = Path(name)
                    try:
                        os.replace(target, backup)
                    except OSError:
                        backup.unlink()
                        raise
                    _LIVE.add(backup)
                try:
                    os.replace(tmp, target)
                except OSError:
                    if backup is not None:
                        os.replace(backup, target)
                        _LIVE.discard(backup)
                    raise
                _LIVE.discard(tmp)
                done.append((target, backup))
        except OSError as e:
            for target, backup in reversed(done):
                with contextlib.suppress(OSError):
                    if backup is not None:
                        os.replace(backup, target)
                        _LIVE.discard(backup)
                    else:
                        target.unlink()
            self._remove_temporaries()
            name = getattr(e, "filename", None) or ""
            raise OutputError(
                f"Cannot write {name or 'the outputs'}: {e.strerror or e} (is it open in Excel?). Nothing was written; close it and run again."
            ) from None
        for _, backup in done:
            if backup is not None:
                with contextlib.suppress(OSError):
                    backup.unlink()
                _LIVE.discard(backup)

    def discard(self) -> None:
        """Remove every staged file; no target is touched."""
        self._done = True
        self._remove_temporaries()

    def _remove_temporaries(self) -> None:
        for tmp, _, _ in self._staged:
            with contextlib.suppress(OSError):
                tmp.unlink()
            _LIVE.discard(tmp)

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.discard()


@contextlib.contextmanager
def atomic_output(
    target: str | Path, *, inputs: Iterable[str | Path | None] = (), option: str = "-o"
) -> Iterator[Path]:
    """One output in a transaction of its own: yield the temporary path; on success it replaces ``target``."""
    with Outputs(inputs) as out:
        yield out.add(target, option=option)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block ends (where the platform can hold them): then their handler raises with
    every file the block made already on the list of files to remove."""
    hold = getattr(signal, "pthread_sigmask", None)
    if hold is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = hold(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        hold(signal.SIG_SETMASK, before)


def discard_all() -> None:
    """Remove every temporary file this process still holds (on SIGTERM, and at exit)."""
    for p in list(_LIVE):
        with contextlib.suppress(OSError):
            p.unlink()
        _LIVE.discard(p)


_SHEET_FORBIDDEN = str.maketrans({c: "-" for c in "[]:*?/\\"})
SHEET_NAME_UNITS = 31  # Excel's limit, in UTF-16 code units (an emoji takes two), not characters


def excel_sheet_name(text: str, used: set[str] | None = None, *, fallback: str = "Sheet") -> str:
    """``text`` as a sheet name Excel accepts: no ``[]:*?/\\``, no leading or trailing apostrophe, at most 31 UTF-16
    units (cut between characters, never inside an emoji's pair or after a zero-width joiner), unique (case-blind)
    among ``used``, to which it is added."""
    import unicodedata

    def units(s: str) -> int:
        return len(s.encode("utf-16-le")) // 2

    def cut(s: str, limit: int) -> str:
        out, n = [], 0
        for ch in s:
            w = 2 if ord(ch) > 0xFFFF else 1
            if n + w > limit:
                break
            out.append(ch)
            n += w
        s = "".join(out)
        while s and (
            unicodedata.category(s[-1]) in ("Cf", "Mn", "Me") or s[-1] == " "
        ):  # a joiner or mark left dangling
            s = s[:-1]
        return s

    base = (
        "".join(ch for ch in text.translate(_SHEET_FORBIDDEN) if unicodedata.category(ch) != "Cc")
        .strip()
        .strip("'")
        .strip()
    )
    base = cut(base, SHEET_NAME_UNITS) or fallback
    used = used if used is not None else set()
    name, i = base, 2
    while name.casefold() in used:
        tail = f" ({i})"
        name = cut(base, SHEET_NAME_UNITS - units(tail)) + tail
        i += 1
    used.add(name.casefold())
    return name
