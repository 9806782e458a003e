"""マイページ: a business's 事業データ by section, edited by hand (inline with htmx, or page by page)."""
