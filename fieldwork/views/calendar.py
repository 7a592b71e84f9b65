"""Pages of the work calendar, the field-time share and meetings, and the iCalendar feeds."""
