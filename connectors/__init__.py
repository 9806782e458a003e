"""Built-in connectors, one module per external service, each registered as a default plugin.

They are plugins like any third party's: each module implements the `register_connectors` hook and
is named in `portal.plugins.DEFAULT_PLUGINS`, so the contract in `portal/hookspecs.py` is exercised
by the portal's own code and a built-in connector can be disabled with `PORTAL_DISABLED_PLUGINS`.
A connector imports only `portal.sdk` (and `portal.hookimpl`).
"""
