"""Every read of field work, scoped to the user: `calendar` (entries, the share, meetings) and `visits`."""
