"""Narrative auto-coder."""
