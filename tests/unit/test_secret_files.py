"""Secret files made once: private, never replaced, one winner when several processes race."""

from __future__ import annotations

import secrets
import threading

from portal.secret_files import create_once


def test_the_file_is_private_and_an_existing_one_is_kept(tmp_path):
    path = create_once(tmp_path / "keys" / "key", lambda temporary: temporary.write_text("first"))
    assert path.read_text() == "first" and path.stat().st_mode & 0o777 == 0o600
    create_once(path, lambda temporary: temporary.write_text("second"))
    assert path.read_text() == "first"
    assert [p.name for p in path.parent.iterdir()] == ["key"]  # no temporary file left behind


def test_racing_writers_all_read_the_one_that_won(tmp_path):
    path = tmp_path / "key"
    start = threading.Barrier(8)
    seen: list[str] = []

    def writer() -> None:
        value = secrets.token_hex(8)
        start.wait()
        seen.append(create_once(path, lambda temporary: temporary.write_text(value)).read_text())

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and set(seen) == {path.read_text()}
    assert [p.name for p in tmp_path.iterdir()] == ["key"]
