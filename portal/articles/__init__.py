"""経営お役立ちコンテンツ: articles and guides, their search (the navi's Japanese text index), the
links to and from measures, the Atom feed and the public API."""
