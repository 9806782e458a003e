"""An example third-party plugin for the 中小企業支援ポータル: one connector, found by entry point.

The portal imports this module because `pyproject.toml` names it in the `sme_portal` entry-point
group, then calls the hooks it implements. This plugin implements one hook, `register_connectors`,
and offers one connector class; everything else (consent, credentials, running the fetch, writing
the data) is the portal's job.
"""

from portal import hookimpl

from sme_portal_example.connector import ChamberMembersConnector

__version__ = "0.1.0"


@hookimpl
def register_connectors(register):
    register(ChamberMembersConnector)
