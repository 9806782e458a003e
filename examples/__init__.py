"""Example programs that use the portal from the outside (each one stands on its own)."""
