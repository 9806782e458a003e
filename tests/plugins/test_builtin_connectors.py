"""The built-in connectors load like third-party ones and are listed by `portal plugins`."""

from portal.plugins import connectors


def test_builtin_connectors_are_registered_with_the_portal_as_their_distribution(app):
    loaded = connectors(app)
    for name in ("etax", "gbizinfo", "jgrants", "freee", "moneyforward"):
        assert loaded[name].distribution == "sme-portal"


def test_portal_plugins_lists_the_builtin_connectors(app):
    output = app.test_cli_runner().invoke(args=["plugins"]).output
    for title in ("e-Tax", "gBizINFO", "Jグランツ", "freee会計", "マネーフォワード クラウド会計"):
        assert title in output


def test_builtin_connectors_can_be_switched_off(tmp_path, fresh_database_url, smtp_server):
    from tests.conftest import make_test_app

    app = make_test_app(fresh_database_url("sqlite"), tmp_path / "i", DISABLED_PLUGINS="connectors.builtin")
    assert "etax" not in connectors(app)
