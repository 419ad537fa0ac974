"""A small portfolio whose scores under a champion-only definition are known by hand, with
stored scores of the active (built-in) version on one day, shared by the definition tests."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from hatake.core.runtime import Runtime
from hatake.health.definition import default_definition
from tests.health.scored import store_day
from tests.helpers import create_account, create_contact, create_subscription

DAY = date(2026, 11, 1)

# Every account under contract scores 100 (champion) or 0 (none) with this document.
CHAMPION_ONLY = """version: "test-champion.1"
name: Champion only
grades:
  - {key: healthy, label_ja: 良好, label_en: Healthy, colour: "#2e7d32", min: 70}
  - {key: neutral, label_ja: 注意, label_en: Neutral, colour: "#f9a825", min: 40}
  - {key: at_risk, label_ja: 危険, label_en: At risk, colour: "#c62828", min: 0}
profiles:
  - key: default
    groups:
      - key: relationship
        weight: 1
        factors:
          - {metric: champion_present, weight: 1,
             function: {kind: thresholds, below: 0, steps: [{min: 1, points: 100}]}}
"""

# Two problems: a colour that is no colour and a weight of zero.
BROKEN = CHAMPION_ONLY.replace('colour: "#2e7d32"', "colour: green").replace(
    "champion_present, weight: 1", "champion_present, weight: 0"
)
# Valid in form, but it names a metric hatake does not know.
UNKNOWN_METRIC = CHAMPION_ONLY.replace("metric: champion_present", "metric: happiness")


def seed_portfolio(session: Session, runtime: Runtime) -> dict[str, int]:
    """A (champion, stored healthy 80), B (champion, stored neutral 50), C (no champion, stored
    at risk 10), D (champion, not stored), E (stored healthy 90, no contract any more).

    With CHAMPION_ONLY on DAY: A healthy 100 (+20), B healthy 100 (+50), C at risk 0 (-10),
    D - → healthy, E healthy → -. Grade changes: B, D, E (3); mean change (20+50-10)/3 = 20."""
    ids = {}
    for key, champion in (("A", True), ("B", True), ("C", False), ("D", True)):
        account = create_account(session, external_id=f"P-{key}", name=f"株式会社プレビュー{key}")
        create_subscription(session, account, start_date=date(2026, 1, 1))
        if champion:
            create_contact(session, account, is_champion=True, created_on=date(2026, 1, 1))
        ids[key] = account.id
    ids["E"] = create_account(session, external_id="P-E", name="株式会社プレビューE").id
    session.commit()
    store_day(
        runtime.analytics(),
        DAY,
        default_definition().version,
        {"P-A": (80.0, "healthy"), "P-B": (50.0, "neutral"), "P-C": (10.0, "at_risk"),
         "P-E": (90.0, "healthy")},
    )  # fmt: skip
    return ids
