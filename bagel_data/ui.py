"""`make ui`: the Dagster UI (webserver + daemon over one code server), stopped without leftovers.

Dagster 1.13 marks `dagster dev` superseded by `dg dev`, which lives in `dagster-dg-cli` (not in
the pinned set: it pulls the Dagster Cloud CLI and ~25 more packages). This module runs the same
three services `dagster dev` runs, each with its own non-superseded CLI from the pinned packages:

- `dagster code-server start`: loads `bagel_data.definitions` once (Reload in the UI reloads it);
- `dagster-webserver` and `dagster-daemon run` (schedules, sensors, run queue), both on its socket.

All three run in one new process group. Ctrl-C, SIGTERM or SIGHUP stop the whole group: SIGINT
(what Dagster's processes shut down on) to the webserver and daemon, then to the code server,
then SIGKILL for whatever is still alive after `--grace` seconds; the command returns only when
no process of the group is left. Children also get
SIGTERM should this process die (Linux).

    DAGSTER_HOME=$PWD python -m bagel_data.ui [--host 127.0.0.1] [--port 3000]
"""

from __future__ import annotations

import argparse
import ctypes
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODULE = "bagel_data.definitions"
LOCATION = "bagel_data"
PR_SET_PDEATHSIG = 1


def _child_setup() -> None:
    """In the child before exec: default SIGINT/SIGTERM (a background job inherits them ignored,
    and Dagster maps SIGTERM onto SIGINT's handler), SIGTERM when this process dies."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):  # not Linux: the grace/kill path still cleans up
        pass


def commands(host: str, port: int, socket: str, workspace: str) -> dict[str, list[str]]:
    """No --heartbeat on the code server: only `dagster dev` sends it one; we stop it ourselves."""
    bin_dir = Path(sys.executable).parent
    return {
        "code-server": [sys.executable, "-m", "dagster", "code-server", "start", "--socket", socket, "-m", MODULE, "--location-name", LOCATION],
        "webserver": [str(bin_dir / "dagster-webserver"), "--host", host, "--port", str(port), "-w", workspace],
        "daemon": [str(bin_dir / "dagster-daemon"), "run", "-w", workspace],
    }


def _workspace(folder: Path, socket: str) -> str:
    """A workspace file naming the location `bagel_data` (a bare --grpc-socket names it after the socket)."""
    path = folder / "workspace.yaml"
    path.write_text(f"load_from:\n  - grpc_server:\n      socket: {socket}\n      location_name: {LOCATION}\n", encoding="utf-8")
    return str(path)


def group_members(pgid: int) -> list[int]:
    """Live (non-zombie) processes of process group `pgid`, from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (comm)": state ppid pgrp ...
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            members.append(int(stat.parent.name))
    return members


def _alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return bool(group_members(pgid)) if Path("/proc/self/stat").exists() else True


def _wait(done, seconds: float, procs: list[subprocess.Popen]) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        for p in procs:
            p.poll()  # reap, so a finished child does not linger as a zombie
        if done():
            return True
        time.sleep(0.2)
    return done()


def stop(procs: list[subprocess.Popen], pgid: int, grace: float) -> None:
    """SIGINT the clients (webserver, daemon) and then the code server, so its open calls end;
    SIGKILL whatever of the group is still alive after `grace` s in all; reap our children."""
    deadline = time.monotonic() + grace
    clients = procs[1:]
    for p in clients:
        if p.poll() is None:
            p.send_signal(signal.SIGINT)
    _wait(lambda: all(p.poll() is not None for p in clients), max(0.0, deadline - time.monotonic()), procs)
    for sig, seconds in ((signal.SIGINT, max(1.0, deadline - time.monotonic())), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pgid, sig)
        except ProcessLookupError:
            break
        if _wait(lambda: not _alive(pgid), seconds, procs):
            break
    for p in procs:
        try:
            p.wait(timeout=5)
        except subprocess.TimeoutExpired:
            pass


def serve(host: str, port: int, grace: float = 20.0) -> int:
    stopping = {"signal": None}

    def _on_signal(signum, _frame):
        stopping["signal"] = signum

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _on_signal)
    with tempfile.TemporaryDirectory(prefix="bagel-ui-") as tmp:
        socket = str(Path(tmp) / "code-server.sock")
        cmds = commands(host, port, socket, _workspace(Path(tmp), socket))
        procs: list[subprocess.Popen] = []
        first = subprocess.Popen(cmds["code-server"], process_group=0, preexec_fn=_child_setup)
        procs.append(first)
        pgid = first.pid
        try:
            deadline = time.monotonic() + 120
            while not Path(socket).exists() and first.poll() is None and time.monotonic() < deadline and not stopping["signal"]:
                time.sleep(0.2)
            if not stopping["signal"] and first.poll() is None:
                procs += [subprocess.Popen(cmds[name], process_group=pgid, preexec_fn=_child_setup) for name in ("webserver", "daemon")]
                print(f"bagel-data UI: http://{host}:{port}  (Ctrl-C stops it)", flush=True)
            while not stopping["signal"] and all(p.poll() is None for p in procs):
                time.sleep(0.5)
        finally:
            failed = [name for name, p in zip(cmds, procs) if p.poll() not in (None, 0)]
            print("bagel-data UI: stopping ...", flush=True)
            stop(procs, pgid, grace)
            print("bagel-data UI: stopped, no process left", flush=True)
    if failed and not stopping["signal"]:
        print(f"bagel-data UI: {', '.join(failed)} exited with an error", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bagel_data.ui", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--grace", type=float, default=20.0, help="seconds to wait after SIGINT before SIGKILL")
    args = parser.parse_args(argv)
    if not os.environ.get("DAGSTER_HOME"):
        parser.error("set DAGSTER_HOME (make ui sets it to the repo root, where dagster.yaml is)")
    return serve(args.host, args.port, args.grace)


if __name__ == "__main__":
    sys.exit(main())
