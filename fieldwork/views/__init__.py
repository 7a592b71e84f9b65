"""Pages of field work: `calendar` (calendars, the share, meetings, feeds) and `visits` (visits, opinions)."""
