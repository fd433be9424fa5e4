"""A second correct solution of tasks_both_ways, written differently from the reference: the einsum model and
rng.choice training of pretrain_both_ways' alternative, Gumbel-max sampling (argmax of logits + Gumbel noise) for
both continuations, and cloze answers ranked row by row from log-probabilities with an explicit first-wins loop."""

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
    if T and not mask.any(axis=1).all():
        raise ValueError("attn_mask: a query row allows no key")
    return p, ids, mask


def _run(p, ids, mask):
    T = ids.shape[1]
    x = np.take(p["tok"], ids, axis=0) + p["pos"][np.newaxis, :T]
    q = np.einsum("btd,de->bte", x, p["wq"])
    k = np.einsum("btd,de->bte", x, p["wk"])
    v = np.einsum("btd,de->bte", x, p["wv"])
    scores = np.einsum("bie,bje->bij", q, k) / np.sqrt(x.shape[-1]) + np.where(mask, 0.0, -np.inf)
    w = np.exp(scores - np.max(scores, axis=2, keepdims=True))
    w /= np.sum(w, axis=2, keepdims=True)
    att = np.einsum("bij,bje->bie", w, v)
    h = x + np.einsum("bte,ef->btf", att, p["wo"])
    return np.einsum("btf,fv->btv", h, p["out"]), (x, q, k, v, w, att, h)


def forward(params, ids, attn_mask):
    p, ids, mask = _validated(params, ids, attn_mask)
    return _run(p, ids, mask)[0]


def loss_and_grads(params, ids, attn_mask, targets):
    p, ids, mask = _validated(params, ids, attn_mask)
    targets = np.asarray(targets)
    if targets.shape != ids.shape or not np.issubdtype(targets.dtype, np.integer):
        raise ValueError("targets: expected integers with the shape of ids")
    V, d = p["tok"].shape
    keep = targets != -100
    if (keep & ((targets < 0) | (targets >= V))).any():
        raise ValueError("targets: every target must be in [0, V) or -100")
    count = int(keep.sum())
    if count == 0:
        return float("nan"), {name: np.zeros_like(p[name]) for name in NAMES}
    logits, (x, q, k, v, w, att, h) = _run(p, ids, mask)
    shifted = logits - logits.max(axis=2, keepdims=True)
    logz = np.log(np.exp(shifted).sum(axis=2))
    onehot = np.eye(V)[np.where(keep, targets, 0)] * keep[..., None]
    loss = float(np.sum(logz * keep) - np.sum(shifted * onehot)) / count
    dlogits = (np.exp(shifted - logz[..., None]) * keep[..., None] - onehot) / count
    dh = np.einsum("btv,fv->btf", dlogits, p["out"])
    datt = np.einsum("btf,ef->bte", dh, p["wo"])
    dw = np.einsum("bie,bje->bij", datt, v)
    dscores = (w * dw - w * np.einsum("bij,bij->bi", w, dw)[..., None]) / np.sqrt(d)
    dq = np.einsum("bij,bje->bie", dscores, k)
    dk = np.einsum("bij,bie->bje", dscores, q)
    dv = np.einsum("bij,bie->bje", w, datt)
    dx = dh + np.einsum("bte,de->btd", dq, p["wq"]) + np.einsum("bte,de->btd", dk, p["wk"]) \
        + np.einsum("bte,de->btd", dv, p["wv"])
    grads = {
        "out": np.einsum("btf,btv->fv", h, dlogits),
        "wo": np.einsum("bte,btf->ef", att, dh),
        "wq": np.einsum("btd,bte->de", x, dq),
        "wk": np.einsum("btd,bte->de", x, dk),
        "wv": np.einsum("btd,bte->de", x, dv),
        "tok": np.einsum("btv,btd->vd", np.eye(V)[ids], dx),
        "pos": np.zeros_like(p["pos"]),
    }
    grads["pos"][: ids.shape[1]] = np.einsum("btd->td", dx)
    return loss, grads

