"""Hidden tests for compare_objectives.

The two reports are compared with the test's own evaluation (a forward pass written here, log-softmax in float64)
on random parameters; sampling is checked by chi-square goodness of fit at z = 7 against the probabilities that
the test computes (false failure below 1e-11 per check); the chapter's claims are checked end to end: your
training, your reports, your samples, against the Bayes table of the statement.

Claim bands. Upper bounds at the Bayes optimum hold for any model and are exact (Bernstein/Freedman on a
martingale sum of Bernoulli hits, proportion_band, false failure < 1e-10). Lower bounds near the optimum and the
loss ceilings depend on the training run; they are set below the spread of the reference over 300 seeds that the
tests do not use (bench/capstone_sweep.py prints it; numbers next to the constants), so they are empirical.
"""

import math

import numpy as np
import pytest

from judge.checkers import (
    CheckFailure,
    chi2_critical,
    expect_allclose,
    expect_array,
    expect_band,
    expect_raises,
    proportion_band,
)
from judge.checkers.case_ids import cases

KEYS = ("tok", "pos", "wq", "wk", "wv", "wo", "out")
V, MASK, D, T = 17, 16, 16, 8
CLM_RUN = {"steps": 400, "batch_size": 32, "lr": 0.02}
MLM_RUN = {"steps": 400, "batch_size": 64, "lr": 0.03}
EVAL_ROWS = 1000
LOG2, LOG4, LOG8 = math.log(2), math.log(4), math.log(8)
# Thresholds, from bench/capstone_sweep.py over 300 seeds the tests do not use (worst run, 99th percentile):
CLM_MIN_ACC_L = 0.9                 # accuracy at L: worst 1.000
CLM_MAX_LOSS = {1: 0.1,             # L: worst 0.005 (optimum 0)
                2: LOG4 + 0.25,     # R: worst 1.474 = log 4 + 0.088 (optimum log 4)
                3: LOG2 + 0.3}      # b: worst 0.796 = log 2 + 0.103 (optimum log 2)
MLM_MIN_ACC_R = 0.75                # fill-in accuracy at R: worst 0.915, 1st percentile 0.988
MLM_MAX_LOSS_R = 0.6                # fill-in loss at R: worst 0.164
# The masked LM's L is not asserted: mean 0.992, but 1% of runs are below 0.86 and the worst is 0.25 (this tiny
# model is sometimes slow to find its left neighbour through the [MASK]); the chapter's claim is about R.
MIN_VALID_SAMPLES = 0.8             # share of generated texts obeying every rule: worst 0.937


