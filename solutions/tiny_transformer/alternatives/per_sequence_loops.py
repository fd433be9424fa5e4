"""A second correct solution of tiny_transformer, written differently from the reference: one sequence at a
time with 2-D matrices, an additive -inf mask, one-hot matrices for the embedding gradients, and the softmax
backward as a Jacobian-vector product per query."""

import numpy as np

NAMES = ["tok", "pos", "wq", "wk", "wv", "wo", "out"]


def _validated(params, ids, attn_mask):
    for name in NAMES:
        if name not in params:
            raise ValueError(f"params: missing key {name!r}")
    p = {name: np.array(params[name], dtype=np.float64) for name in NAMES}
    ids = np.asarray(ids)
    if ids.ndim != 2 or not np.issubdtype(ids.dtype, np.integer):
        raise ValueError("ids: expected a 2-D integer array")
    if ((ids < 0) | (ids >= p["tok"].shape[0])).any():
        raise ValueError("ids: every id must be in [0, V)")
    if ids.shape[1] > p["pos"].shape[0]:
        raise ValueError("ids: more positions than rows in params['pos']")
    mask = np.asarray(attn_mask)
    T = ids.shape[1]
    if mask.dtype != bool or mask.shape != (T, T):
        raise ValueError("attn_mask: expected a bool (T, T) array")
    if not all(mask[i].any() for i in range(T)):
        raise ValueError("attn_mask: a query row allows no key")
    return p, ids, mask


def _one_sequence(p, row, additive):
    T = len(row)
    d = p["tok"].shape[1]
    x = p["tok"][row] + p["pos"][:T]
    q = x @ p["wq"]
    k = x @ p["wk"]
    v = x @ p["wv"]
    scores = (q @ k.T) * (1.0 / np.sqrt(d)) + additive
    scores = scores - np.max(scores, axis=1, keepdims=True)
    w = np.exp(scores)
    w = w / np.sum(w, axis=1, keepdims=True)
    att = w @ v
    h = x + att @ p["wo"]
    return h @ p["out"], (x, q, k, v, w, att, h)


def forward(params, ids, attn_mask):
    p, ids, mask = _validated(params, ids, attn_mask)
    additive = np.where(mask, 0.0, -np.inf)
    return np.stack([_one_sequence(p, row, additive)[0] for row in ids]).reshape(
        ids.shape[0], ids.shape[1], p["out"].shape[1])


def loss_and_grads(params, ids, attn_mask, targets):
    p, ids, mask = _validated(params, ids, attn_mask)
    targets = np.asarray(targets)
    if targets.shape != ids.shape or not np.issubdtype(targets.dtype, np.integer):
        raise ValueError("targets: expected integers with the shape of ids")
    V, d = p["tok"].shape
    if ((targets != -100) & ((targets < 0) | (targets >= V))).any():
        raise ValueError("targets: every target must be in [0, V) or -100")
    count = int(np.count_nonzero(targets != -100))
    grads = {name: np.zeros_like(p[name]) for name in NAMES}
    if count == 0:
        return float("nan"), grads
    additive = np.where(mask, 0.0, -np.inf)
    total = 0.0
    T = ids.shape[1]
    for row, tgt in zip(ids, targets, strict=True):
        logits, (x, q, k, v, w, att, h) = _one_sequence(p, row, additive)
        shifted = logits - logits.max(axis=1, keepdims=True)
        probs = np.exp(shifted)
        probs /= probs.sum(axis=1, keepdims=True)
        dlogits = np.zeros_like(logits)
        for t in range(T):
            if tgt[t] == -100:
                continue
            total -= shifted[t, tgt[t]] - np.log(np.exp(shifted[t]).sum())
            dlogits[t] = probs[t]
            dlogits[t, tgt[t]] -= 1.0
        dlogits /= count
        grads["out"] += h.T @ dlogits
        dh = dlogits @ p["out"].T
        grads["wo"] += att.T @ dh
        datt = dh @ p["wo"].T
        dw = datt @ v.T
        dv = w.T @ datt
        dscores = np.empty_like(dw)
        for i in range(T):
            jac = np.diag(w[i]) - np.outer(w[i], w[i])
            dscores[i] = jac @ dw[i]
        dscores *= 1.0 / np.sqrt(d)
        dq = dscores @ k
        dk = dscores.T @ q
        grads["wq"] += x.T @ dq
        grads["wk"] += x.T @ dk
        grads["wv"] += x.T @ dv
        dx = dh + dq @ p["wq"].T + dk @ p["wk"].T + dv @ p["wv"].T
        onehot = np.eye(V)[row]
        grads["tok"] += onehot.T @ dx
        grads["pos"][:T] += dx
    return float(total / count), grads
