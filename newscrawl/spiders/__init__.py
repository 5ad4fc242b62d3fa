"""Spiders of the newscrawl project."""
