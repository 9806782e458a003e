"""中小企業支援ポータル — the public surface of the package."""

import pluggy

hookimpl = pluggy.HookimplMarker("sme_portal")


def create_app(*args, **kwargs):
    """Build the application (see `portal.app.create_app`)."""
    from portal.app import create_app as _create_app

    return _create_app(*args, **kwargs)


__all__ = ["create_app", "hookimpl"]
