"""The judge command (presentation: never changes a grade): learner and instructor commands, history, hints,
progress."""
