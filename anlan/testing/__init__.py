"""Test kit: named personas per role, the registry base test class, query-count and Excel helpers.

Import from tests only; nothing here runs in production.
"""
