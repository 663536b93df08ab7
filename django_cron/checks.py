"""System checks (placeholder until the scheduler core lands)."""
