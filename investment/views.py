"""Pages of public investment, on the toolkit (core.toolkit)."""
