"""ローカルベンチマーク（経営カルテ）: the six indicators of METI's ロカベンシート, their scores, chart and
dialogue sheets (product.md feature 9, locaben.md).

`portal.locaben.calc` is the calculation (pure functions, no Flask), `portal.locaben.baseline` the
shipped thresholds and industry tables, `portal.locaben.reports` the saved reports, and the views
(`views`, `api`) parse requests and render.
"""
