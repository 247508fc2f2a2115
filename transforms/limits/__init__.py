"""Bounds on what one input may cost: checked before parsing (guards) and while cleaning (watchdog)."""
