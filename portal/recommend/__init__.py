"""おすすめ: measures and cases pushed to each business, each with its reason in Japanese.

Three methods and a blend (product.md feature 4):

- `profile` — the interests chosen on マイページ plus 業種, 地域, size and fit conditions;
  `eligible_reasons` says why a measure suits a business, or None when it cannot use it.
- `collaborative` — item-to-item collaborative filtering over the event log (cosine over the sets
  of people who showed interest in each item), with a popularity fallback for cold starts.
- `locaben` — weak indicators of the latest ロカベン report point to measures that address them,
  with a simple simulation of what the indicator and score would become.
- `blend` — merges the lists, keeping every reason and showing each item once.

`evaluation` measures the methods offline on an event log; `synth` makes such a log.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    """The event log, the おすすめ pages and fragments, and the interests page of マイページ."""
    from portal.events import init_events
    from portal.events.views import bp as events
    from portal.recommend.views import bp as recommend

    init_events(app)
    app.register_blueprint(events)
    app.register_blueprint(recommend)
