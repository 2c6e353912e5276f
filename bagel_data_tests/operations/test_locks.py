"""One build per data home: a second `bagel-data build` exits 2 naming the running one, an
asset writing an output (the mix, as a Dagster step runs it) waits until the build is done, and
a killed holder leaves no lock behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from bagel_data import cli
from bagel_data.locks import BuildLocked, build_lock, write_lock
from bagel_data.mix import build_product
from bagel_data.settings import PROJECT_ROOT
from bagel_data.storage import Layout
from bagel_data_tests.mix.crafted import conversation, instructions, make_recipe, write_source

HOLD = """
import sys
from bagel_data.locks import build_lock, write_lock
lock = build_lock(sys.argv[1], purpose="test holder") if sys.argv[2] == "build" else write_lock(sys.argv[1], sys.argv[2])
lock.__enter__()
print("held", flush=True)
sys.stdin.read()
"""


def _holder(home: Path, name: str = "build") -> subprocess.Popen:
    """Another process holding the build lock (or a write lock) of `home` until its stdin closes."""
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    proc = subprocess.Popen([sys.executable, "-c", HOLD, str(home), name], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout.readline().strip() == "held"
    return proc


def _release(proc: subprocess.Popen) -> None:
    proc.stdin.close()
    proc.wait(timeout=30)


def test_second_cli_build_exits_2_naming_the_running_one(capsys, ops_env):
    home = ops_env["home"]
    holder = _holder(home)
    try:
        code = cli.main(["build", "sources/ai2_arc", "--no-observe"])
        _, err = capsys.readouterr()
    finally:
        _release(holder)
    assert code == 2
    assert f"another build is using data home {home.resolve()}" in err and f"test holder (pid {holder.pid} on" in err
    assert len(err.strip().splitlines()) == 1, err
    assert not (home / "normalized").exists(), "the refused build wrote nothing"


def test_cli_build_is_refused_while_a_dagster_step_writes_an_output(home):
    writer = _holder(home, "output-sft")  # an sft_shards step of a UI run, in its own process
    try:
        try:
            with build_lock(home):
                raise AssertionError("build lock granted while an output is being written")
        except BuildLocked as exc:
            assert "writing output-sft" in str(exc) and f"pid {writer.pid}" in str(exc)
    finally:
        _release(writer)


def test_an_output_writer_waits_for_the_build_then_proceeds(home):
    convs = [conversation(f"question {i}", f"answer {i}") for i in range(20)]
    write_source(home, "alpha", instructions=instructions("alpha", convs))
    recipe = make_recipe({"alpha": {"priority": 1}})
    holder = _holder(home)
    done = threading.Event()
    errors = []

    def write():
        try:
            build_product(recipe, home, "sft")
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        done.set()

    thread = threading.Thread(target=write)
    thread.start()
    try:
        assert not done.wait(1.5), "the mix wrote its output while another build held the data home"
        assert not Layout(home).output("sft").exists()
    finally:
        _release(holder)
    assert done.wait(60) and not errors, errors
    thread.join()
    assert (Layout(home).output("sft") / "manifest.json").is_file()


def test_a_killed_holder_leaves_no_lock(home):
    holder = _holder(home)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    with build_lock(home), write_lock(home, "output-sft"):  # re-entrant inside the build
        pass
