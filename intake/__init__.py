"""Intake: what a run reads. scan (walk the inbox) → plan (pure) → read (bytes, as values)."""
