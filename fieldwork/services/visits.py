"""Writes of field visits and the opinions heard on them."""
