"""Content: support measures and case studies — how they are written, imported and indexed."""
