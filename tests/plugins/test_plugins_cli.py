"""`portal plugins`: what is loaded, in which version, with which connectors; one line per item."""

from __future__ import annotations

from .conftest import connector_plugin


def run_plugins(app):
    result = app.test_cli_runner().invoke(args=["plugins"])
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def test_plugins_lists_each_plugin_with_its_version_and_connectors(site_packages, make_app, monkeypatch):
    site_packages.install_example_plugin(monkeypatch)
    site_packages.install("sme-portal-bank", "2.0.1", {"bank": "bank_plugin"},
                          {"bank_plugin": connector_plugin("regional_bank")})
    lines = run_plugins(make_app(DISABLED_PLUGINS="old_plugin, connectors.builtin"))
    assert lines[0] == "プラグイン（2件、コネクタ2件）"
    assert "  sme_portal_example  sme-portal-example 0.1.0  フック: register_connectors" in lines
    assert ("    コネクタ chamber_members_sample「商工会議所 会員情報（サンプル）」0.1.0  認証: api_key"
            "  モード: live, sandbox  提供: sme_portal_example") in lines
    bank = lines.index("  bank  sme-portal-bank 2.0.1  フック: register_connectors")
    assert lines[bank + 1].startswith("    コネクタ regional_bank「テスト用コネクタ」1.2.3  認証: none")
    assert lines[-3:] == ["無効にしたプラグイン（2件）", "  connectors.builtin", "  old_plugin"]


def test_plugins_says_so_when_nothing_is_loaded(make_app):
    app = make_app(DISABLED_PLUGINS="connectors.builtin")
    assert not app.extensions["portal_plugins"].get_plugins()  # no third-party plugin is installed here
    assert run_plugins(app) == ["プラグイン（0件、コネクタ0件）", "  （なし）", "無効にしたプラグイン（1件）",
                                "  connectors.builtin"]


def test_builtin_connectors_are_shown_as_part_of_the_portal(make_app):
    lines = run_plugins(make_app())
    assert any(line.startswith("  connectors.builtin  sme-portal ") and "（組み込み）" in line for line in lines)
    assert any("コネクタ etax「e-Tax" in line for line in lines)
