"""Reads of field visits and opinions, and the opinion search."""
