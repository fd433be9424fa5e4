"""T5 random-spans noise mask. Read the statement with `judge show t5_noise_mask`."""

import numpy as np


def t5_noise_mask(length: int, *, noise_density: float = 0.15, mean_noise_span_length: float = 3.0,
                  rng: np.random.Generator) -> np.ndarray:
    """Bool (length,) noise mask: num_spans non-noise runs and num_spans noise runs, alternating,
    starting with non-noise and ending with noise; every split into non-empty runs equally likely.

    num_noise = round(length * noise_density) clamped to [1, length - 1];
    num_spans = max(1, round(num_noise / mean_noise_span_length)), at most length - num_noise.
    """
    raise NotImplementedError("t5_noise_mask is not implemented yet")
