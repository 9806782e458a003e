"""One plugin manager per application: the hook specs, built-in plugins, entry points, the registry.

Each app gets its own `pluggy.PluginManager` (a module-level one would leak plugins between the
apps that tests build). Start-up order matters: disabled names are blocked first, so a disabled
plugin is never even imported; built-in connectors (`DEFAULT_PLUGINS`) are registered next, the
same way third-party ones are, then whatever the `sme_portal` entry-point group offers; finally
`check_pending()` turns a misspelled hook name into a start-up error instead of a silently unused
function. The connector registry is built at start-up for the same reason: a broken plugin should
stop `make run` with its name in the message, not break a page later.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import pluggy
from flask import Flask, current_app

from portal import hookspecs
from portal.connector_registry import ConnectorInfo, ConnectorRegistry, PluginError, build_registry

GROUP = hookspecs.PROJECT_NAME
PORTAL_DISTRIBUTION = "sme-portal"

# Built-in connectors, as module names; each is registered like a third-party plugin would be.
DEFAULT_PLUGINS: tuple[str, ...] = ("connectors.builtin",)

__all__ = ["ConnectorInfo", "ConnectorRegistry", "DEFAULT_PLUGINS", "PluginError", "PluginInfo",
           "build_plugin_manager", "configure_plugins", "connectors", "disabled_plugins",
           "get_plugin_manager", "list_plugins"]


@dataclass(frozen=True)
class PluginInfo:
    """A loaded plugin as `portal plugins` shows it."""

    name: str
    distribution: str | None
    version: str | None
    builtin: bool
    hooks: tuple[str, ...]


def configure_plugins(app: Flask) -> None:
    """Load the plugins and build the connector registry (a `create_app` step)."""
    manager = build_plugin_manager(disabled_plugins(app.config.get("DISABLED_PLUGINS")))
    app.extensions["portal_plugins"] = manager
    app.extensions["portal_connectors"] = build_registry(manager, origins(manager))


def get_plugin_manager(app: Flask | None = None) -> pluggy.PluginManager:
    return (app or current_app).extensions["portal_plugins"]


def connectors(app: Flask | None = None) -> ConnectorRegistry:
    """The registered connectors by name, each with the plugin and distribution that provided it."""
    return (app or current_app).extensions["portal_connectors"]


def disabled_plugins(value: str | Iterable[str] | None) -> frozenset[str]:
    """`DISABLED_PLUGINS` (env `PORTAL_DISABLED_PLUGINS`): plugin names, comma-separated or a list."""
    if not value:
        return frozenset()
    names = value.split(",") if isinstance(value, str) else value
    return frozenset(name.strip() for name in names if name.strip())


def build_plugin_manager(disabled: Iterable[str] = ()) -> pluggy.PluginManager:
    manager = pluggy.PluginManager(GROUP)
    manager.add_hookspecs(hookspecs)
    for name in disabled:
        manager.set_blocked(name)
    for module_name in DEFAULT_PLUGINS:
        if not manager.is_blocked(module_name):
            _guarded(module_name, lambda: manager.register(importlib.import_module(module_name),
                                                           name=module_name))
    for name in _entry_point_names():
        # One call per name, so that a plugin failing to import is named in the error.
        _guarded(name, lambda: manager.load_setuptools_entrypoints(GROUP, name=name))
    try:
        manager.check_pending()
    except pluggy.PluginValidationError as error:
        raise PluginError(_describe_unknown_hooks(manager)) from error
    return manager


def list_plugins(manager: pluggy.PluginManager) -> list[PluginInfo]:
    """Every loaded plugin, in registration order, with where it came from."""
    found = origins(manager)
    return [PluginInfo(name, *found[name], builtin=name in DEFAULT_PLUGINS,
                       hooks=tuple(sorted(caller.name for caller in manager.get_hookcallers(plugin) or ())))
            for name, plugin in manager.list_name_plugin() if plugin is not None]


def origins(manager: pluggy.PluginManager) -> Mapping[str, tuple[str | None, str | None]]:
    """Plugin name → (distribution, version). Built-ins belong to the portal's own distribution;
    a plugin registered by hand (in a test, say) has neither."""
    by_plugin = {id(plugin): dist for plugin, dist in manager.list_plugin_distributions()}
    result: dict[str, tuple[str | None, str | None]] = {}
    for name, plugin in manager.list_name_plugin():
        if plugin is None:
            continue
        if id(plugin) in by_plugin:
            dist = by_plugin[id(plugin)]
            result[name] = (dist.metadata["Name"], dist.version)
        elif name in DEFAULT_PLUGINS:
            result[name] = (PORTAL_DISTRIBUTION, _portal_version())
        else:
            result[name] = (None, None)
    return result


def _portal_version() -> str | None:
    try:
        return importlib.metadata.version(PORTAL_DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return None


def _entry_point_names() -> Iterator[str]:
    seen: set[str] = set()
    for entry_point in importlib.metadata.entry_points(group=GROUP):
        if entry_point.name not in seen:
            seen.add(entry_point.name)
            yield entry_point.name


def _guarded(name: str, load: Callable[[], object]) -> None:
    try:
        load()
    except PluginError:
        raise
    except Exception as error:  # a broken plugin: say which, and how to start without it
        raise PluginError(f"プラグイン「{name}」を読み込めませんでした: {type(error).__name__}: {error}"
                          f"（PORTAL_DISABLED_PLUGINS={name} で無効にできます）") from error


def _describe_unknown_hooks(manager: pluggy.PluginManager) -> str:
    known = [name for name in dir(hookspecs) if hasattr(getattr(hookspecs, name), f"{GROUP}_spec")]
    problems = []
    for name, caller in vars(manager.hook).items():
        if name.startswith("_") or caller.has_spec():
            continue
        for impl in caller.get_hookimpls():
            if impl.optionalhook:
                continue
            hint = difflib.get_close_matches(name, known, n=1)
            problems.append(f"プラグイン「{impl.plugin_name}」の関数 {name} に対応するフックがありません"
                            + (f"（{hint[0]} の書き間違いではありませんか）" if hint else ""))
    return "; ".join(problems)
