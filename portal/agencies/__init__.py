"""支援機関を探す: the public directory of 認定経営革新等支援機関 (search, detail page, CSV import)."""