def _valid_run(data, steps, batch_size, lr):
    data = np.asarray(data)
    if data.ndim != 2 or not np.issubdtype(data.dtype, np.integer) or len(data) == 0 or data.shape[1] < 2:
        raise ValueError("data: expected a 2-D integer array with N >= 1 rows and T >= 2")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError("steps: expected an int >= 0")
    if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError("batch_size: expected an int >= 1")
    if lr <= 0:
        raise ValueError("lr: expected a positive learning rate")
    return data


def _adam(params, steps, lr, next_batch):
    names = list(NAMES)
    weights = [np.array(params[n], dtype=np.float64) for n in names]
    first = [np.zeros(w.shape) for w in weights]
    second = [np.zeros(w.shape) for w in weights]
    for step in range(steps):
        inputs, mask, targets = next_batch()
        _, g = loss_and_grads(dict(zip(names, weights, strict=True)), inputs, mask, targets)
        c1, c2 = 1.0 - 0.9 ** (step + 1), 1.0 - 0.999 ** (step + 1)
        for i, n in enumerate(names):
            first[i] = 0.9 * first[i] + 0.1 * g[n]
            second[i] = 0.999 * second[i] + 0.001 * np.square(g[n])
            weights[i] = weights[i] - lr * (first[i] / c1) / (np.sqrt(second[i] / c2) + 1e-8)
    return dict(zip(names, weights, strict=True))


def train_clm(params, data, rng, *, steps, batch_size, lr):
    data = _valid_run(data, steps, batch_size, lr)
    T = data.shape[1]
    tri = np.tril(np.ones((T, T), dtype=bool))

    def next_batch():
        rows = data[rng.choice(len(data), size=batch_size, replace=True)]
        shifted = np.concatenate([rows[:, 1:], np.full((batch_size, 1), -100)], axis=1)
        return rows, tri, shifted

    return _adam(params, steps, lr, next_batch)


def train_mlm(params, data, rng, *, steps, batch_size, lr, mask_id, vocab_size, mlm_probability=0.15,
              mask_replace_prob=0.8, random_replace_prob=0.1):
    data = _valid_run(data, steps, batch_size, lr)
    if mlm_probability < 0 or mlm_probability > 1:
        raise ValueError("mlm_probability: expected a probability in [0, 1]")
    if mask_replace_prob < 0 or random_replace_prob < 0 or mask_replace_prob + random_replace_prob > 1:
        raise ValueError("mask_replace_prob / random_replace_prob: expected shares >= 0 with a sum <= 1")
    if mask_id < 0 or mask_id >= vocab_size:
        raise ValueError("mask_id: expected an id in [0, vocab_size)")
    T = data.shape[1]
    full = np.ones((T, T), dtype=bool)
    shares = [mask_replace_prob, random_replace_prob, max(0.0, 1.0 - mask_replace_prob - random_replace_prob)]
    shares = np.array(shares) / sum(shares)

    def next_batch():
        rows = data[rng.choice(len(data), size=batch_size, replace=True)]
        chosen = rng.random(rows.shape) < mlm_probability
        how = rng.choice(3, size=rows.shape, p=shares)
        noise = rng.integers(0, vocab_size, size=rows.shape)
        corrupted = np.where(chosen & (how == 0), mask_id, np.where(chosen & (how == 1), noise, rows))
        labels = np.full(rows.shape, -100, dtype=np.int64)
        labels[chosen] = rows[chosen]
        return corrupted, full, labels

    return _adam(params, steps, lr, next_batch)


def _rows(texts, name, params):
    texts = np.asarray(texts)
    if texts.ndim != 2 or not np.issubdtype(texts.dtype, np.integer) or len(texts) == 0:
        raise ValueError(f"{name}: expected a non-empty 2-D integer array")
    if texts.shape[1] == 0 or texts.shape[1] > np.shape(params["pos"])[0]:
        raise ValueError(f"{name}: expected between 1 and T_max columns")
    return np.array(texts, dtype=np.int64)


