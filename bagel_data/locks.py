"""One build per data home at a time: advisory `fcntl.flock` locks under `<home>/.locks/`.

- `build_lock(home)`: exclusive on `build.lock`, held by `bagel-data build` for its whole run.
- `write_lock(home, name)`: what an asset holds while it replaces an output (`output-sft`,
  `output-dpo`, `catalog`): shared on `build.lock` (so no CLI build runs meanwhile) plus exclusive
  on `<name>.lock` (so two Dagster runs never write the same output at once, while different
  outputs of one run still build in parallel). Inside a build this process holds, it is a no-op.

flock locks belong to the open file: the kernel drops them when the holder dies, even by
SIGKILL, so a killed build never leaves a lock behind. Each exclusive holder writes who it is
(pid, host, purpose, since) into its lock file; a refused `build_lock` names the holders.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BUILD = "build"
_held: dict[str, list] = {}  # lock file -> [mode, depth, file object], for this process
_guard = threading.Lock()


class BuildLocked(RuntimeError):
    """Another build holds the data home."""


def lock_dir(home: Path) -> Path:
    return Path(home).resolve() / ".locks"


def _path(home: Path, name: str) -> Path:
    return lock_dir(home) / f"{name}.lock"


def holder_info(purpose: str) -> dict:
    return {"pid": os.getpid(), "host": socket.gethostname(), "purpose": purpose, "since": time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())}


def _describe(path: Path) -> str:
    try:
        info = json.loads(path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        info = {}
    if not info:
        return f"a process holding {path}"
    return f"{info.get('purpose', '?')} (pid {info.get('pid', '?')} on {info.get('host', '?')}, since {info.get('since', '?')})"


def _flock(handle, mode: int, wait: bool) -> bool:
    try:
        fcntl.flock(handle.fileno(), mode | (0 if wait else fcntl.LOCK_NB))
        return True
    except BlockingIOError:
        return False


@contextmanager
def _hold(path: Path, mode: int, wait: bool, purpose: str) -> Iterator[bool]:
    """Hold `path` in `mode` (re-entrant within this process); yields False when not waiting
    and another process holds it."""
    key = str(path)
    with _guard:
        entry = _held.get(key)
        if entry is not None and (entry[0] == fcntl.LOCK_EX or mode == fcntl.LOCK_SH):
            entry[1] += 1
            nested = True
        else:
            nested = False
    if nested:
        try:
            yield True
        finally:
            with _guard:
                _held[key][1] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "a+", encoding="utf-8")  # noqa: SIM115 - lives as long as the lock
    try:
        if not _flock(handle, mode, wait):
            yield False
            return
        if mode == fcntl.LOCK_EX:
            handle.seek(0)
            handle.truncate()
            handle.write(json.dumps(holder_info(purpose)) + "\n")
            handle.flush()
        with _guard:
            _held[key] = [mode, 1, handle]
        try:
            yield True
        finally:
            with _guard:
                del _held[key]
            if mode == fcntl.LOCK_EX:
                handle.seek(0)
                handle.truncate()
                handle.flush()
    finally:
        handle.close()  # releases the flock


def holds_build(home: Path) -> bool:
    entry = _held.get(str(_path(home, BUILD)))
    return entry is not None and entry[0] == fcntl.LOCK_EX


def _busy_writers(home: Path) -> list[str]:
    """Descriptions of the write locks other processes hold now."""
    busy = []
    for path in sorted(lock_dir(home).glob("*.lock")):
        if path.stem == BUILD or str(path) in _held:
            continue
        with open(path, "a+", encoding="utf-8") as handle:
            if _flock(handle, fcntl.LOCK_SH, wait=False):
                continue  # free (closing releases it)
        busy.append(_describe(path))
    return busy


@contextmanager
def build_lock(home: Path, purpose: str = "bagel-data build") -> Iterator[None]:
    """Exclusive hold of the data home for a whole build; raises BuildLocked at once when another
    build (or an asset writing an output) has it."""
    path = _path(home, BUILD)
    with _hold(path, fcntl.LOCK_EX, wait=False, purpose=purpose) as got:
        if not got:
            holders = _busy_writers(home) or [_describe(path)]
            raise BuildLocked(f"another build is using data home {Path(home).resolve()}: {'; '.join(holders)}. "
                              "Wait for it to finish, or use another --home.")
        yield


@contextmanager
def write_lock(home: Path, name: str, purpose: str | None = None) -> Iterator[None]:
    """Hold output `name` of `home` for writing; waits while another build or writer has it."""
    if holds_build(home):
        yield
        return
    purpose = purpose or f"writing {name} (pid {os.getpid()})"
    with _hold(_path(home, BUILD), fcntl.LOCK_SH, wait=True, purpose=purpose), _hold(_path(home, name), fcntl.LOCK_EX, wait=True, purpose=purpose):
        yield


def holds_write(home: Path, name: str) -> bool:
    """Whether this process may replace output `name` now (it holds its write lock or the build)."""
    entry = _held.get(str(_path(home, name)))
    return holds_build(home) or (entry is not None and entry[0] == fcntl.LOCK_EX)


def pid_alive(pid: int, started_by: float | None = None) -> bool:
    """Whether process `pid` runs on this host (a zombie does not count); with `started_by` (a
    Unix time), also that it started by then, so a reused pid does not count either."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    except OSError:  # no /proc: ask the kernel
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True
    fields = stat.rsplit(")", 1)[1].split()
    if fields[0] in ("Z", "X"):
        return False
    if started_by is None:
        return True
    return _boot_time() + int(fields[19]) / os.sysconf("SC_CLK_TCK") <= started_by + 1.0


def _boot_time() -> float:
    for line in Path("/proc/stat").read_text().splitlines():
        if line.startswith("btime "):
            return float(line.split()[1])
    return 0.0
