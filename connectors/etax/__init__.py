"""e-Tax connector: 法人税申告に添付した財務諸表 CSV (HOT010 貸借対照表・損益計算書) → 事業財務情報.

The user uploads the CSV files e-Tax produced (domain.md §8); `connector.EtaxConnector` parses
them and yields one `FinancialPeriodRecord` per 期末日. Sandbox mode uses the sample files in
`fixtures/`, scaled deterministically by the 法人番号.
"""