def _length(params, prompts, length):
    if isinstance(length, bool) or not isinstance(length, (int, np.integer)) or length < 0:
        raise ValueError("length: expected an int >= 0")
    if prompts.shape[1] + length > np.shape(params["pos"])[0]:
        raise ValueError("length: prompts.shape[1] + length must be <= T_max")


def _mask_id(params, mask_id):
    if isinstance(mask_id, bool) or not isinstance(mask_id, (int, np.integer)):
        raise ValueError("mask_id: expected an int")
    if mask_id < 0 or mask_id >= np.shape(params["tok"])[0]:
        raise ValueError("mask_id: not a token id")


def _gumbel_pick(logits, rng):
    return np.argmax(logits - np.log(-np.log(rng.random(logits.shape))), axis=-1).astype(np.int64)


def continue_clm(params, prompts, length, rng):
    seqs = _rows(prompts, "prompts", params)
    _length(params, seqs, length)
    for _ in range(length):
        T = seqs.shape[1]
        last = forward(params, seqs, np.tril(np.ones((T, T), dtype=bool)))[:, -1]
        seqs = np.hstack([seqs, _gumbel_pick(last, rng)[:, None]])
    return seqs


def continue_mlm(params, prompts, length, rng, mask_id):
    seqs = _rows(prompts, "prompts", params)
    _length(params, seqs, length)
    _mask_id(params, mask_id)
    if length == 0:
        return seqs
    P = seqs.shape[1]
    padded = np.hstack([seqs, np.full((len(seqs), length), mask_id, dtype=np.int64)])
    scores = forward(params, padded, np.ones((P + length, P + length), dtype=bool))[:, P:]
    return np.hstack([seqs, _gumbel_pick(scores, rng)])


def _question(params, texts, position, candidates, lowest):
    texts = _rows(texts, "texts", params)
    if isinstance(position, bool) or not isinstance(position, (int, np.integer)):
        raise ValueError("position: expected an int")
    if position < lowest or position >= texts.shape[1]:
        raise ValueError(f"position: expected {lowest} <= position < T")
    cands = np.asarray(candidates)
    if cands.ndim != 1 or len(cands) == 0 or not np.issubdtype(cands.dtype, np.integer):
        raise ValueError("candidates: expected a non-empty 1-D integer array")
    if ((cands < 0) | (cands >= np.shape(params["tok"])[0])).any() or len(set(cands.tolist())) != len(cands):
        raise ValueError("candidates: expected distinct ids in [0, V)")
    return texts, int(position), [int(c) for c in cands]


def _first_best(logp_row, cands):
    best = cands[0]
    for c in cands[1:]:
        if logp_row[c] > logp_row[best]:
            best = c
    return best


def _log_probs(logits):
    top = logits.max(axis=-1, keepdims=True)
    return logits - top - np.log(np.exp(logits - top).sum(axis=-1, keepdims=True))


def cloze_clm(params, texts, position, candidates):
    texts, position, cands = _question(params, texts, position, candidates, 1)
    T = texts.shape[1]
    lp = _log_probs(forward(params, texts, np.tril(np.ones((T, T), dtype=bool)))[:, position - 1])
    return np.array([_first_best(row, cands) for row in lp], dtype=np.int64)


def cloze_mlm(params, texts, position, candidates, mask_id):
    texts, position, cands = _question(params, texts, position, candidates, 0)
    _mask_id(params, mask_id)
    T = texts.shape[1]
    hidden = np.where(np.arange(T) == position, mask_id, texts)
    lp = _log_probs(forward(params, hidden, np.ones((T, T), dtype=bool))[:, position])
    return np.array([_first_best(row, cands) for row in lp], dtype=np.int64)
