"""Feedback (presentation: never changes a grade): how a result is shown, its repeated messages said once."""
