"""Cơ Sở: the project package."""
