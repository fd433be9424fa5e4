"""Mutant: T5's span count without the cap at num_nonnoise: more spans than non-noise tokens to split."""

import numpy as np


def _random_segmentation(num_items, num_segments, rng):
    """Run lengths of a uniformly random split of num_items into num_segments non-empty runs."""
    cuts = np.sort(rng.choice(num_items - 1, size=num_segments - 1, replace=False)) + 1
    return np.diff(np.concatenate([[0], cuts, [num_items]]))


def t5_noise_mask(length, *, noise_density=0.15, mean_noise_span_length=3.0, rng):
    if length < 2:
        raise ValueError(f"length must be >= 2, got {length}")
    if not 0.0 <= noise_density <= 1.0:
        raise ValueError(f"noise_density must be in [0, 1], got {noise_density}")
    if mean_noise_span_length < 1:
        raise ValueError(f"mean_noise_span_length must be >= 1, got {mean_noise_span_length}")
    num_noise = min(max(round(length * noise_density), 1), length - 1)
    num_nonnoise = length - num_noise
    num_spans = max(1, round(num_noise / mean_noise_span_length))
    noise_lengths = _random_segmentation(num_noise, num_spans, rng)
    nonnoise_lengths = _random_segmentation(num_nonnoise, num_spans, rng)
    run_lengths = np.stack([nonnoise_lengths, noise_lengths], axis=1).reshape(-1)
    run_is_noise = np.tile([False, True], num_spans)
    return np.repeat(run_is_noise, run_lengths)
