"""A local stand-in for GビズID (OpenID Connect provider) for development, demos and tests.

Enabled by `GBIZID_STANDIN = True` (`make run` turns it on; it is off by default, so production
never serves it). See `views.py` for the endpoints and `identities.py` for the test accounts.
"""
