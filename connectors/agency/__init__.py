"""The 認定支援機関 connector: link a business to its certified support agency (domain.md §9)."""
