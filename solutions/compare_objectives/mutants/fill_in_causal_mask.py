"""Mutant: fill_in_report evaluates the masked LM under the causal mask (no right context).

Feedback: "fill_in_report['loss']"
"""

import numpy as np

KEYS = ("tok", "pos", "wq", "wk", "wv", "wo", "out")


def _check(params, ids, attn_mask):
    missing = [k for k in KEYS if k not in params]
    if missing:
        raise ValueError(f"params is missing {missing}")
    p = {k: np.asarray(params[k], dtype=np.float64) for k in KEYS}
    ids = np.asarray(ids)
    vocab, d = p["tok"].shape
    if ids.ndim != 2 or ids.dtype.kind not in "iu":
        raise ValueError(f"ids must be a 2-D integer array (B, T), got {ids.dtype} {ids.shape}")
    if ids.size and (ids.min() < 0 or ids.max() >= vocab):
        raise ValueError(f"ids must be in [0, {vocab})")
    t = ids.shape[1]
    if t > p["pos"].shape[0]:
        raise ValueError(f"ids has {t} positions but params['pos'] only {p['pos'].shape[0]}")
    mask = np.asarray(attn_mask)
    if mask.dtype != np.bool_ or mask.shape != (t, t):
        raise ValueError(f"attn_mask must be a bool array of shape ({t}, {t}), got {mask.dtype} {mask.shape}")
    if t and not mask.any(axis=1).all():
        raise ValueError("attn_mask has a query row with no allowed key")
    return p, ids.astype(np.int64), mask


def _forward(p, ids, mask):
    t = ids.shape[1]
    d = p["tok"].shape[1]
    x = p["tok"][ids] + p["pos"][:t]
    q, k, v = x @ p["wq"], x @ p["wk"], x @ p["wv"]
    s = np.where(mask, q @ k.transpose(0, 2, 1) / np.sqrt(d), -np.inf)
    e = np.exp(s - s.max(axis=-1, keepdims=True))
    a = e / e.sum(axis=-1, keepdims=True)
    o = a @ v
    h = x + o @ p["wo"]
    return h @ p["out"], (x, q, k, v, a, o, h)


def forward(params, ids, attn_mask):
    p, ids, mask = _check(params, ids, attn_mask)
    return _forward(p, ids, mask)[0]


def loss_and_grads(params, ids, attn_mask, targets):
    p, ids, mask = _check(params, ids, attn_mask)
    targets = np.asarray(targets)
    if targets.shape != ids.shape or targets.dtype.kind not in "iu":
        raise ValueError(f"targets must be integers of shape {ids.shape}, got {targets.dtype} {targets.shape}")
    vocab, d = p["tok"].shape
    valid = targets != -100
    if np.any(valid & ((targets < 0) | (targets >= vocab))):
        raise ValueError(f"targets must be in [0, {vocab}) or -100")
    logits, (x, q, k, v, a, o, h) = _forward(p, ids, mask)
    n = int(valid.sum())
    z = logits - logits.max(axis=-1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    safe = np.where(valid, targets, 0).astype(np.int64)
    picked = np.take_along_axis(logp, safe[..., None], axis=-1)[..., 0]
    loss = float(-picked[valid].sum() / n) if n else float("nan")

    g = np.exp(logp)
    np.put_along_axis(g, safe[..., None], np.take_along_axis(g, safe[..., None], axis=-1) - 1.0, axis=-1)
    g = np.where(valid[..., None], g, 0.0) / max(n, 1)        # dloss/dlogits
    grads = {"out": np.einsum("btd,btv->dv", h, g)}
    dh = g @ p["out"].T
    grads["wo"] = np.einsum("btd,bte->de", o, dh)
    do = dh @ p["wo"].T
    da = do @ v.transpose(0, 2, 1)
    dv = a.transpose(0, 2, 1) @ do
    ds = a * (da - (da * a).sum(axis=-1, keepdims=True)) / np.sqrt(d)
    dq = ds @ k
    dk = ds.transpose(0, 2, 1) @ q
    grads["wq"] = np.einsum("btd,bte->de", x, dq)
    grads["wk"] = np.einsum("btd,bte->de", x, dk)
    grads["wv"] = np.einsum("btd,bte->de", x, dv)
    dx = dh + dq @ p["wq"].T + dk @ p["wk"].T + dv @ p["wv"].T
    grads["tok"] = np.zeros_like(p["tok"])
    np.add.at(grads["tok"], ids, dx)
    grads["pos"] = np.zeros_like(p["pos"])
    grads["pos"][: ids.shape[1]] = dx.sum(axis=0)
    return loss, {key: grads[key] for key in KEYS}


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
        random = selected & (u >= mask_replace_prob) & (u < mask_replace_prob + random_replace_prob)
        inputs[random] = rng.integers(0, vocab_size, size=int(random.sum()))
        targets = np.where(selected, batch, -100)         # the original token, at its own position
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
    everything = np.tril(np.ones((seq_len, seq_len), dtype=bool))
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
