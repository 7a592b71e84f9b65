"""Synthetic field work data for `coso seed-scale` and its benchmark scenarios (`coso bench`)."""

# --- visits and opinions
from fieldwork import scale_visits  # noqa: F401  (registers the seeder and the scenarios)
