"""Authoring (presentation: never changes a grade): judge validate, statement examples, judge new, limits
measured against the reference."""
