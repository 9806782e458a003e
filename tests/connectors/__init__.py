"""Tests of the built-in connectors (connectors/), run through `portal.sdk` only."""
