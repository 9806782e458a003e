"""The built-in connectors, registered through the same hook a third-party plugin uses.

Listed in `portal.plugins.DEFAULT_PLUGINS`; an operator can switch this module off with
`PORTAL_DISABLED_PLUGINS=connectors.builtin`.
"""

from connectors.agency.connector import AgencyConnector
from connectors.etax.connector import EtaxConnector
from connectors.freee.connector import FreeeConnector
from connectors.gbizinfo.connector import GbizinfoConnector
from connectors.jgrants.connector import JgrantsConnector
from connectors.moneyforward.connector import MoneyForwardConnector
from portal import hookimpl

BUILTIN_CONNECTORS = (EtaxConnector, GbizinfoConnector, JgrantsConnector, FreeeConnector, MoneyForwardConnector,
                      AgencyConnector)


@hookimpl
def register_connectors(register):
    for connector in BUILTIN_CONNECTORS:
        register(connector)
