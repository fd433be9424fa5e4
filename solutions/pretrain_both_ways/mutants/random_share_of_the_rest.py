"""Mutant: random_replace_prob read as the share of the selected tokens left after [MASK] (a second
independent draw), so 80/10/10 becomes 80/2/18. Hugging Face's collator converts it the other way:
random_replace_prob / (1 - mask_replace_prob) of the rest (transformers PR #35251).

Feedback: "random_replace_prob is a share of ALL selected tokens"
"""

import numpy as np
from tiny_transformer import forward, loss_and_grads

KEYS = ("tok", "pos", "wq", "wk", "wv", "wo", "out")


def _adam_train(params, steps, lr, make_batch):
    """Plain Adam (beta1 0.9, beta2 0.999, eps 1e-8, bias-corrected), one make_batch() per step."""
    p = {key: np.array(params[key], dtype=np.float64) for key in KEYS}
    m = {key: np.zeros_like(p[key]) for key in KEYS}
    v = {key: np.zeros_like(p[key]) for key in KEYS}
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        inputs, attn_mask, targets = make_batch()
        _, grads = loss_and_grads(p, inputs, attn_mask, targets)
        for key in KEYS:
            m[key] = beta1 * m[key] + (1 - beta1) * grads[key]
            v[key] = beta2 * v[key] + (1 - beta2) * grads[key] ** 2
            m_hat = m[key] / (1 - beta1 ** t)
            v_hat = v[key] / (1 - beta2 ** t)
            p[key] = p[key] - lr * m_hat / (np.sqrt(v_hat) + eps)
    return p


def _check_training(data, steps, batch_size, lr):
    data = np.asarray(data)
    if data.ndim != 2 or data.dtype.kind not in "iu" or data.shape[0] < 1 or data.shape[1] < 2:
        raise ValueError(f"data must be a 2-D integer array with >= 1 row and >= 2 columns, got {data.shape}")
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"steps must be an int >= 0, got {steps!r}")
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be an int >= 1, got {batch_size!r}")
    if not lr > 0:
        raise ValueError(f"lr must be > 0, got {lr!r}")
    return data.astype(np.int64)


def train_clm(params, data, rng, *, steps, batch_size, lr):
    data = _check_training(data, steps, batch_size, lr)
    seq_len = data.shape[1]
    causal = np.tril(np.ones((seq_len, seq_len), dtype=bool))

    def make_batch():
        batch = data[rng.integers(0, data.shape[0], size=batch_size)]
        targets = np.full_like(batch, -100)
        targets[:, :-1] = batch[:, 1:]                    # logits at t predict the token at t + 1
        return batch, causal, targets

    return _adam_train(params, steps, lr, make_batch)


def train_mlm(params, data, rng, *, steps, batch_size, lr, mask_id, vocab_size, mlm_probability=0.15,
              mask_replace_prob=0.8, random_replace_prob=0.1):
    data = _check_training(data, steps, batch_size, lr)
    if not 0.0 <= mlm_probability <= 1.0:
        raise ValueError(f"mlm_probability must be in [0, 1], got {mlm_probability}")
    if not (0.0 <= mask_replace_prob and 0.0 <= random_replace_prob
            and mask_replace_prob + random_replace_prob <= 1.0):
        raise ValueError("mask_replace_prob and random_replace_prob must be >= 0 with a sum <= 1")
    if not 0 <= mask_id < vocab_size:
        raise ValueError(f"mask_id must be in [0, vocab_size), got {mask_id}")
    seq_len = data.shape[1]
    everything = np.ones((seq_len, seq_len), dtype=bool)

    def make_batch():
        batch = data[rng.integers(0, data.shape[0], size=batch_size)]
        selected = rng.random(batch.shape) < mlm_probability
        u = rng.random(batch.shape)
        inputs = batch.copy()
        inputs[selected & (u < mask_replace_prob)] = mask_id
        random = selected & (u >= mask_replace_prob) & (rng.random(batch.shape) < random_replace_prob)
        inputs[random] = rng.integers(0, vocab_size, size=int(random.sum()))
        targets = np.where(selected, batch, -100)         # the original token, at its own position
        return inputs, everything, targets

    return _adam_train(params, steps, lr, make_batch)
