"""The platform both apps build on (DESIGN.md §2, docs/architecture.md).

API plumbing (``api/``: errors, keyset pagination, permissions, schema,
parsers, fields, idempotency), audit events, background jobs, actors and change
diffs. This package imports neither ``contacts`` nor ``interactions``; the apps
import it. import-linter enforces that (``make lint``).
"""
