"""The `portal` command: db upgrade, seed (idempotent), create-user."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import func, select

from portal.db import get_session, upgrade_database
from portal.models import Role, User


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def test_create_user_with_staff_role(app):
    result = run(app, "create-user", "--email", "Staff2@Example.jp", "--password", "kanri-shokuin-9",
                 "--role", "staff")
    assert result.exit_code == 0, result.output
    assert "職員のアカウントを作成しました: staff2@example.jp" in result.output
    with app.app_context():
        user = get_session().scalar(select(User).where(User.email == "staff2@example.jp"))
        assert user.role is Role.STAFF and user.email_confirmed_at is not None


def test_create_user_refuses_weak_password_and_duplicates_with_one_line(app):
    weak = run(app, "create-user", "--email", "a@example.jp", "--password", "short")
    assert weak.exit_code == 1
    assert weak.output.strip().startswith("エラー: パスワードは10文字以上") and weak.output.count("\n") == 1
    run(app, "create-user", "--email", "a@example.jp", "--password", "nagai-pasuwado-1")
    duplicate = run(app, "create-user", "--email", "a@example.jp", "--password", "nagai-pasuwado-1")
    assert duplicate.exit_code == 1 and "既に登録されています" in duplicate.output


@pytest.mark.parametrize(("email", "name", "reason"), [
    ("not an email", "", "メールアドレスの形式が正しくありません"),
    ("a@b", "", "メールアドレスの形式が正しくありません"),
    ("x" * 250 + "@example.jp", "", "メールアドレスが長すぎます"),
    ("ok@example.jp", "名" * 101, "お名前は100文字以内"),
])
def test_create_user_validates_like_the_registration_form(app, email, name, reason):
    result = run(app, "create-user", "--email", email, "--password", "nagai-pasuwado-1", "--name", name)
    assert result.exit_code == 1
    assert result.output.strip().startswith("エラー:") and reason in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_create_user_prompts_for_password(app):
    result = run(app, "create-user", "--email", "b@example.jp", input="nagai-pasuwado-2\nnagai-pasuwado-2\n")
    assert result.exit_code == 0, result.output


def test_seed_creates_demo_accounts_once_and_prints_their_login(app):
    first = run(app, "seed")
    second = run(app, "seed")
    assert first.exit_code == second.exit_code == 0
    assert "demo@example.jp" in first.output and "（今回作成）" in first.output
    assert "（今回作成）" not in second.output
    with app.app_context():
        assert get_session().scalar(select(func.count(User.id))) == 4  # with the demo 公開者


def test_db_upgrade_command(app):
    result = run(app, "db", "upgrade")
    assert result.exit_code == 0 and "最新" in result.output


def test_console_script_runs_with_environment_configuration(tmp_path):
    """`portal` as installed, configured only through the environment."""
    env = {"PATH": "", "DATABASE_URL": f"sqlite:///{tmp_path / 'p.sqlite3'}",
           "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x"}
    portal = [sys.executable, "-c", "from portal.cli import main; main()"]
    upgrade = subprocess.run([*portal, "db", "upgrade"], env=env, capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 0, upgrade.stderr
    seed = subprocess.run([*portal, "seed"], env=env, capture_output=True, text=True, timeout=120)
    assert seed.returncode == 0 and "staff@example.jp" in seed.stdout
    assert (tmp_path / "p.sqlite3").exists()


def test_upgrade_database_helper_is_idempotent(app):
    upgrade_database(app)
    upgrade_database(app)


def test_seed_rebuilds_a_search_index_that_lost_its_documents(app):
    import shutil

    from sqlalchemy import text

    from portal.content.indexing import search_index
    from portal.db import get_db

    run(app, "seed")
    with app.app_context():
        index = search_index("supports")
        assert index.ids_matching("ものづくり")
        if index.in_database:  # e.g. a backup restored without the search tables
            with get_db(app).engine.begin() as connection:
                connection.execute(text("DELETE FROM search_entries"))
                connection.execute(text("DELETE FROM search_state"))
        else:  # a deleted instance folder
            index.close()
            shutil.rmtree(index.directory)
            app.extensions["portal_search"].clear()
        assert search_index("supports").doc_count() == 0
    again = run(app, "seed")
    assert "検索索引を作り直しました" in again.output
    with app.app_context():
        assert search_index("supports").ids_matching("ものづくり")