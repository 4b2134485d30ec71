"""安澜 Anlan — integrated emergency-management platform for a Chinese county or district."""

__version__ = "0.1.0"
