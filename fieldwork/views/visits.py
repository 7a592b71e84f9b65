"""Pages of field visits, their briefing, the opinions heard and the opinion search."""
