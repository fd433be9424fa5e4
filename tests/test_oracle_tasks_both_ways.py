"""Oracle check of tasks_both_ways' reference against PyTorch, which defines its conventions: the boolean
attention mask of ``F.scaled_dot_product_attention`` (True = may attend; ``is_causal=True`` for the causal LM,
no mask for the masked LM), scaling by 1/sqrt(d), ``torch.argmax`` returning the first maximal index (the cloze's
tie rule), and ``torch.multinomial`` over the softmax for sampling. The reference runs in this process (trusted
code, never a learner's); random parameters and texts, several seeds."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from helpers import REPO

torch = pytest.importorskip("torch", reason="torch not installed: oracle check skipped (pip install -e .[oracle])")
F = torch.nn.functional

V, MASK, T, D = 17, 16, 8, 8


def reference():
    spec = importlib.util.spec_from_file_location("tasks_reference",
                                                  REPO / "solutions" / "tasks_both_ways" / "reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_params(seed: int) -> dict:
    rng = np.random.default_rng(seed)
    return {"tok": rng.normal(size=(V, D)), "pos": rng.normal(size=(T, D)), "wq": rng.normal(size=(D, D)) / 2,
            "wk": rng.normal(size=(D, D)) / 2, "wv": rng.normal(size=(D, D)) / 2, "wo": rng.normal(size=(D, D)) / 2,
            "out": rng.normal(size=(D, V))}


def torch_logits(params: dict, ids: np.ndarray, causal: bool) -> torch.Tensor:
    """The tiny Transformer in PyTorch: one head of SDPA over the whole width, residual, output projection."""
    p = {k: torch.tensor(v, dtype=torch.float64) for k, v in params.items()}
    x = p["tok"][torch.tensor(ids)] + p["pos"][: ids.shape[1]]
    o = F.scaled_dot_product_attention(x @ p["wq"], x @ p["wk"], x @ p["wv"], is_causal=causal)
    return (x + o @ p["wo"]) @ p["out"]


@pytest.mark.parametrize("seed", range(5))
def test_cloze_answers_match_torch(seed):
    """cloze_clm (SDPA is_causal, logits at position - 1) and cloze_mlm ([MASK], no mask, logits at the position)
    give torch's argmax over the candidates, on random parameters, texts, positions and candidate sets."""
    ref, rng = reference(), np.random.default_rng(100 + seed)
    params = random_params(seed)
    texts = rng.integers(0, MASK, size=(64, T))
    for _ in range(4):
        candidates = rng.permutation(V)[: rng.integers(2, V)]
        position = int(rng.integers(1, T))
        causal = torch_logits(params, texts, causal=True)[:, position - 1, candidates]
        expected = candidates[torch.argmax(causal, dim=-1).numpy()]
        np.testing.assert_array_equal(ref.cloze_clm(params, texts, position, candidates), expected)
        blanked = texts.copy()
        blanked[:, position] = MASK
        masked = torch_logits(params, blanked, causal=False)[:, position, candidates]
        expected = candidates[torch.argmax(masked, dim=-1).numpy()]
        np.testing.assert_array_equal(ref.cloze_mlm(params, texts, position, candidates, MASK), expected)


def test_cloze_ties_follow_torch_argmax():
    """Equal logits: torch.argmax returns the first maximal index, as the statement's tie rule."""
    ref = reference()
    params = random_params(9)
    params["out"][:, [3, 7]] = 0.0
    texts = np.random.default_rng(9).integers(0, MASK, size=(16, T))
    for candidates in (np.array([7, 3]), np.array([3, 7])):
        logits = torch_logits(params, texts, causal=True)[:, 4, candidates]
        expected = candidates[torch.argmax(logits, dim=-1).numpy()]
        np.testing.assert_array_equal(ref.cloze_clm(params, texts, 5, candidates), expected)
        assert (expected == candidates[0]).all()


def chi_square(counts: np.ndarray, probs: np.ndarray) -> tuple[float, int]:
    expected = probs * counts.sum()
    big = expected >= 5
    obs = np.append(counts[big], counts[~big].sum())
    exp = np.append(expected[big], expected[~big].sum())
    keep = exp > 0
    return float(((obs[keep] - exp[keep]) ** 2 / exp[keep]).sum()), int(keep.sum()) - 1


@pytest.mark.parametrize("objective", ["clm", "mlm"])
def test_continuations_sample_like_torch_multinomial(objective):
    """The first new token of continue_clm, and the first blank of continue_mlm (it sees the blank after it),
    follow torch.multinomial over the softmax of torch's logits: a two-sample chi-square test at z = 7."""
    from judge.checkers import chi2_critical

    ref = reference()
    params = random_params(11)
    prompts = np.tile(np.array([[2, 9, 13]]), (6000, 1))
    torch.manual_seed(0)
    if objective == "clm":
        got = ref.continue_clm(params, prompts, 1, np.random.default_rng(1))[:, 3]
        probs = torch.softmax(torch_logits(params, prompts[:1], causal=True)[0, -1], dim=-1)
    else:
        got = ref.continue_mlm(params, prompts, 2, np.random.default_rng(1), MASK)[:, 3]   # sees the blank after it
        blanks = np.array([[2, 9, 13, MASK, MASK]])
        probs = torch.softmax(torch_logits(params, blanks, causal=False)[0, 3], dim=-1)
    theirs = torch.multinomial(probs, 6000, replacement=True).numpy()
    mine, other = np.bincount(got, minlength=V), np.bincount(theirs, minlength=V)
    both = (mine + other) > 0
    stat = float((((mine - other)[both]) ** 2 / (mine + other)[both]).sum())   # two-sample, equal sizes
    assert stat <= chi2_critical(int(both.sum()) - 1), (mine, other)
    stat, dof = chi_square(mine, probs.numpy())
    assert stat <= chi2_critical(dof)
