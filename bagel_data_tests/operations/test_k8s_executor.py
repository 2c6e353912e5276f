"""The Kubernetes executor configuration of docs/k8s-executor.md resolves against dagster-k8s's
own executor config schema (no cluster needed): with BAGEL_DATA_EXECUTOR=k8s every job uses
`k8s_job_executor`, and the run config the doc shows validates for the `full_rebuild` job,
including the per-step overrides keyed by the real step names."""

from __future__ import annotations

import re
from pathlib import Path

import dagster as dg
import pytest
import yaml

from bagel_data.recipe import load_recipe

DOC = Path(__file__).resolve().parents[2] / "docs" / "k8s-executor.md"

dagster_k8s = pytest.importorskip("dagster_k8s", reason="dagster-k8s is not installed (pip install -e '.[dev]' or '.[k8s]')")


def _doc_run_configs() -> list[dict]:
    """Every ```yaml block of the doc that is a run config (starts with `execution:`)."""
    blocks = re.findall(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)
    configs = [yaml.safe_load(b) for b in blocks]
    return [c for c in configs if isinstance(c, dict) and "execution" in c]


def _k8s_defs(monkeypatch):
    monkeypatch.setenv("BAGEL_DATA_EXECUTOR", "k8s")
    from bagel_data.definitions import build_definitions

    return build_definitions(load_recipe())


def test_doc_shows_k8s_run_configs():
    configs = _doc_run_configs()
    assert len(configs) >= 2, "the doc's executor examples went missing"
    assert any("job_namespace" in c["execution"]["config"] for c in configs)
    assert any("per_step_k8s_config" in c["execution"]["config"] for c in configs)


def test_every_doc_config_validates_against_dagster_k8s(monkeypatch):
    defs = _k8s_defs(monkeypatch)
    job = defs.resolve_job_def("full_rebuild")
    assert job.executor_def is dagster_k8s.k8s_job_executor
    local = None
    for config in _doc_run_configs():
        if set(config["execution"]["config"]) <= {"max_concurrent", "start_method", "threads_per_step"}:
            local = config  # the local multiprocess example: checked below against the local executor
            continue
        resolved = dg.validate_run_config(job, config)["execution"]["k8s"]  # defaults filled in by dagster-k8s
        for key, value in config["execution"]["config"].items():
            assert resolved[key] == value if not isinstance(value, dict) else resolved[key], key


    assert local is not None, "the doc's local executor example went missing"
    monkeypatch.delenv("BAGEL_DATA_EXECUTOR")
    from bagel_data.definitions import build_definitions

    local_job = build_definitions(load_recipe()).resolve_job_def("full_rebuild")
    assert local_job.executor_def.name == "bagel_multiprocess"
    resolved = dg.validate_run_config(local_job, local)["execution"]["bagel_multiprocess"]  # what the executor receives
    assert resolved["max_concurrent"] == local["execution"]["config"]["max_concurrent"]
    assert resolved["start_method"] == local["execution"]["config"]["start_method"]
    assert resolved["threads_per_step"] == local["execution"]["config"]["threads_per_step"]


def test_a_wrong_k8s_config_is_refused(monkeypatch):
    job = _k8s_defs(monkeypatch).resolve_job_def("full_rebuild")
    with pytest.raises(dg.DagsterInvalidConfigError):
        dg.validate_run_config(job, {"execution": {"config": {"job_namespace": 3, "no_such_key": True}}})


def test_per_step_keys_in_the_doc_are_real_step_names(monkeypatch):
    """The doc's `per_step_k8s_config` keys name steps of full_rebuild (asset key joined by `__`)."""
    job = _k8s_defs(monkeypatch).resolve_job_def("full_rebuild")
    steps = {node.name for node in job.graph.node_dict.values()}
    named = {k for c in _doc_run_configs() for k in (c["execution"]["config"].get("per_step_k8s_config") or {})}
    assert named and named <= steps, named - steps
    assert "decontamination__slimorca" in steps and "decontamination__natural_instructions__p0of8" in steps
