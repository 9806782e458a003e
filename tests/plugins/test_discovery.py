"""How plugins are found and loaded: entry points, built-ins, disabling, and start-up checks."""

from __future__ import annotations

from datetime import date

import pytest

from portal import plugins as portal_plugins
from portal.plugins import PluginError, connectors, get_plugin_manager, list_plugins
from portal.sdk import FetchContext, ProfileRecord

from .conftest import connector_plugin


def test_each_app_has_its_own_plugin_manager(make_app):
    first, second = make_app(), make_app()
    assert get_plugin_manager(first) is not get_plugin_manager(second)
    assert first.extensions["portal_plugins"] is get_plugin_manager(first)


def test_example_plugin_is_discovered_through_its_entry_point_alone(site_packages, make_app, monkeypatch):
    site_packages.install_example_plugin(monkeypatch)
    app = make_app()
    [plugin] = [p for p in list_plugins(get_plugin_manager(app)) if p.name == "sme_portal_example"]
    assert (plugin.distribution, plugin.version, plugin.builtin) == ("sme-portal-example", "0.1.0", False)
    assert plugin.hooks == ("register_connectors",)
    info = connectors(app)["chamber_members_sample"]
    assert info.connector.title == "商工会議所 会員情報（サンプル）" and info.plugin == "sme_portal_example"
    context = FetchContext(corporate_number="7123456789012", mode="sandbox", http=None, today=date(2026, 4, 1))
    [record] = info.connector().fetch(context)
    assert isinstance(record, ProfileRecord) and record.name == "さくら精機株式会社"


def test_default_plugins_are_registered_like_third_party_ones(site_packages, make_app, monkeypatch):
    site_packages.write_module("builtin_sample", connector_plugin("builtin_sample"))
    monkeypatch.setattr(portal_plugins, "DEFAULT_PLUGINS", ("builtin_sample",))
    app = make_app()
    [plugin] = [p for p in list_plugins(get_plugin_manager(app)) if p.name == "builtin_sample"]
    assert plugin.builtin and plugin.distribution == "sme-portal"
    assert connectors(app)["builtin_sample"].distribution == "sme-portal"


BROKEN = "raise RuntimeError('このプラグインは壊れています')\n"


def test_a_plugin_that_fails_to_import_stops_start_up_with_its_name(site_packages, make_app):
    site_packages.install("sme-portal-broken", "0.0.1", {"broken": "broken_plugin"}, {"broken_plugin": BROKEN})
    with pytest.raises(PluginError) as raised:
        make_app()
    assert "「broken」を読み込めませんでした" in str(raised.value)
    assert "PORTAL_DISABLED_PLUGINS=broken" in str(raised.value)


def test_disabled_plugins_are_never_imported(site_packages, make_app, monkeypatch):
    site_packages.install("sme-portal-broken", "0.0.1", {"broken": "broken_plugin"}, {"broken_plugin": BROKEN})
    site_packages.install("sme-portal-bank", "1.0", {"bank": "bank_plugin"},
                          {"bank_plugin": connector_plugin("regional_bank")})
    site_packages.write_module("builtin_sample", BROKEN)
    monkeypatch.setattr(portal_plugins, "DEFAULT_PLUGINS", ("builtin_sample",))
    app = make_app(DISABLED_PLUGINS="broken, builtin_sample")
    assert "regional_bank" in connectors(app)
    loaded = {p.name for p in list_plugins(get_plugin_manager(app))}
    assert "bank" in loaded and not {"broken", "builtin_sample"} & loaded


def test_plugins_are_disabled_from_the_environment(site_packages, make_app, monkeypatch):
    site_packages.install("sme-portal-bank", "1.0", {"bank": "bank_plugin"},
                          {"bank_plugin": connector_plugin("regional_bank")})
    monkeypatch.setenv("PORTAL_DISABLED_PLUGINS", "bank,other")
    app = make_app()
    assert "regional_bank" not in connectors(app)
    assert get_plugin_manager(app).is_blocked("bank")


MISSPELLED = """
from portal import hookimpl

@hookimpl
def register_conectors(register):
    pass
"""


def test_check_pending_rejects_a_misspelled_hook_and_suggests_the_right_one(site_packages, make_app):
    site_packages.install("sme-portal-typo", "1.0", {"typo": "typo_plugin"}, {"typo_plugin": MISSPELLED})
    with pytest.raises(PluginError) as raised:
        make_app()
    message = str(raised.value)
    assert "「typo」" in message and "register_conectors" in message
    assert "register_connectors の書き間違い" in message


def test_a_hook_marked_optional_may_be_unknown(site_packages, make_app):
    """A plugin written for a newer portal can still load here if it marks the newer hook optional."""
    site_packages.install("sme-portal-future", "1.0", {"future": "future_plugin"}, {"future_plugin": """
        from portal import hookimpl

        @hookimpl(optionalhook=True)
        def register_something_new(register):
            pass
    """})
    assert "future" in {p.name for p in list_plugins(get_plugin_manager(make_app()))}


def test_a_hook_with_an_argument_the_portal_does_not_pass_is_rejected(site_packages, make_app):
    site_packages.install("sme-portal-args", "1.0", {"args": "args_plugin"}, {"args_plugin": """
        from portal import hookimpl

        @hookimpl
        def register_connectors(register, app):
            pass
    """})
    with pytest.raises(PluginError, match="「args」を読み込めませんでした"):
        make_app()
