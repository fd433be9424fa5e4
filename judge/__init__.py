"""lm-judge: exercises and an isolated judge for causal vs masked LM pretraining."""

__version__ = "0.1.0"
