"""Reads of the work calendar, the field-time share and meetings."""
