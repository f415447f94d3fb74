"""Audit log: who read, exported, merged or erased a participant's data."""
