"""gBizINFO connector: 法人番号 → 基本情報 (商号・所在地・代表者・資本金・従業員数・設立日).

`connector.GbizinfoConnector` asks the gBizINFO REST API (domain.md §5) for one 法人番号 with the
user's API token; sandbox mode answers from `fixtures/hojin.json` in the same response format.
"""
