"""Fixtures for the operations tests: a small recipe (two ARC sources, the HumanEval-guarded
python_alpaca, the arc_challenge and humaneval benchmarks), a tmp copy of their samples to edit,
and env vars pointing the Dagster resource at them (restored after each test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from bagel_data.recipe import DEFAULT_RECIPE, load_recipe
from bagel_data.settings import SAMPLES_DIR

REPOS = ("allenai/ai2_arc", "Vezora/Tested-22k-Python-Alpaca", "openai/openai_humaneval")
ARC = {"repo": "allenai/ai2_arc", "config": "ARC-Challenge"}
ENV_VARS = ("BAGEL_DATA_MODE", "BAGEL_DATA_MIRROR", "BAGEL_DATA_HOME", "BAGEL_DATA_RECIPE", "BAGEL_DATA_MAX_CONCURRENT", "BAGEL_DATA_EXECUTOR", "DAGSTER_HOME")


def small_recipe_dict() -> dict:
    """The shipped recipe's global sections with three sources and two benchmarks."""
    raw = yaml.safe_load(DEFAULT_RECIPE.read_text(encoding="utf-8"))
    raw["name"] = "operations-test"
    raw["schedule"] = {"nightly_cron": "30 2 * * *", "observe_cron": "*/15 * * * *"}
    raw["sources"] = {
        "ai2_arc": {"upstream": {**ARC, "split": "train"}, "options": {"letter_only_probability": 0.5}},
        "arc_validation": {"module": "ai2_arc", "upstream": {**ARC, "split": "validation"}},
        "python_alpaca": {
            "upstream": {"repo": "Vezora/Tested-22k-Python-Alpaca", "split": "train", "data_files": ["188k-Vezora-PyCode-Alpaca.json"]},
            "priority": 1,
            "filters": {"refusal": True, "humaneval_guard": True},
            "options": {"humaneval_min_chars": 40},
        },
    }
    raw["benchmarks"] = {
        "arc_challenge": {"upstream": {**ARC, "split": "test"}, "inputs": {"validation": {**ARC, "split": "validation"}}},
        "humaneval": {"upstream": {"repo": "openai/openai_humaneval", "config": "openai_humaneval", "split": "test"}},
    }
    return raw


@pytest.fixture
def clean_env(monkeypatch):
    """Unset the settings env vars; whatever a test (or the CLI) sets is undone afterwards."""
    for name in ENV_VARS:
        monkeypatch.setenv(name, "x")
        monkeypatch.delenv(name)
    return monkeypatch


@pytest.fixture
def ops_mirror(tmp_path: Path) -> Path:
    """An editable copy of the samples the small recipe reads."""
    root = tmp_path / "mirror"
    for repo in REPOS:
        shutil.copytree(SAMPLES_DIR / repo, root / repo)
    return root


@pytest.fixture
def ops_recipe_path(tmp_path: Path) -> Path:
    path = tmp_path / "recipe.yaml"
    path.write_text(yaml.safe_dump(small_recipe_dict(), sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def ops_env(clean_env, ops_mirror: Path, ops_recipe_path: Path, tmp_path: Path):
    """Env for Definitions and the CLI: samples mode on the tmp mirror, tmp data home."""
    home = tmp_path / "home"
    clean_env.setenv("BAGEL_DATA_MODE", "samples")
    clean_env.setenv("BAGEL_DATA_MIRROR", str(ops_mirror))
    clean_env.setenv("BAGEL_DATA_HOME", str(home))
    clean_env.setenv("BAGEL_DATA_RECIPE", str(ops_recipe_path))
    return {"home": home, "mirror": ops_mirror, "recipe_path": ops_recipe_path, "recipe": load_recipe(ops_recipe_path)}
