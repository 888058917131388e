"""The `[devis]` settings of relance.toml: when an expired quote is followed up, how often, how many times."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class QuoteRules:
    """When a quote still pending past its validity date is proposed for a follow-up."""

    delay_days: int = 0  # days after the validity date before the first follow-up (`delai_jours`)
    interval_days: int = 15  # at least this many days between two follow-ups (`intervalle_jours`)
    max_follow_ups: int = 2  # after this many, the quote is no longer proposed (`relances_max`)


# Key of [devis] in relance.toml -> field of QuoteRules.
QUOTE_KEYS = {
    "delai_jours": "delay_days",
    "intervalle_jours": "interval_days",
    "relances_max": "max_follow_ups",
}
