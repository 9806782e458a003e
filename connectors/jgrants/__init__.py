"""Jグランツ connector: 公募中の補助金 (public API) and, in sandbox mode only, 申請履歴.

`connector.JgrantsConnector` searches the Jグランツ public API (domain.md §4) with several broad
keywords, unions the hits by `id`, reads each call's detail and yields `SupportMeasureRecord`s.
Jグランツ has no public API for a business's applications, so 申請履歴 comes only from
`fixtures/applications.json` in sandbox mode; sandbox measures come from `fixtures/subsidies.json`
and `fixtures/subsidy_details.json`, written in the real list and detail response shapes.
"""
