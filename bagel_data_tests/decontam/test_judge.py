"""The review list and the optional judge: borderline pairs become REVIEW rows; the judge asks a
local stub chat-completions server (127.0.0.1, started here) and records decision + reason; a
decided-contaminated pair joins the report; errors leave the pair undecided."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import polars as pl
import pytest

from bagel_data.decontam.config import DecontamConfig
from bagel_data.decontam.judge import JudgeConfig, judge_review, parse_verdict
from bagel_data.decontam.report import REVIEW, build_report, build_review, with_judged

VIEWS = pl.DataFrame(
    {
        "benchmark": ["gsm8k", "gsm8k"],
        "item_id": ["g1", "g2"],
        "view": ["question", "question"],
        "text": ["Terry sells 6 milkshakes for $5.50 each. How much does he make?", "A plane flies 1200 miles in 3 hours. How long for 2000 more miles?"],
        "segments": [["a"], ["b"]],
    }
)
ROWS = pl.DataFrame(
    {
        "train_id": ["t0", "t1", "t2"],
        "source": ["s", "s", "s"],
        "row_key": ["k0", "k1", "k2"],
        "text": ["Six milkshakes at $5.50 apiece: Terry's takings?", "Terry sells 4 shakes for $6 each.", "How long does a plane need for 2000 more miles?"],
    }
)


class _Stub(BaseHTTPRequestHandler):
    calls: list[dict] = []

    def do_POST(self):  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Stub.calls.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
        user = body["messages"][-1]["content"]
        if "Six milkshakes" in user:
            content = 'Verdict: {"contaminated": true, "reason": "same problem, same numbers"}'
        elif "4 shakes" in user:
            content = '{"contaminated": false, "reason": "other numbers"}'
        else:
            content = "I am not sure."
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": content}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture()
def stub():
    server = HTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Stub.calls = []
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def _near() -> pl.DataFrame:
    return pl.DataFrame({"row": [0, 1, 2, 2], "view": [0, 0, 1, 0], "method": ["embedding"] * 4, "score": [0.83, 0.81, 0.80, 0.5], "lexical": [0.3, 0.4, 0.2, 0.1]})


def test_review_keeps_the_closest_item_per_row_and_benchmark_and_skips_reported_pairs():
    report = build_report(pl.DataFrame({"row": [1], "view": [0], "method": ["ngram"], "score": [0.9], "lexical": [None]}, schema_overrides={"lexical": pl.Float64}), ROWS, VIEWS)
    review = build_review(_near(), ROWS, VIEWS, report)
    assert review.columns == REVIEW.names
    assert review["train_id"].to_list() == ["t0", "t2"]  # t1 already in the report for gsm8k
    assert review.filter(pl.col("train_id") == "t2")["benchmark_id"].item() == "g2"  # 0.80 beats 0.5
    assert review["decision"].null_count() == review.height


def test_judge_decides_through_an_openai_compatible_endpoint(stub, monkeypatch):
    monkeypatch.setenv("STUB_KEY", "sekret")
    review = build_review(_near(), ROWS, VIEWS, build_report(pl.DataFrame(schema=_near().schema), ROWS, VIEWS))
    config = JudgeConfig.from_section({"enabled": True, "endpoint": stub, "model": "stub-model", "api_key_env": "STUB_KEY", "workers": 2})
    judged = judge_review(review, config)
    by_id = {r["train_id"]: r for r in judged.iter_rows(named=True)}
    assert by_id["t0"]["decision"] == "contaminated" and by_id["t0"]["reason"] == "same problem, same numbers" and by_id["t0"]["judge"] == "stub-model"
    assert by_id["t1"]["decision"] == "clean"
    assert by_id["t2"]["decision"] is None and "not understood" in by_id["t2"]["reason"]
    assert {c["path"] for c in _Stub.calls} == {"/v1/chat/completions"} and {c["auth"] for c in _Stub.calls} == {"Bearer sekret"}
    assert all(c["body"]["model"] == "stub-model" and c["body"]["temperature"] == 0 for c in _Stub.calls)
    report = with_judged(build_report(pl.DataFrame(schema=_near().schema), ROWS, VIEWS), judged)
    assert report.select("train_id", "method").rows() == [("t0", "judge")]


def test_judge_respects_max_pairs_and_strongest_first(stub):
    review = build_review(_near(), ROWS, VIEWS, build_report(pl.DataFrame(schema=_near().schema), ROWS, VIEWS))
    judged = judge_review(review, JudgeConfig(enabled=True, endpoint=stub + "/chat/completions", model="m", max_pairs=1))
    assert len(_Stub.calls) == 1
    assert judged.filter(pl.col("decision").is_not_null())["train_id"].to_list() == ["t0"]  # score 0.83 first


def test_judge_off_or_unreachable_never_fails_a_run():
    review = build_review(_near(), ROWS, VIEWS, build_report(pl.DataFrame(schema=_near().schema), ROWS, VIEWS))
    assert judge_review(review, JudgeConfig()).equals(review)  # off: untouched, no request
    down = judge_review(review, JudgeConfig(enabled=True, endpoint="http://127.0.0.1:9/v1", model="m", timeout_s=2))
    assert down["decision"].null_count() == down.height and all(r.startswith("judge error") for r in down["reason"])


def test_judge_config_is_off_by_default_and_checked():
    assert DecontamConfig().judge.enabled is False
    with pytest.raises(ValueError, match="endpoint and a model"):
        JudgeConfig.from_section({"enabled": True})
    assert parse_verdict("no, another question")[0] == "clean"
    assert parse_verdict('{"contaminated": "maybe"}')[0] is None


def test_review_is_a_catalog_table(tmp_path):
    from bagel_data import catalog, schema
    from bagel_data.storage import Layout, write_parquet

    home = tmp_path / "home"
    catalog.refresh(home)
    with catalog.connect(home / "bagel.duckdb") as con:  # typed and empty before any decontamination
        assert [r[0] for r in con.execute("describe contamination_review").fetchall()] == REVIEW.names
    review = build_review(_near(), ROWS, VIEWS, build_report(pl.DataFrame(schema=_near().schema), ROWS, VIEWS))
    write_parquet(schema.conform(review, REVIEW), Layout(home).decontam_dir / "review.parquet")
    catalog.refresh(home)
    with catalog.connect(home / "bagel.duckdb") as con:
        rows = con.execute("select train_id, benchmark_id, decision from contamination_review order by train_id").fetchall()
    assert rows == [("t0", "g1", None), ("t1", "g1", None), ("t2", "g2", None)]
