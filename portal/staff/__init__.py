"""職員向けの画面 (product.md feature 15): pages only accounts with the staff role may open."""
