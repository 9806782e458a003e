"""The public JSON API (no log-in, CORS open) described by /api/v1/openapi.json."""
