"""Reads of the reports: every figure comes from the other apps' selectors, scoped to the reader."""
