"""What every feature's forms share: a service's refusal shown beside the fields it concerns."""

from __future__ import annotations

from collections.abc import Mapping

from flask_wtf import FlaskForm


def attach(form: FlaskForm, errors: Mapping[str, str]) -> None:
    """Shows a service's messages (field name → message) beside the fields they concern.

    Services check what forms cannot (a duplicate, an ID that does not exist) and refuse with such a
    mapping, so the page shows each message in the same place as the form's own validation errors.
    """
    for name, message in errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, message]
