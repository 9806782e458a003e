"""The job tests' real queues (tests/queues.py)."""

from tests.queues import queued_app  # noqa: F401
