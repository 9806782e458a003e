"""The hook contract itself: every hook has a docstring contract, a README entry and a test.

Adding a hook to `portal/hookspecs.py` without documenting it under "## Plugins" in the README,
or without a `test_hook_<name>…` test in this folder, fails here (as datasette's tests do).
"""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

import portal
from portal import hookspecs
from portal.plugins import build_plugin_manager

ROOT = Path(__file__).resolve().parents[2]
HOOKS = sorted(name for name, value in vars(hookspecs).items()
               if callable(value) and hasattr(value, f"{hookspecs.PROJECT_NAME}_spec"))


def readme_plugins_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(r"^## Plugins\n(.*?)(?=^## |\Z)", readme, re.S | re.M)
    assert match, "README.md has no '## Plugins' section"
    return match.group(1)


def documented_hooks() -> dict[str, str]:
    """`### name(args)` headings in the README's Plugins section: name → argument list."""
    return dict(re.findall(r"^### `?(\w+)\(([^)]*)\)`?\s*$", readme_plugins_section(), re.M))


def hook_tests() -> list[str]:
    names = []
    for path in Path(__file__).parent.glob("test_*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names += [node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    return names


def test_there_are_hooks_and_the_manager_knows_exactly_them():
    manager = build_plugin_manager()
    assert HOOKS == ["register_commands", "register_connectors"]
    assert sorted(name for name in vars(manager.hook) if not name.startswith("_")) == HOOKS


def test_markers_share_the_project_name_of_the_entry_point_group():
    assert portal.hookimpl.project_name == hookspecs.PROJECT_NAME == "sme_portal"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_docstring_contract(hook):
    doc = inspect.getdoc(getattr(hookspecs, hook)) or ""
    for part in ("When:", "Arguments:", "Returns:"):
        assert part in doc, f"the docstring of {hook} does not say {part!r}"


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_is_documented_in_the_readme_with_its_arguments(hook):
    documented = documented_hooks()
    assert hook in documented, f"README.md '## Plugins' has no '### {hook}(…)' subsection"
    arguments = [a.strip() for a in documented[hook].split(",") if a.strip()]
    assert arguments == list(inspect.signature(getattr(hookspecs, hook)).parameters)


def test_readme_documents_no_hook_that_does_not_exist():
    assert sorted(documented_hooks()) == HOOKS


@pytest.mark.parametrize("hook", HOOKS)
def test_hook_has_a_test_that_calls_it(hook):
    assert any(name.startswith(f"test_hook_{hook}") for name in hook_tests()), \
        f"no test named test_hook_{hook}… in tests/plugins/"
