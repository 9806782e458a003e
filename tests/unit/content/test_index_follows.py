"""The text index follows the database, always (issue 12 item 3), on SQLite with Whoosh and on
PostgreSQL: an import killed by SIGKILL right after its commit leaves nothing missing for long —
the next import repairs it first and says so — and `portal seed`, the worker's job and a search all
repair an index left behind by another instance."""

from __future__ import annotations

import signal
import subprocess
import sys

from portal.content.freshness import catch_up_search
from portal.content.indexing import search_index
from tests.conftest import close_app, make_test_app

from .fixtures import JGRANTS_LIST, MIRASAPO_SUPPORTS, ROOT


def run(app, *args):
    result = app.test_cli_runner().invoke(args=[str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result.output


def found(app, words: str) -> set[str]:
    with app.app_context():
        return search_index("supports").ids_matching(words)


def kill_import_after_commit(app, path, backend: str = "", instance=None) -> None:
    child = subprocess.run(
        [sys.executable, "-m", "tests.unit.content.kill_after_commit", app.config["DATABASE_URL"],
         str(instance or app.instance_path), "supports", str(path), backend],
        cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert child.returncode == -signal.SIGKILL, child.stderr


def import_elsewhere(app, tmp_path, path) -> None:
    """The import through another instance: its own Whoosh folder (on PostgreSQL, one that was set up
    with SEARCH_BACKEND=whoosh), so this app's index is left behind."""
    other = make_test_app(app.config["DATABASE_URL"], tmp_path / "elsewhere", SEARCH_BACKEND="whoosh")
    try:
        run(other, "import", "supports", path)
    finally:
        close_app(other)


def test_an_import_killed_after_its_commit_is_made_whole_by_the_next_import(app):
    run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    kill_import_after_commit(app, MIRASAPO_SUPPORTS)
    in_database = search_index("supports", app).in_database
    # PostgreSQL wrote the words with the rows: nothing to repair. Whoosh never saw the commit.
    assert bool(found(app, "ものづくり")) == in_database
    output = run(app, "import", "supports", MIRASAPO_SUPPORTS)
    repaired = "検索索引が遅れていたため、先に索引し直しました（支援制度 4 件）\n"
    assert output == ("" if in_database else repaired) + "supports.json の支援制度: 新規 0 件、更新 0 件、変更なし 4 件\n"
    assert len(found(app, "ものづくり")) == 1


def test_an_import_killed_in_another_instance_is_repaired_by_this_ones_next_import(app, tmp_path):
    """The other instance keeps Whoosh files of its own (on PostgreSQL it was set up with
    SEARCH_BACKEND=whoosh): only the change log tells this one what it lacks."""
    run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    kill_import_after_commit(app, MIRASAPO_SUPPORTS, backend="whoosh", instance=tmp_path / "elsewhere")
    assert found(app, "ものづくり") == set()
    output = run(app, "import", "supports", MIRASAPO_SUPPORTS)
    assert output == ("検索索引が遅れていたため、先に索引し直しました（支援制度 4 件）\n"
                      "supports.json の支援制度: 新規 0 件、更新 0 件、変更なし 4 件\n")
    assert len(found(app, "ものづくり")) == 1


def test_portal_seed_repairs_an_index_left_behind(app, tmp_path):
    run(app, "seed")
    import_elsewhere(app, tmp_path, MIRASAPO_SUPPORTS)
    assert found(app, "ものづくり試験補助金") == set()
    output = run(app, "seed")
    assert "検索索引の遅れを直しました（支援制度 4 件、事例 0 件、記事 0 件）" in output
    assert len(found(app, "ものづくり試験補助金")) == 1


def test_the_worker_job_repairs_an_index_left_behind_and_is_idempotent(app, tmp_path):
    run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    import_elsewhere(app, tmp_path, MIRASAPO_SUPPORTS)
    assert found(app, "ものづくり") == set()
    assert catch_up_search(app) == {"supports": 4, "cases": 0, "articles": 0}
    assert len(found(app, "ものづくり")) == 1
    assert catch_up_search(app) == {"supports": 0, "cases": 0, "articles": 0}


def test_a_search_repairs_an_index_left_behind(app, client, tmp_path):
    run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    assert "ものづくり試験補助金" not in client.get("/supports?q=試験").get_data(as_text=True)
    import_elsewhere(app, tmp_path, MIRASAPO_SUPPORTS)
    assert "ものづくり試験補助金" in client.get("/supports?q=試験").get_data(as_text=True)
    assert len(found(app, "ものづくり試験補助金")) == 1


def test_the_content_reindex_job_writes_what_another_instance_left_out(app, session, tmp_path):
    from portal import jobs

    run(app, "import", "supports", JGRANTS_LIST, "--format", "jgrants")
    import_elsewhere(app, tmp_path, MIRASAPO_SUPPORTS)
    assert found(app, "ものづくり") == set()
    with app.app_context():
        jobs.enqueue(session, "content.reindex")
        session.commit()  # immediate mode: the job runs after the commit
    assert len(found(app, "ものづくり")) == 1
