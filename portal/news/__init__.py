"""お知らせ (更新情報): the news list and pages, RSS and Atom feeds, and 職員's editing screens."""
