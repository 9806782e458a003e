"""`portal plugins`, and the `register_commands` hook call that lets plugins add commands.

An operator who installed a plugin needs one place to see that it loaded, in which version, and
which connectors it brought; so does someone reading a bug report. The output is plain lines, one
per item, so it can be pasted into an issue or grepped.
"""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from portal.plugins import (
    ConnectorInfo,
    PluginInfo,
    connectors,
    disabled_plugins,
    get_plugin_manager,
    list_plugins,
)


@click.command("plugins", help="読み込まれたプラグインと、それぞれが提供するコネクタを表示します。")
@with_appcontext
def plugins_command() -> None:
    plugins = list_plugins(get_plugin_manager())
    registry = connectors()
    disabled = sorted(disabled_plugins(current_app.config.get("DISABLED_PLUGINS")))
    for line in describe(plugins, list(registry.values()), disabled):
        click.echo(line)


def describe(plugins: list[PluginInfo], registered: list[ConnectorInfo], disabled: list[str]) -> list[str]:
    lines = [f"プラグイン（{len(plugins)}件、コネクタ{len(registered)}件）"]
    if not plugins:
        lines.append("  （なし）")
    for plugin in plugins:
        lines.append(f"  {plugin.name}  {_origin(plugin)}  フック: {', '.join(plugin.hooks) or 'なし'}")
        for info in registered:
            if info.plugin == plugin.name:
                lines.append("    " + _connector_line(info))
    if disabled:
        lines.append(f"無効にしたプラグイン（{len(disabled)}件）")
        lines.extend(f"  {name}" for name in disabled)
    return lines


def _origin(plugin: PluginInfo) -> str:
    if plugin.distribution is None:
        return "（配布パッケージなし）"
    origin = f"{plugin.distribution} {plugin.version or '?'}"
    return f"{origin}（組み込み）" if plugin.builtin else origin


def _connector_line(info: ConnectorInfo) -> str:
    connector = info.connector
    return (f"コネクタ {connector.name}「{connector.title}」{connector.version}"
            f"  認証: {connector.auth.kind}  モード: {', '.join(connector.modes)}  提供: {info.plugin}")


def add_plugin_commands(app: Flask) -> None:
    """Call `register_commands` after the portal's own commands are in place, then put back any
    of ours a plugin replaced: `portal db upgrade` must mean the same thing with every plugin."""
    own = dict(app.cli.commands)
    get_plugin_manager(app).hook.register_commands(cli=app.cli)
    for name, command in own.items():
        if app.cli.commands.get(name) is not command:
            app.logger.warning("プラグインのコマンド「%s」はポータルのコマンドと同名のため使えません。", name)
            app.cli.add_command(command, name)
