"""Incident pages (workspace, command map, field order page) are added in views.py."""
