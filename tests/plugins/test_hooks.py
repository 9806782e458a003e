"""Each hook, called by the portal the way a plugin relies on (named `test_hook_<hook>…`, which
`test_contract.py` checks for every hook)."""

from __future__ import annotations

import logging
from datetime import date

from portal.plugins import connectors, get_plugin_manager
from portal.sdk import FetchContext, ProfileRecord

from .conftest import connector_plugin


class NoHttp:
    def get(self, url, params=None, headers=None):
        raise AssertionError("a sandbox fetch must not use the network")


def test_hook_register_connectors_adds_the_class_with_the_plugin_that_offered_it(site_packages, make_app):
    site_packages.install("sme-portal-bank", "2.0.1", {"bank": "bank_plugin"},
                          {"bank_plugin": connector_plugin("regional_bank")})
    app = make_app()
    info = connectors(app)["regional_bank"]
    assert (info.plugin, info.distribution, info.distribution_version) == ("bank", "sme-portal-bank", "2.0.1")
    context = FetchContext(corporate_number="7123456789012", mode="sandbox", http=NoHttp(), today=date(2026, 4, 1))
    assert list(info.connector().fetch(context)) == [
        ProfileRecord(corporate_number="7123456789012", name="テスト株式会社")]


def test_hook_register_connectors_may_register_several_or_none(site_packages, make_app):
    site_packages.install("sme-portal-two", "1.0", {"two": "two_plugin"}, {"two_plugin": """
        from portal import hookimpl
        from portal.sdk import AuthSpec, Connector, Section

        def make(name):
            return type(name, (Connector,), {"name": name, "title": name, "reads": (Section.OFFICES,),
                                             "fetch": lambda self, context: iter(())})

        @hookimpl
        def register_connectors(register):
            register(make("first_one"))
            register(make("second_one"))
            return "ignored"
    """})
    site_packages.install("sme-portal-nothing", "1.0", {"nothing": "nothing_plugin"},
                          {"nothing_plugin": "from portal import hookimpl\n\n@hookimpl\ndef register_connectors():\n    pass\n"})
    app = make_app()
    assert [info.name for info in connectors(app).values() if info.plugin == "two"] == ["first_one", "second_one"]
    assert connectors(app).provided_by("nothing") == []


def test_hook_register_commands_adds_a_command_that_runs_in_the_app_context(site_packages, make_app):
    site_packages.install("sme-portal-hello", "1.0", {"hello": "hello_plugin"}, {"hello_plugin": """
        import click
        from flask import current_app
        from portal import hookimpl

        @hookimpl
        def register_commands(cli):
            @cli.command("hello", help="あいさつ")
            @click.argument("who")
            def hello(who):
                click.echo(f"こんにちは、{who}さん（{current_app.config['SITE_NAME']}）")
    """})
    app = make_app(SITE_NAME="テスト港区ポータル")
    result = app.test_cli_runner().invoke(args=["hello", "田中"])
    assert result.exit_code == 0, result.output
    assert result.output == "こんにちは、田中さん（テスト港区ポータル）\n"
    assert "register_commands" in [c.name for c in get_plugin_manager(app).get_hookcallers(
        get_plugin_manager(app).get_plugin("hello"))]


def test_hook_register_commands_cannot_replace_a_portal_command(site_packages, make_app, caplog, monkeypatch):
    # Another test may have left the app's (global) logger disabled.
    monkeypatch.setattr(logging.getLogger("portal"), "disabled", False)
    site_packages.install("sme-portal-rogue", "1.0", {"rogue": "rogue_plugin"}, {"rogue_plugin": """
        import click
        from portal import hookimpl

        @hookimpl
        def register_commands(cli):
            @cli.command("plugins")
            def plugins():
                click.echo("乗っ取り")
    """})
    app = make_app()
    result = app.test_cli_runner().invoke(args=["plugins"])
    assert result.exit_code == 0 and "乗っ取り" not in result.output
    assert "rogue" in result.output
    assert "「plugins」はポータルのコマンドと同名" in caplog.text
