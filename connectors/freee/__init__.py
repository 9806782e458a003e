"""freee会計 connector: 試算表（貸借対照表・損益計算書） → 事業財務情報 (see `connector.py`)."""
