"""Mutant: sums the position gradient into one row per batch row instead of per position.

Feedback: "grads['pos']"
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
    grads["pos"][: ids.shape[0]] = dx.sum(axis=1)
    return loss, {key: grads[key] for key in KEYS}
