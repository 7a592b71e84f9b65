"""Forms of field work, by area: `calendar` and `visits`."""
