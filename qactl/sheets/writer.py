"""Writing outputs atomically: a temporary file beside the target, renamed over it only when complete."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from qactl.errors import OutputError


@contextlib.contextmanager
def atomic_output(target: str | Path, *, inputs: list[Path] | None = None) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces ``target``, on any failure it is removed.

    Refuses to overwrite one of ``inputs`` (inputs are never modified).
    """
    target = Path(target)
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"Cannot write {target}: the folder {folder} does not exist. Create it first.")
    for p in inputs or []:
        with contextlib.suppress(OSError):
            if target.exists() and target.resolve() == Path(p).resolve():
                raise OutputError(f"Refusing to write {target}: it is one of the inputs, and inputs are never modified. Choose another output name.")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    os.close(fd)
    tmp_path = Path(tmp)
    umask = os.umask(0)  # mkstemp makes the file private (0600); the output gets the usual permissions
    os.umask(umask)
    with contextlib.suppress(OSError):
        os.chmod(tmp_path, 0o666 & ~umask)
    try:
        yield tmp_path
        try:
            os.replace(tmp_path, target)
        except PermissionError:
            raise OutputError(f"Cannot write {target}: permission denied (is it open in Excel?). Close it and run again.") from None
    except BaseException:
        with contextlib.suppress(OSError):
            tmp_path.unlink()
        raise
