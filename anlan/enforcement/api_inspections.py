"""API of one part of the enforcement app (CONTRACT.md), registered with core.api.router."""
