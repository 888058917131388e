"""The domain of Relance, pure: records, settings and rules (no files, clock or environment)."""
