"""マネーフォワード クラウド会計 connector: 試算表 (API v3) → 事業財務情報 (see `connector.py`)."""
