"""The connector registry: what `register_connectors` offered, checked, with who offered it.

The host trusts a connector class only after this check, so the sync runner, the linking pages
and `portal plugins` can rely on every attribute being there and every name being unique. Each
plugin's hook implementation is called on its own (through a subset hook caller, which keeps
pluggy's calling rules) so that a bad class is reported with the name of the plugin that offered
it, and every good one is recorded with that plugin's distribution and version.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass

import pluggy

from portal.sdk import MODES, AuthSpec, Connector

NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class PluginError(Exception):
    """A plugin cannot be loaded as it is; the message names the plugin and says what is wrong."""


@dataclass(frozen=True)
class ConnectorInfo:
    """A registered connector and where it came from."""

    connector: type[Connector]
    plugin: str
    distribution: str | None
    distribution_version: str | None

    @property
    def name(self) -> str:
        return self.connector.name


class ConnectorRegistry(Mapping[str, ConnectorInfo]):
    """Connector name → ConnectorInfo, in registration order."""

    def __init__(self) -> None:
        self._entries: dict[str, ConnectorInfo] = {}

    def __getitem__(self, name: str) -> ConnectorInfo:
        return self._entries[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def provided_by(self, plugin: str) -> list[ConnectorInfo]:
        return [info for info in self._entries.values() if info.plugin == plugin]

    def add(self, connector: object, plugin: str, distribution: str | None = None,
            version: str | None = None) -> None:
        """Check `connector` and record it; PluginError (naming `plugin`) when it is not usable."""
        problems = connector_problems(connector)
        if problems:
            raise PluginError(f"プラグイン「{plugin}」が登録したコネクタ {connector!r} を使えません: "
                              + "、".join(problems))
        assert isinstance(connector, type) and issubclass(connector, Connector)
        existing = self._entries.get(connector.name)
        if existing is not None:
            raise PluginError(f"コネクタ名「{connector.name}」が重複しています: プラグイン"
                              f"「{existing.plugin}」と「{plugin}」の両方が登録しました。")
        self._entries[connector.name] = ConnectorInfo(connector, plugin, distribution, version)


def connector_problems(connector: object) -> list[str]:
    """What is wrong with a class offered as a connector, in Japanese; empty when it is usable."""
    if not (isinstance(connector, type) and issubclass(connector, Connector)):
        return ["portal.sdk.Connector のサブクラスではありません"]
    if connector is Connector:
        return ["Connector そのものは登録できません（サブクラスを登録してください）"]
    problems = []
    name = getattr(connector, "name", None)
    if not isinstance(name, str) or not NAME_RE.match(name):
        problems.append("name は英小文字で始まる英小文字・数字・_ の2〜40文字にしてください"
                        f"（現在: {name!r}）")
    for attribute in ("title", "version"):
        if not isinstance(getattr(connector, attribute, None), str) or not getattr(connector, attribute):
            problems.append(f"{attribute} がありません")
    reads = getattr(connector, "reads", ())
    if not isinstance(reads, (tuple, list)) or not reads or not all(isinstance(r, str) and r for r in reads):
        problems.append("reads（同意画面に出す、読み取るデータの区分）がありません")
    auth = getattr(connector, "auth", None)
    if not isinstance(auth, AuthSpec):
        problems.append("auth は portal.sdk.AuthSpec にしてください")
    else:
        for spec in auth.fields:
            try:
                re.compile(spec.pattern)
            except re.error as error:
                problems.append(f"入力欄 {spec.name} の pattern が正規表現として読めません（{error}）")
    modes = getattr(connector, "modes", ())
    if not isinstance(modes, (tuple, list)) or not modes or not set(modes) <= set(MODES):
        problems.append(f"modes は {MODES} から選んでください（現在: {modes!r}）")
    if connector.fetch is Connector.fetch:
        problems.append("fetch() が実装されていません")
    return problems


def build_registry(manager: pluggy.PluginManager,
                   origins: Mapping[str, tuple[str | None, str | None]]) -> ConnectorRegistry:
    """Call each plugin's `register_connectors` with a `register` bound to that plugin."""
    registry = ConnectorRegistry()
    caller = manager.hook.register_connectors
    plugins = manager.get_plugins()
    for impl in caller.get_hookimpls():
        plugin_name = impl.plugin_name
        register = _register_for(registry, plugin_name, *origins.get(plugin_name, (None, None)))
        only_this = manager.subset_hook_caller("register_connectors",
                                               remove_plugins=[p for p in plugins if p is not impl.plugin])
        try:
            only_this(register=register)
        except PluginError:
            raise
        except Exception as error:
            raise PluginError(f"プラグイン「{plugin_name}」の register_connectors が失敗しました: "
                              f"{type(error).__name__}: {error}") from error
    return registry


def _register_for(registry: ConnectorRegistry, plugin: str, distribution: str | None,
                  version: str | None) -> Callable[[object], None]:
    """The `register` callback one plugin receives: it can only register under its own name."""

    def register(connector: object) -> None:
        registry.add(connector, plugin, distribution, version)

    return register
