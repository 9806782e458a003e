"""The refusals of the once-only store, each with a Japanese message for the person who typed."""

from __future__ import annotations

from collections.abc import Mapping

from portal.errors import Conflict, DomainError


class StoreError(DomainError):
    """A write to 事業データ was refused."""


class InvalidValues(StoreError):
    """Some values cannot be stored; `errors` maps each field to its message. Nothing was written."""

    def __init__(self, errors: Mapping[str, str]) -> None:
        field, message = next(iter(errors.items()))
        super().__init__(message, field)
        self.errors = dict(errors)


class AlreadyRegistered(Conflict):
    """The user already belongs to a business."""
