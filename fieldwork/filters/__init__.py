"""FilterSets of field work, one per list, by area: `calendar` and `visits`."""
