"""Mutant: train_clm's targets are the input tokens themselves: the causal LM learns to copy.

Feedback: "L is decided by the token before it"
"""

import numpy as np
from pretrain_both_ways import _adam_train, _check_training, train_mlm
from tiny_transformer import forward, loss_and_grads


def train_clm(params, data, rng, *, steps, batch_size, lr):
    data = _check_training(data, steps, batch_size, lr)
    seq_len = data.shape[1]
    causal = np.tril(np.ones((seq_len, seq_len), dtype=bool))

    def make_batch():
        batch = data[rng.integers(0, data.shape[0], size=batch_size)]
        targets = np.full_like(batch, -100)
        targets[:, :] = batch
        return batch, causal, targets

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
