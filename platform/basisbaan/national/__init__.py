"""Cross-municipality comparison from aggregates only (a later issue)."""
