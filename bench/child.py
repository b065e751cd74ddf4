"""A command's CPU time and peak memory, measured so that the benchmark's own size does not leak into the figure.

Linux gives a child the parent's resident size as the start of its peak (``ru_maxrss``): a command started from a
benchmark process that has grown to 450 MB (it made a 600,000-row export, or timed the solver in process) reports at
least 450 MB, whatever it used. So every command starts from a small launcher (a fresh Python), which runs it and
reports its ``wait4`` usage: the floor is then the launcher's ~13 MB, below any command measured here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

LAUNCHER = r"""
import json, os, sys
pid = os.fork()
if pid == 0:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        os.execvp(sys.argv[1], sys.argv[1:])
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"cpu": usage.ru_utime + usage.ru_stime, "kb": usage.ru_maxrss,
                  "exit": os.waitstatus_to_exitcode(status)}))
"""


def run_child(cmd: list[str], *, env: dict | None = None, cwd: Path | None = None) -> dict:
    """Wall and CPU seconds, peak resident MB, exit status and what it wrote to stderr, of ``cmd`` as a process."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *map(str, cmd)], capture_output=True, env=env, cwd=cwd, check=False
    )
    wall = time.perf_counter() - start
    got = json.loads(proc.stdout.decode().strip().splitlines()[-1])
    return {
        "wall": wall,
        "cpu": got["cpu"],
        "mb": got["kb"] / 1024,
        "exit": got["exit"],
        "err": proc.stderr.decode(errors="replace"),
        "load": os.getloadavg()[0],
    }
