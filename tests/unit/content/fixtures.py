"""Paths of the test fixtures and of the real ミラサポplus dump, and a loader."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures"
MIRASAPO_SUPPORTS = FIXTURES / "mirasapo" / "supports.json"
MIRASAPO_CASES = FIXTURES / "mirasapo" / "cases.json"
JGRANTS_LIST = FIXTURES / "jgrants" / "list.json"
JGRANTS_DETAIL = FIXTURES / "jgrants" / "detail.json"
# The real dump may not be committed into the project (domain.md §3); tests use it when present.
REAL_MIRASAPO = ROOT.parent / "shared" / "data" / "mirasapo" / "supports-2023.json"


def load(path: Path) -> Any:
    """A fresh copy each time, so a test may change it."""
    return copy.deepcopy(json.loads(path.read_text(encoding="utf-8")))


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path
