"""`portal import` in a process of its own that dies by SIGKILL the instant the import's transaction
commits, before anything that follows a commit can run — what an OOM kill or a power cut does.

    python -m tests.unit.content.kill_after_commit DATABASE_URL INSTANCE KIND FILE [SEARCH_BACKEND]

The kill comes from a listener on every Session's `after_commit`, armed when the import's one
transaction begins; listeners on the class run before the session's own (the one that brings
Whoosh files up to date), so the files never see the commit.
"""

from __future__ import annotations

import os
import signal
import sys

from sqlalchemy import event
from sqlalchemy.orm import Session


def main() -> None:
    url, instance, kind, path, *rest = sys.argv[1:]
    import portal.content.importers as importers
    from portal import create_app

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "kill-after-commit", "SEARCH_BACKEND": rest[0] if rest else ""},
                     instance_path=instance)
    armed: list[bool] = []
    in_one_transaction = importers.in_one_transaction

    def arming(session, work):
        armed.append(True)
        return in_one_transaction(session, work)

    importers.in_one_transaction = arming

    @event.listens_for(Session, "after_commit")
    def die(session) -> None:
        if armed:
            os.kill(os.getpid(), signal.SIGKILL)

    result = app.test_cli_runner().invoke(args=["import", kind, path])
    print(result.output, file=sys.stderr)
    sys.exit("the import returned instead of being killed")


if __name__ == "__main__":
    main()
