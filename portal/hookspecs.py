"""The whole plugin contract: every hook the portal calls, with what it passes and what it expects.

A plugin is a module (or object) whose functions are marked with `portal.hookimpl` and named like
the hooks below; it is found through the `sme_portal` entry-point group, or listed in
`portal.plugins.DEFAULT_PLUGINS` when it ships with the portal. The portal calls every hook with
keyword arguments, so an implementation may accept only the arguments it needs, in any order.
Hooks are added only when the portal uses them; each one is documented under "Plugins" in the
README and exercised by a `test_hook_<name>…` test in `tests/plugins/` (a test fails otherwise).
Hooks pass a `register` callback or an object to extend rather than collecting return values, so
the host can say exactly which plugin offered what, and reject a bad offer with that plugin's name.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import click

    from portal.sdk import Connector

PROJECT_NAME = "sme_portal"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)


@hookspec
def register_connectors(register: Callable[[type[Connector]], None]) -> None:
    """Offer the connectors this plugin provides.

    When: once per application, while `create_app()` builds the connector registry (so a bad
    connector stops the portal at start-up with a message naming the plugin, not at the first sync).

    Arguments:
        register: call `register(ConnectorClass)` once for each class; the class must subclass
            `portal.sdk.Connector` and set `name`, `title`, `version`, `reads`, `auth` and `modes`,
            and implement `fetch`. Pass the class, not an instance: the host creates one instance
            per fetch. A name another plugin already registered is an error, not an override.

    Returns: nothing (`None`); anything returned is ignored. A plugin that provides no connector
    simply does not implement this hook.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add commands to the `portal` command line (also `flask --app wsgi …`).

    When: once per application, when its command group is built, after the portal's own commands.

    Arguments:
        cli: the application's click group (a Flask `AppGroup`). Use `@cli.command()` or
            `@cli.group()`; commands declared that way run inside the application context, so they
            can use `flask.current_app`. A name the portal already uses (`db`, `seed`, `plugins` …)
            is kept by the portal and the plugin's command with that name is dropped.

    Returns: nothing (`None`); anything returned is ignored.
    """
