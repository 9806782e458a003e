"""Apps built for plugin tests, and plugins exposed through entry points without pip.

A plugin is "installed" by writing a `*.dist-info` folder with an `entry_points.txt` into a
temporary folder on `sys.path`: that is all `importlib.metadata` (and so pluggy's
`load_setuptools_entrypoints`) looks at, so discovery is exercised exactly as for a pip install.
These apps never open their database, so they need no migrations and run once, not per backend.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from portal import create_app

EXAMPLE_PLUGIN_ROOT = Path(__file__).resolve().parents[2] / "plugins" / "example-connector"


@pytest.fixture
def make_app(tmp_path):
    """`make_app(**settings)` builds an app the way `create_app` always does."""

    def make(**settings):
        config = {"TESTING": True, "SECRET_KEY": "test", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
                  **settings}
        return create_app(config, instance_path=tmp_path / "instance")

    return make


class SitePackages:
    """A temporary folder on sys.path that plugins are 'installed' into."""

    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.modules: list[str] = []
        root.mkdir()
        monkeypatch.syspath_prepend(str(root))

    def install(self, distribution: str, version: str, entry_points: dict[str, str],
                modules: dict[str, str] | None = None) -> None:
        """Write a distribution's metadata and, optionally, its modules (name → source)."""
        info = self.root / f"{distribution.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {distribution}\nVersion: {version}\n")
        lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
        (info / "entry_points.txt").write_text(f"[sme_portal]\n{lines}")
        for module, source in (modules or {}).items():
            self.write_module(module, source)

    def write_module(self, module: str, source: str) -> None:
        """A module on sys.path with no distribution, as a built-in plugin module is."""
        (self.root / f"{module}.py").write_text(textwrap.dedent(source))
        self.modules.append(module)

    def install_example_plugin(self, monkeypatch: pytest.MonkeyPatch) -> None:
        """The example plugin from plugins/, exposed by its entry point alone (as its pyproject says)."""
        monkeypatch.syspath_prepend(str(EXAMPLE_PLUGIN_ROOT))
        self.install("sme-portal-example", "0.1.0", {"sme_portal_example": "sme_portal_example"})
        self.modules += ["sme_portal_example", "sme_portal_example.connector"]


@pytest.fixture
def site_packages(tmp_path, monkeypatch):
    site = SitePackages(tmp_path / "site-packages", monkeypatch)
    yield site
    for module in site.modules:  # the next test may install a different module under the same name
        sys.modules.pop(module, None)


# A connector written the way plugin authors write them, for the tests to register.
CONNECTOR_SOURCE = '''
from portal import hookimpl
from portal.sdk import AuthSpec, Connector, ProfileRecord, Section


class {cls}(Connector):
    name = "{name}"
    title = "テスト用コネクタ"
    version = "1.2.3"
    auth = AuthSpec.none()
    reads = (Section.PROFILE,)

    def fetch(self, context):
        yield ProfileRecord(corporate_number=context.corporate_number, name="テスト株式会社")


@hookimpl
def register_connectors(register):
    register({cls})
'''


def connector_plugin(name: str, cls: str = "TestConnector") -> str:
    return CONNECTOR_SOURCE.format(name=name, cls=cls)
