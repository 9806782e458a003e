"""The connector registry accepts only usable connector classes and says who offered a bad one."""

from __future__ import annotations

import pytest

from portal.connector_registry import ConnectorRegistry, PluginError, connector_problems
from portal.plugins import connectors
from portal.sdk import AuthSpec, Connector, Section

from .conftest import connector_plugin


class Good(Connector):
    name = "good_one"
    title = "良いコネクタ"
    reads = (Section.PROFILE,)

    def fetch(self, context):
        return iter(())


def variant(**attributes):
    return type("Variant", (Good,), attributes)


def test_a_complete_connector_has_no_problems():
    assert connector_problems(Good) == []


@pytest.mark.parametrize("offered, problem", [
    (object, "Connector のサブクラスではありません"),
    (Good(), "Connector のサブクラスではありません"),  # an instance, not the class
    (Connector, "Connector そのものは登録できません"),
    (variant(name="Bad-Name"), "name は英小文字で始まる"),
    (variant(title=""), "title がありません"),
    (variant(version=None), "version がありません"),
    (variant(reads=()), "reads"),
    (variant(auth="oauth2"), "auth は portal.sdk.AuthSpec"),
    (variant(modes=("production",)), "modes は"),
    (type("NoFetch", (Connector,), {"name": "no_fetch", "title": "t", "reads": ("基本情報",)}), "fetch() が実装"),
])
def test_an_unusable_class_is_rejected_with_the_reason_and_the_plugin(offered, problem):
    registry = ConnectorRegistry()
    with pytest.raises(PluginError) as raised:
        registry.add(offered, "sample_plugin")
    assert problem in str(raised.value) and "「sample_plugin」" in str(raised.value)
    assert len(registry) == 0


def test_duplicate_names_are_rejected_naming_both_plugins():
    registry = ConnectorRegistry()
    registry.add(Good, "first_plugin")
    with pytest.raises(PluginError, match="「good_one」が重複.*「first_plugin」と「second_plugin」"):
        registry.add(variant(title="別物"), "second_plugin")
    assert registry["good_one"].connector is Good


def test_duplicate_names_from_two_installed_plugins_stop_start_up(site_packages, make_app):
    site_packages.install("sme-portal-a", "1.0", {"plugin_a": "plugin_a"}, {"plugin_a": connector_plugin("same_name")})
    site_packages.install("sme-portal-b", "1.0", {"plugin_b": "plugin_b"}, {"plugin_b": connector_plugin("same_name")})
    with pytest.raises(PluginError, match="「same_name」が重複"):
        make_app()


def test_a_non_connector_offered_by_a_plugin_stops_start_up_with_its_name(site_packages, make_app):
    site_packages.install("sme-portal-odd", "1.0", {"odd": "odd_plugin"}, {"odd_plugin": """
        from portal import hookimpl

        class NotAConnector:
            name = "odd"

        @hookimpl
        def register_connectors(register):
            register(NotAConnector)
    """})
    with pytest.raises(PluginError, match="「odd」が登録したコネクタ .*NotAConnector.*Connector のサブクラスではありません"):
        make_app()


def test_a_hook_that_raises_is_reported_with_the_plugins_name(site_packages, make_app):
    site_packages.install("sme-portal-raises", "1.0", {"raises": "raises_plugin"}, {"raises_plugin": """
        from portal import hookimpl

        @hookimpl
        def register_connectors(register):
            raise KeyError("settings")
    """})
    with pytest.raises(PluginError, match="「raises」の register_connectors が失敗しました: KeyError"):
        make_app()


def test_a_plugin_can_register_only_under_its_own_name(site_packages, make_app):
    site_packages.install("sme-portal-sneaky", "1.0", {"sneaky": "sneaky_plugin"}, {"sneaky_plugin": """
        from portal import hookimpl
        from portal.sdk import Connector

        @hookimpl
        def register_connectors(register):
            class Sneaky(Connector):
                name = "sneaky"
                title = "t"
                reads = ("基本情報",)

                def fetch(self, context):
                    return iter(())

            register(Sneaky)
    """})
    site_packages.install("sme-portal-bank", "1.0", {"bank": "bank_plugin"}, {"bank_plugin": connector_plugin("bank")})
    registry = connectors(make_app())
    assert registry["sneaky"].plugin == "sneaky" and registry["bank"].plugin == "bank"
    assert registry.provided_by("bank") == [registry["bank"]]


def test_auth_spec_builders_check_what_each_kind_needs():
    assert AuthSpec.oauth2("https://a/authorize", "https://a/token", ["read"]).scopes == ("read",)
    assert AuthSpec.api_key().fields[0].name == "api_key"
    with pytest.raises(ValueError):
        AuthSpec.oauth2("", "https://a/token")
    with pytest.raises(ValueError):
        AuthSpec.file_upload()
