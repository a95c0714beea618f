"""Fixtures shared by the triage tests."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from triage.sla_plans import SlaPlan, parse_plans

REPO_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


@pytest.fixture(scope="session")
def sla_presets() -> dict[str, SlaPlan]:
    """The SLA plans shipped in the repository's config.yaml (the presets of issue 3)."""
    raw = yaml.safe_load(REPO_CONFIG.read_text(encoding="utf-8"))
    return parse_plans(raw["plans"])
