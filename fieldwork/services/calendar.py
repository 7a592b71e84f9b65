"""Writes of the work calendar: entries and their days, feeds, the organisation's targets."""
