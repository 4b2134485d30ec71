"""Computed indicators, one module per source app; importing this package registers them all (kpi.apps)."""
