"""Every write of field work: `calendar` (entries, their days, feeds, targets) and `visits`."""
