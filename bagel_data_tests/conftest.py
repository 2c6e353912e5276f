"""Shared fixtures: the shipped recipe, sample-mode settings writing into a tmp home, and the
real public files in ../shared/realdata (tests needing them skip with a printed reason when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bagel_data.recipe import load_recipe
from bagel_data.settings import Settings
from bagel_data_tests.helpers import REALDATA


@pytest.fixture(scope="session")
def recipe():
    return load_recipe()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def sample_settings(home: Path) -> Settings:
    return Settings(mode="samples", home=home)


@pytest.fixture
def mirror(tmp_path: Path) -> Path:
    """An empty folder to lay out as a hub-style mirror."""
    path = tmp_path / "mirror"
    path.mkdir()
    return path


@pytest.fixture
def mirror_settings(mirror: Path, home: Path) -> Settings:
    return Settings(mode="mirror", mirror=mirror, home=home)


@pytest.fixture(scope="session")
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.skip(f"real public files not found at {REALDATA} (set BAGEL_DATA_SHARED to the shared/ folder)")
    return REALDATA
