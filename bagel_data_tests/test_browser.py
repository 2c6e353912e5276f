"""The Dagster UI in a real browser: `python -m bagel_data.ui` (what `make ui` runs) on a loopback
port with its own DAGSTER_HOME and data home under /tmp, driven by headless Chromium (Debian's
`chromium` through Playwright's Python client, never a downloaded browser).

One source is materialized from its asset page, then `sft_shards` from its page; the pages must
show the row count, the source × format table and a chatml example with its `<s>`/`</s>` tokens.
Stopping the UI must leave no process behind. Skipped, with the reason, without chromium or
playwright (set BAGEL_DATA_REQUIRE_BROWSER=1, as .ci/run does, to fail instead). With
BAGEL_DATA_UI_SCREENSHOTS=<folder> it writes the README's screenshots there.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
import pytest
import yaml

from bagel_data.settings import PROJECT_ROOT
from bagel_data_tests.operations.conftest import small_recipe_dict

pytestmark = pytest.mark.browser

STARTUP_S = 240  # loading the code location on a busy 2-core machine
RUN_S = 180  # one materialization, run worker start included
STOP_S = 45


def _chromium() -> str | None:
    return os.environ.get("BAGEL_DATA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")


def _skip_or_fail(reason: str):
    if os.environ.get("BAGEL_DATA_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{reason} (BAGEL_DATA_REQUIRE_BROWSER=1)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def playwright_api():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _skip_or_fail("playwright is not installed (pip install -e '.[dev]')")
    if not _chromium():
        _skip_or_fail("no chromium on PATH (Debian: apt-get install chromium; or set BAGEL_DATA_CHROMIUM)")
    return sync_playwright


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _session_processes(sid: int) -> list[str]:
    out = subprocess.run(["ps", "-o", "pid=,stat=,args=", "-s", str(sid)], capture_output=True, text=True).stdout
    return [line.strip() for line in out.splitlines() if not line.split()[1].startswith("Z")]  # zombies are gone


def _write_setup(root: Path) -> dict[str, str]:
    """One source (ai2_arc on the shipped samples), no decontamination, no schedules or sensors."""
    raw = small_recipe_dict()
    raw["name"] = "browser-test"
    raw["sources"] = {"ai2_arc": raw["sources"]["ai2_arc"]}
    raw["decontamination"] = {**raw.get("decontamination", {}), "enabled": False}
    raw["schedule"] = {**raw["schedule"], "observe_status": "stopped", "automation_status": "stopped"}
    (root / "recipe.yaml").write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    (root / "dagster_home").mkdir()
    (root / "dagster_home" / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAGEL_DATA_", "DAGSTER_"))}
    return {
        **env,
        "DAGSTER_HOME": str(root / "dagster_home"),
        "BAGEL_DATA_HOME": str(root / "home"),
        "BAGEL_DATA_RECIPE": str(root / "recipe.yaml"),
        "BAGEL_DATA_MODE": "samples",
        "BAGEL_DATA_EXECUTOR": "in_process",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
    }


@pytest.fixture(scope="module")
def ui(playwright_api):
    root = Path(tempfile.mkdtemp(prefix="bagel-ui-test-", dir="/tmp"))
    port = _free_port()
    log = open(root / "ui.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "bagel_data.ui", "--host", "127.0.0.1", "--port", str(port)],
        cwd=PROJECT_ROOT, env=_write_setup(root), stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + STARTUP_S
        while True:
            try:
                urllib.request.urlopen(base + "/server_info", timeout=5)
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"UI did not start on {base}:\n{(root / 'ui.log').read_text()[-3000:]}")
                time.sleep(1)
        yield {"base": base, "root": root, "proc": proc}
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in the terminal
        try:
            proc.wait(timeout=STOP_S)
        except subprocess.TimeoutExpired:
            pass
        left = _session_processes(proc.pid)
        if left:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()
        assert proc.returncode == 0 and not left, f"UI stop left processes: {left} (rc {proc.returncode})"
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def page(ui, playwright_api):
    with playwright_api() as pw:
        browser = pw.chromium.launch(executable_path=_chromium(), headless=True, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.set_default_timeout(60_000)
        from playwright.sync_api import expect

        expect.set_options(timeout=60_000)  # a busy machine: the UI may take a while to re-render
        # The UI's one-time "Join the Dagster community" dialog covers the page: dismiss it whenever it shows.
        page.add_locator_handler(page.get_by_role("button", name="Skip"), lambda button: button.click())
        yield page
        browser.close()


def _materialize_from_asset_page(page, base: str, path: str, done_key: str) -> None:
    """Click Materialize on the asset's page, then reload until the materialization's own metadata
    (`done_key`) shows: the status panel changes as soon as the run starts, the metadata panel
    only after a reload."""
    from playwright.sync_api import expect

    page.goto(f"{base}/assets/{path}")
    expect(page.get_by_text("Never materialized")).to_be_visible(timeout=STARTUP_S * 1000)
    page.locator("button", has_text=re.compile(r"^\s*Materialize\s*$")).first.click()
    expect(page.get_by_text("Never materialized")).to_have_count(0, timeout=RUN_S * 1000)
    deadline = time.monotonic() + RUN_S
    while True:
        page.wait_for_timeout(3000)
        page.reload()
        try:
            expect(_metadata_row(page, done_key)).to_be_visible(timeout=15_000)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise AssertionError(f"{path}: no materialization after {RUN_S} s; the page says:\n{page.inner_text('body')[:1500]}") from None


def _screenshot(page, name: str, top=None) -> None:
    """Save the viewport as <BAGEL_DATA_UI_SCREENSHOTS>/<name>, `top` (a locator) scrolled to the top."""
    folder = os.environ.get("BAGEL_DATA_UI_SCREENSHOTS")
    if not folder:
        return
    if top is not None:
        top.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(500)
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(folder) / name))


def _metadata_row(page, key: str):
    """The metadata table row whose key cell is `key` (its value cell holds native tables)."""
    return page.locator("tr", has=page.locator("td", has_text=re.compile(rf"^\s*{re.escape(key)}\s*$"))).last


def test_materialize_a_source_and_the_sft_shards_from_the_ui(ui, page):
    from playwright.sync_api import expect

    base = ui["base"]
    _materialize_from_asset_page(page, base, "sources/ai2_arc", "rows_in")
    home = ui["root"] / "home"
    source_rows = sum(pq.read_metadata(home / "normalized" / "ai2_arc" / f"{p}.parquet").num_rows for p in ("instructions", "preferences", "texts"))
    assert source_rows > 0
    expect(page.get_by_text("Row count", exact=True).locator("xpath=..")).to_contain_text(re.compile(rf"(?<!\d){source_rows}(?!\d)"))  # the status panel
    dropped = _metadata_row(page, "dropped_by_reason")
    expect(dropped).to_contain_text("malformed")  # a native table, inline
    expect(_metadata_row(page, "mode")).to_contain_text("samples")
    expect(_metadata_row(page, "upstream_revision")).to_contain_text("allenai/ai2_arc@")
    _screenshot(page, "ui-source.png", _metadata_row(page, "rows_dropped"))

    _materialize_from_asset_page(page, base, "sft_shards", "rows_by_source_format")
    shard_rows = json.loads((home / "output" / "sft" / "manifest.json").read_text())["rows"]
    expect(page.get_by_text("Row count", exact=True).locator("xpath=..")).to_contain_text(re.compile(rf"(?<!\d){shard_rows}(?!\d)"))
    by_format = _metadata_row(page, "rows_by_source_format")
    for header in ("source", "alpaca", "chatml", "llama2", "vicuna"):
        expect(by_format.locator("th", has_text=re.compile(rf"^{header}$"))).to_be_visible()
    expect(by_format.locator("td", has_text=re.compile(r"^ai2_arc$"))).to_be_visible()
    chatml = _metadata_row(page, "examples_by_format").locator("tr", has=page.locator("td", has_text=re.compile(r"^chatml$")))
    expect(chatml).to_be_visible()
    expect(chatml).to_contain_text(re.compile(r"</s>.*<s>\w", re.S))  # tokens shown as text, not swallowed as HTML tags
    expect(_metadata_row(page, "preview")).to_be_visible()
    _screenshot(page, "ui-sft-shards.png", by_format)

    page.goto(f"{base}/assets/duckdb_catalog?view=lineage&lineageScope=upstream&lineageDepth=6")
    expect(page.get_by_text("sft_shards").first).to_be_visible()
    _screenshot(page, "ui-asset-graph.png")
