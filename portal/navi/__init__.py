"""支援制度ナビ and 事例ナビ: searching measures and cases with filters and facet counts."""
