"""The top page and the portal's general pages."""
