"""Mutant: train_mlm's targets are the corrupted inputs, not the original tokens.

Feedback: "fill-in accuracy at R"
"""

import numpy as np
from pretrain_both_ways import train_clm
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
        random = selected & (u >= mask_replace_prob) & (u < mask_replace_prob + random_replace_prob)
        inputs[random] = rng.integers(0, vocab_size, size=int(random.sum()))
        targets = np.where(selected, inputs, -100)         # the original token, at its own position
        return inputs, everything, targets

    return _adam_train(params, steps, lr, make_batch)


def _log_softmax(logits):
    z = logits - logits.max(axis=-1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=-1, keepdims=True))


def _check_texts(params, texts, name="texts"):
    texts = np.asarray(texts)
    t_max = np.asarray(params["pos"]).shape[0]
    if texts.ndim != 2 or texts.dtype.kind not in "iu" or texts.shape[0] < 1 or not 1 <= texts.shape[1] <= t_max:
        raise ValueError(f"{name} must be a 2-D integer array with >= 1 row and 1..{t_max} columns, "
                         f"got {texts.dtype} {texts.shape}")
    return texts.astype(np.int64)


def _report(logp, texts, positions):
    seq_len = texts.shape[1]
    loss = np.full(seq_len, np.nan)
    accuracy = np.full(seq_len, np.nan)
    for t, row in positions:
        loss[t] = -logp[:, row, :][np.arange(texts.shape[0]), texts[:, t]].mean()
        accuracy[t] = (logp[:, row, :].argmax(axis=-1) == texts[:, t]).mean()
    return {"loss": loss, "accuracy": accuracy}


def next_token_report(params, texts):
    texts = _check_texts(params, texts)
    seq_len = texts.shape[1]
    logp = _log_softmax(forward(params, texts, np.tril(np.ones((seq_len, seq_len), dtype=bool))))
    return _report(logp, texts, [(t, t - 1) for t in range(1, seq_len)])   # token t from the output at t - 1


def fill_in_report(params, texts, mask_id):
    texts = _check_texts(params, texts)
    seq_len = texts.shape[1]
    if not 0 <= mask_id < np.asarray(params["tok"]).shape[0]:
        raise ValueError(f"mask_id must be a token id, got {mask_id}")
    everything = np.ones((seq_len, seq_len), dtype=bool)
    loss = np.full(seq_len, np.nan)
    accuracy = np.full(seq_len, np.nan)
    for t in range(seq_len):
        corrupted = texts.copy()
        corrupted[:, t] = mask_id                         # one blank at a time, the rest visible
        logp = _log_softmax(forward(params, corrupted, everything))
        part = _report(logp, texts, [(t, t)])
        loss[t], accuracy[t] = part["loss"][t], part["accuracy"][t]
    return {"loss": loss, "accuracy": accuracy}


def generate(params, prompts, length, rng, temperature=1.0):
    prompts = _check_texts(params, prompts, "prompts")
    if not isinstance(length, (int, np.integer)) or length < 0:
        raise ValueError(f"length must be an int >= 0, got {length!r}")
    if prompts.shape[1] + length > np.asarray(params["pos"]).shape[0]:
        raise ValueError(f"length {length} after {prompts.shape[1]} prompt tokens passes T_max")
    if not temperature > 0:
        raise ValueError(f"temperature must be > 0, got {temperature!r}")
    out = prompts.copy()
    for _ in range(length):
        seq_len = out.shape[1]
        logits = forward(params, out, np.tril(np.ones((seq_len, seq_len), dtype=bool)))[:, -1] / temperature
        probs = np.exp(_log_softmax(logits))
        u = rng.random((out.shape[0], 1))
        nxt = (u > np.cumsum(probs, axis=-1)).sum(axis=-1)    # inverse CDF, one uniform per row
        nxt = np.minimum(nxt, probs.shape[-1] - 1)
        out = np.concatenate([out, nxt[:, None]], axis=1)
    return out