def language(seed, rows, blocks=2):
    """Texts of blocks [a, L, R, b]: a, b uniform in 0..7, L = 8 + a % 4, R = 12 + b // 2."""
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 8, size=(rows, blocks))
    b = rng.integers(0, 8, size=(rows, blocks))
    return np.stack([a, 8 + a % 4, 12 + b // 2, b], axis=-1).reshape(rows, 4 * blocks)


def init_params(seed, vocab=V, d=D, t_max=T, scale=1.0):
    rng = np.random.default_rng(seed)
    params = {"tok": rng.normal(scale=0.5 * scale, size=(vocab, d)),
              "pos": rng.normal(scale=0.5 * scale, size=(t_max, d)),
              "out": rng.normal(scale=scale * d ** -0.5, size=(d, vocab))}
    for key in ("wq", "wk", "wv", "wo"):
        params[key] = rng.normal(scale=scale * d ** -0.5, size=(d, d))
    return params


def model_logits(params, ids, mask):
    x = params["tok"][ids] + params["pos"][: ids.shape[1]]
    scores = np.einsum("bid,bjd->bij", x @ params["wq"], x @ params["wk"]) / math.sqrt(x.shape[-1])
    scores = np.where(mask, scores, -np.inf)
    weights = np.exp(scores - scores.max(axis=-1, keepdims=True))
    weights /= weights.sum(axis=-1, keepdims=True)
    h = x + np.einsum("bij,bjd->bid", weights, x @ params["wv"]) @ params["wo"]
    return h @ params["out"]


def log_probs(logits):
    m = logits.max(axis=-1, keepdims=True)
    return logits - m - np.log(np.exp(logits - m).sum(axis=-1, keepdims=True))


def trusted_report(params, texts, objective):
    """Per-position loss and accuracy of one objective, by the statement's definitions."""
    rows, t = texts.shape
    loss, acc = np.full(t, np.nan), np.full(t, np.nan)
    for pos in range(t):
        if objective == "next":
            if pos == 0:
                continue
            lp = log_probs(model_logits(params, texts[:, :pos], np.tril(np.ones((pos, pos), bool))))[:, -1]
        else:
            corrupted = texts.copy()
            corrupted[:, pos] = MASK
            lp = log_probs(model_logits(params, corrupted, np.ones((t, t), bool)))[:, pos]
        loss[pos] = -lp[np.arange(rows), texts[:, pos]].mean()
        acc[pos] = (lp.argmax(axis=-1) == texts[:, pos]).mean()
    return {"loss": loss, "accuracy": acc}


def check_report(got, expected, name):
    if not isinstance(got, dict) or set(got) != {"loss", "accuracy"}:
        raise CheckFailure.elided(f"{name} must return a dict with the keys 'loss' and 'accuracy'")
    expect_allclose(got["loss"], expected["loss"], rtol=1e-9, atol=1e-12, name=f"{name}['loss']")
    expect_allclose(got["accuracy"], expected["accuracy"], rtol=1e-12, atol=1e-12, name=f"{name}['accuracy']")


def kind_mean(values, kind, first=0):
    cols = [c for c in range(kind, len(values), 4) if c >= first]
    return float(np.mean(values[cols]))


def random_texts(seed, rows, t=T):
    return np.random.default_rng(seed).integers(0, MASK, size=(rows, t))


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_next_token_report_on_random_params(sol):
    """next_token_report equals the definition (token t from the output at t - 1; nan at t = 0)."""
    params = init_params(1, d=8, scale=2.0)
    texts = random_texts(2, 30)
    check_report(sol.next_token_report(params, texts), trusted_report(params, texts, "next"), "next_token_report")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_fill_in_report_on_random_params(sol):
    """fill_in_report equals the definition (one [MASK] at a time, all-True mask, read at that position)."""
    params = init_params(3, d=8, scale=2.0)
    texts = random_texts(4, 30)
    check_report(sol.fill_in_report(params, texts, MASK), trusted_report(params, texts, "fill"), "fill_in_report")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_reports_on_short_texts(sol):
    """Texts of 3 tokens (T < T_max): both reports by the definition."""
    params = init_params(5, d=8, scale=2.0)
    texts = random_texts(6, 12, t=3)
    check_report(sol.next_token_report(params, texts), trusted_report(params, texts, "next"), "next_token_report")
    check_report(sol.fill_in_report(params, texts, MASK), trusted_report(params, texts, "fill"), "fill_in_report")


def generate(sol, params, prompts, length, seed, **kw):
    out = sol.generate(params, prompts, length, np.random.default_rng(seed), **kw)
    if type(out) is not np.ndarray or out.dtype != np.int64 or out.shape != (prompts.shape[0],
                                                                             prompts.shape[1] + length):
        expect_array(out, np.zeros((prompts.shape[0], prompts.shape[1] + length), np.int64), name="generate(...)")
    expect_array(out[:, : prompts.shape[1]], prompts.astype(np.int64), name="the prompt part of generate(...)")
    return out


def expect_fits(counts, probs, name):
    """Chi-square goodness of fit at z = 7; categories expected below 5 are pooled."""
    counts = np.asarray(counts, dtype=np.float64)
    expected = probs * counts.sum()
    big = expected >= 5
    obs = list(counts[big]) + ([counts[~big].sum()] if (~big).any() else [])
    exp = list(expected[big]) + ([expected[~big].sum()] if (~big).any() else [])
    if len(exp) < 2:
        return
    stat = float(sum((o - e) ** 2 / e for o, e in zip(obs, exp, strict=True)))
    crit = chi2_critical(len(exp) - 1)
    if stat > crit:
        raise CheckFailure.elided(f"statistical check failed: {name} does not follow softmax(logits / temperature) "
                           f"(chi-square {stat:.1f} > {crit:.1f} over {int(counts.sum())} samples)")


@pytest.mark.points(2)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("temperature", [1.0, 0.5, 2.0], ids=cases())
def test_generate_first_token_distribution(sol, temperature):
    """The first sampled token follows softmax(logits at the last prompt position / temperature)."""
    params = init_params(7, d=8, scale=2.0)
    prompts = np.tile(np.array([[3, 9]]), (4000, 1))
    out = generate(sol, params, prompts, 1, 8, temperature=temperature)
    probs = np.exp(log_probs(model_logits(params, prompts[:1], np.tril(np.ones((2, 2), bool)))[0, -1]
                             / temperature))
    expect_fits(np.bincount(out[:, 2], minlength=V), probs, f"the first token at temperature {temperature}")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
def test_generate_conditions_on_its_own_samples(sol):
    """The second token follows the model's distribution given the prompt AND the first sampled token."""
    params = init_params(9, d=8, scale=2.0)
    prompts = np.full((4000, 1), 5)
    out = generate(sol, params, prompts, 2, 10)
    firsts, sizes = np.unique(out[:, 1], return_counts=True)
    checked = 0
    for first, size in zip(firsts, sizes, strict=True):
        if size < 400:
            continue
        ctx = np.array([[5, first]])
        probs = np.exp(log_probs(model_logits(params, ctx, np.tril(np.ones((2, 2), bool)))[0, -1]))
        expect_fits(np.bincount(out[out[:, 1] == first, 2], minlength=V), probs,
                    f"the second token after a first token {first}")
        checked += 1
    if checked == 0:
        raise CheckFailure("generate: no first token was sampled often enough to test the second one")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_generate_zero_length_and_rng(sol):
    """length = 0 returns the prompts; same seed same samples; the global np.random is untouched."""
    params = init_params(11, d=8)
    prompts = random_texts(12, 5, t=3)
    generate(sol, params, prompts, 0, 1)
    before = sol.global_random_state()
    first, again = generate(sol, params, prompts, 4, 2), generate(sol, params, prompts, 4, 2)
    if sol.global_random_state() != before:
        raise CheckFailure("generate changed the global np.random state; draw from rng only")
    expect_array(again, first, name="generate with the same seed")


def valid_texts(texts):
    """Rows that obey every rule of the language."""
    blocks = texts.reshape(texts.shape[0], -1, 4)
    a, l_tok, r_tok, b = blocks[..., 0], blocks[..., 1], blocks[..., 2], blocks[..., 3]
    ok = (a < 8) & (l_tok == 8 + a % 4) & (r_tok >= 12) & (r_tok < 16) & (b < 8) & (r_tok == 12 + b // 2)
    return ok.all(axis=1)


@pytest.mark.points(4)
@pytest.mark.category("statistics")
def test_claims_causal_lm(sol):
    """End to end, causal LM: near-optimal at L, at chance at R, and its samples obey the language's rules."""
    trained = sol.train_clm(init_params(21), language(22, 512), np.random.default_rng(23), **CLM_RUN)
    texts = language(24, EVAL_ROWS)
    report = sol.next_token_report(trained, texts)
    check_report(report, trusted_report(trained, texts, "next"), "next_token_report of the trained causal LM")
    acc, loss = report["accuracy"], report["loss"]
    n = 2 * EVAL_ROWS
    expect_band(kind_mean(acc, 1), CLM_MIN_ACC_L, 1.0, name="next-token accuracy at L", n=n,
                hint="L is decided by the token before it")
    low, high = proportion_band(n, 0.25)
    expect_band(kind_mean(acc, 2), low, high, name="next-token accuracy at R", n=n,
                hint="no causal model beats 1/4: b is not seen yet")
    _, high = proportion_band(n, 0.5)
    expect_band(kind_mean(acc, 3), 0.4, high, name="next-token accuracy at b", n=n)
    _, high = proportion_band(EVAL_ROWS, 0.125)
    expect_band(kind_mean(acc, 0, first=1), 0.0, high, name="next-token accuracy at a", n=EVAL_ROWS)
    for kind, ceiling in CLM_MAX_LOSS.items():
        expect_band(kind_mean(loss, kind), 0.0, ceiling, name=f"next-token loss at kind {'aLRb'[kind]}",
                    n=n, hint="compare with the Bayes table")
    prompts = np.random.default_rng(25).integers(0, 8, size=(300, 1))
    samples = generate(sol, trained, prompts, T - 1, 26)
    share = float(valid_texts(samples).mean())
    expect_band(share, MIN_VALID_SAMPLES, 1.0, name="share of generated texts obeying every rule", n=300,
                hint="sample each token from the causal model given everything generated so far")


@pytest.mark.points(4)
@pytest.mark.category("statistics")
def test_claims_masked_lm(sol):
    """End to end, masked LM: fills R (from the right) near the optimum, a and b at most 1/2."""
    trained = sol.train_mlm(init_params(31), language(32, 512), np.random.default_rng(33), mask_id=MASK,
                            vocab_size=V, **MLM_RUN)
    texts = language(34, EVAL_ROWS)
    report = sol.fill_in_report(trained, texts, MASK)
    check_report(report, trusted_report(trained, texts, "fill"), "fill_in_report of the trained masked LM")
    acc, loss = report["accuracy"], report["loss"]
    n = 2 * EVAL_ROWS
    expect_band(kind_mean(acc, 2), MLM_MIN_ACC_R, 1.0, name="fill-in accuracy at R", n=n,
                hint="a masked LM sees both neighbours of the blank; R is decided by the token after it")
    expect_band(kind_mean(loss, 2), 0.0, MLM_MAX_LOSS_R, name="fill-in loss at R", n=n)
    _, high = proportion_band(n, 0.5)
    for kind in (0, 3):
        expect_band(kind_mean(acc, kind), 0.0, high, name=f"fill-in accuracy at {'aLRb'[kind]}", n=n,
                    hint="above the Bayes optimum: is the blank really hidden?")


# --- The masked LM's loss covers the selected positions only. From zero moments, Adam's first step moves exactly
# the entries whose gradient is not 0, and row i of tok has one only if token i is among the step's inputs. With
# mask_replace_prob = 1, the selected positions of a text of 8 different tokens are those whose token vanished
# from the inputs (became [MASK]); the step must equal Adam on targets at exactly those positions.
TRAIN_KEYS = KEYS


def first_adam_step(sol, params, inputs, mask, targets, lr):
    """Adam's first step (bias-corrected, eps 1e-8) with your loss_and_grads."""
    _, grads = sol.loss_and_grads(params, inputs, mask, targets)
    return {key: params[key] - lr * grads[key] / (np.sqrt(grads[key] ** 2) + 1e-8) for key in TRAIN_KEYS}


def check_trained(got, like, name):
    if not isinstance(got, dict) or not set(TRAIN_KEYS) <= set(got):
        raise CheckFailure.elided(f"{name} must return a dict with the keys {list(TRAIN_KEYS)}")
    for key in TRAIN_KEYS:
        if type(got[key]) is not np.ndarray or got[key].dtype != np.float64 or got[key].shape != like[key].shape:
            raise CheckFailure.elided(f"{name}: params['{key}'] must be a float64 array of shape {like[key].shape}")
    return got


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_mlm_nothing_selected_changes_nothing(sol):
    """mlm_probability = 0: no target, zero gradients, and Adam from zero moments leaves params unchanged."""
    params = init_params(41, d=6)
    got = check_trained(sol.train_mlm(params, language(42, 16), np.random.default_rng(43), steps=3, batch_size=8,
                                      lr=0.05, mask_id=MASK, vocab_size=V, mlm_probability=0.0), params,
                        "train_mlm")
    for key in TRAIN_KEYS:
        expect_allclose(got[key], params[key], rtol=0, atol=0, name=f"params['{key}'] with mlm_probability=0")


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed", [44, 45, 46], ids=cases())
def test_mlm_loss_only_on_selected_positions(sol, seed):
    """The masked LM's step is Adam on the selected positions' original tokens, read from what was masked."""
    params = init_params(seed, d=6)
    row = np.array([[3, 9, 14, 6, 0, 11, 13, 2]])
    got = check_trained(sol.train_mlm(params, row, np.random.default_rng(seed + 7), steps=1, batch_size=1, lr=0.1,
                                      mask_id=MASK, vocab_size=V, mlm_probability=0.5, mask_replace_prob=1.0,
                                      random_replace_prob=0.0), params, "train_mlm")
    present = (got["tok"] != params["tok"]).any(axis=1)
    selected = ~present[row[0]] if present[MASK] else np.zeros(T, bool)   # no [MASK] in the inputs: none selected
    expected = first_adam_step(sol, params, np.where(selected, MASK, row), np.ones((T, T), bool),
                               np.where(selected, row, -100), 0.1)
    for key in TRAIN_KEYS:
        expect_allclose(got[key], expected[key], rtol=1e-7, atol=1e-10,
                        name=f"params['{key}'] after one masked-LM step (targets only where the token was masked)")


# --- Every error the statement lists.
BAD_TEXTS = [np.arange(8), np.zeros((0, 8), np.int64), np.zeros((4, 8)), np.zeros((4, 0), np.int64),
             np.zeros((4, T + 1), np.int64)]


@pytest.mark.points(0.5)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("report", ["next", "fill"], ids=cases())
@pytest.mark.parametrize("texts", BAD_TEXTS, ids=cases())
def test_bad_texts(sol, report, texts):
    """texts not a non-empty 2-D integer array with 1 <= T <= T_max: ValueError naming texts."""
    params = init_params(47, d=6)
    if report == "next":
        expect_raises(ValueError, sol.next_token_report, params, texts, match="texts")
    else:
        expect_raises(ValueError, sol.fill_in_report, params, texts, MASK, match="texts")


@pytest.mark.points(0.5)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("mask_id", [-1, V], ids=cases())
def test_bad_mask_id(sol, mask_id):
    """fill_in_report with a mask_id that is not a token id raises ValueError naming mask_id."""
    expect_raises(ValueError, sol.fill_in_report, init_params(48, d=6), random_texts(49, 3), mask_id,
                  match="mask_id")


BAD_GENERATE = [
    ({"prompts": np.arange(3)}, "prompts"), ({"prompts": np.zeros((0, 2), np.int64)}, "prompts"),
    ({"prompts": np.zeros((3, 0), np.int64), "length": 2}, "prompts"), ({"prompts": np.zeros((3, 2))}, "prompts"),
    ({"prompts": np.zeros((3, T + 1), np.int64), "length": 0}, "prompts"),
    ({"length": -1}, "length"), ({"length": 1.5}, "length"), ({"length": T - 1}, "length"),
    ({"temperature": 0.0}, "temperature"), ({"temperature": -1.0}, "temperature"),
]


@pytest.mark.points(0.5)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("bad", BAD_GENERATE, ids=cases())
def test_bad_generate_arguments(sol, bad):
    """generate: bad prompts, a length below 0 or past T_max, temperature <= 0: ValueError naming it."""
    args = {"prompts": random_texts(50, 3, t=2), "length": 2, "temperature": 1.0}
    args.update(bad[0])
    expect_raises(ValueError, sol.generate, init_params(51, d=6), args["prompts"], args["length"],
                  np.random.default_rng(52), temperature=args["temperature"], match=bad[1])


BAD_TRAINING = [("clm", {"data": np.arange(8)}, "data"), ("mlm", {"data": np.zeros((4, 1), np.int64)}, "data"),
                ("clm", {"steps": -1}, "steps"), ("mlm", {"batch_size": 0}, "batch_size"), ("clm", {"lr": 0.0}, "lr"),
                ("mlm", {"mlm_probability": 1.5}, "mlm_probability"),
                ("mlm", {"mask_replace_prob": 0.8, "random_replace_prob": 0.3}, "mask_replace_prob"),
                ("mlm", {"mask_id": V}, "mask_id")]


@pytest.mark.points(0.5)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("bad", BAD_TRAINING, ids=cases())
def test_bad_training_arguments(sol, bad):
    """train_clm and train_mlm (copied from pretrain_both_ways) keep its argument checks."""
    objective, overrides, name = bad
    args = {"data": language(53, 4), "steps": 1, "batch_size": 2, "lr": 0.1, **overrides}
    data = args.pop("data")
    params, rng = init_params(54, d=6), np.random.default_rng(55)
    if objective == "clm":
        expect_raises(ValueError, sol.train_clm, params, data, rng, match=name, **args)
    else:
        expect_raises(ValueError, sol.train_mlm, params, data, rng, match=name,
                      **{"mask_id": MASK, "vocab_size": V, **args})
