"""Hidden tests for electra_inputs. Expected values come from a loop over the definition."""

import numpy as np
import pytest

from judge.checkers import expect_array, expect_raises, expect_sequence
from judge.checkers.case_ids import cases


def by_loop(ids, masked, samples, attention):
    b, t = ids.shape
    disc = np.zeros((b, t), dtype=np.int64)
    labels = np.zeros((b, t), dtype=np.int64)
    for i in range(b):
        for j in range(t):
            disc[i, j] = samples[i, j] if masked[i, j] else ids[i, j]
            if attention[i, j] == 0:
                labels[i, j] = -100
            else:
                labels[i, j] = 1 if disc[i, j] != ids[i, j] else 0
    return disc, labels


def check(sol, ids, masked, samples, attention, name="electra_inputs"):
    got = expect_sequence(sol.electra_inputs(ids, masked, samples, attention), 2, name=name)
    disc, labels = by_loop(ids, masked, samples, attention)
    expect_array(got[0], disc, name=f"discriminator_inputs of {name}")
    expect_array(got[1], labels, name=f"labels of {name}")


def random_batch(seed, b, t, vocab, mask_p=0.15):
    g = np.random.default_rng(seed)
    lengths = g.integers(2, t + 1, size=b)
    attention = (np.arange(t)[None, :] < lengths[:, None]).astype(np.int64)
    ids = np.where(attention == 1, g.integers(5, vocab, size=(b, t)), 0)
    masked = (g.random((b, t)) < mask_p) & (attention == 1)
    samples = g.integers(0, vocab, size=(b, t))
    keep = g.random((b, t)) < 0.3  # the generator often samples the original token
    samples = np.where(keep, ids, samples)
    return ids, masked, samples, attention


@pytest.mark.points(2)
@pytest.mark.category("correctness")
@pytest.mark.parametrize("seed,b,t,vocab", [(1, 8, 16, 30), (2, 32, 128, 1000), (3, 4, 64, 6)], ids=cases())
def test_random_batches(sol, seed, b, t, vocab):
    """Random batches with padding, where many samples equal the original, match the definition."""
    check(sol, *random_batch(seed, b, t, vocab), name=f"electra_inputs(random {b}x{t})")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_unmasked_samples_ignored(sol):
    """Samples at unmasked positions are ignored, however different they are."""
    ids = np.array([[10, 11, 12, 13]])
    samples = np.array([[90, 91, 92, 93]])
    masked = np.array([[False, False, True, False]])
    got = expect_sequence(sol.electra_inputs(ids, masked, samples, np.ones((1, 4), dtype=np.int64)), 2,
                          name="electra_inputs")
    expect_array(got[0], np.array([[10, 11, 92, 13]]), name="discriminator_inputs")
    expect_array(got[1], np.array([[0, 0, 1, 0]]), name="labels")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_all_samples_equal_original(sol):
    """Every position masked but every sample equals the original: all labels 0."""
    ids = np.array([[3, 4, 5], [6, 7, 8]])
    got = expect_sequence(sol.electra_inputs(ids, np.ones((2, 3), dtype=bool), ids.copy(),
                                             np.ones((2, 3), dtype=np.int64)), 2, name="electra_inputs")
    expect_array(got[0], ids.astype(np.int64), name="discriminator_inputs")
    expect_array(got[1], np.zeros((2, 3), dtype=np.int64), name="labels")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_masked_padding(sol):
    """A masked padding position still takes the sample, but its label is -100."""
    ids = np.array([[2, 9, 0]])
    check(sol, ids, np.array([[False, True, True]]), np.array([[0, 4, 6]]), np.array([[1, 1, 0]]))


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_bool_masks_and_int32(sol):
    """Bool attention_mask, 0/1 int masked_positions and int32 ids: outputs are still int64."""
    ids, masked, samples, attention = random_batch(4, 6, 20, 50, 0.4)
    check(sol, ids.astype(np.int32), masked.astype(np.int64), samples.astype(np.int32), attention.astype(bool),
          name="electra_inputs(int32 ids, int masked, bool attention)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
@pytest.mark.parametrize("shape", [(0, 5), (3, 0)], ids=cases())
def test_empty(sol, shape):
    """Empty batches give empty int64 arrays of the same shape."""
    z = np.zeros(shape, dtype=np.int64)
    got = expect_sequence(sol.electra_inputs(z, z.astype(bool), z, z), 2, name="electra_inputs")
    expect_array(got[0], z, name="discriminator_inputs")
    expect_array(got[1], z, name="labels")


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_real_token_with_pad_id(sol):
    """Padding is decided by attention_mask: a real token whose id is 0 gets a 0/1 label, not -100."""
    ids = np.array([[2, 0, 7, 0, 3, 0], [2, 0, 3, 0, 0, 0]])
    masked = np.array([[0, 1, 0, 1, 0, 0], [0, 1, 0, 0, 0, 0]], dtype=bool)
    samples = np.array([[0, 0, 0, 9, 0, 0], [0, 5, 0, 0, 0, 0]])
    attention = np.array([[1, 1, 1, 1, 1, 0], [1, 1, 1, 0, 0, 0]])
    check(sol, ids, masked, samples, attention, name="electra_inputs(real tokens with id 0)")


@pytest.mark.points(1)
@pytest.mark.category("edge cases")
def test_all_padding(sol):
    """attention_mask all 0: every label is -100."""
    ids, masked, samples, _ = random_batch(5, 3, 10, 40, 0.5)
    check(sol, ids, masked, samples, np.zeros((3, 10), dtype=np.int64))


@pytest.mark.points(1)
@pytest.mark.category("correctness")
def test_input_not_modified(sol):
    """input_ids is not modified in place (the judge checks every argument)."""
    ids, masked, samples, attention = random_batch(6, 4, 12, 30, 0.5)
    check(sol, ids, masked, samples, attention)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
@pytest.mark.parametrize("which", ["masked_positions", "generator_samples", "attention_mask"], ids=cases())
def test_mismatched_shapes(sol, which):
    """An argument whose shape differs from input_ids raises ValueError naming it."""
    args = {"masked_positions": np.zeros((2, 4), dtype=bool), "generator_samples": np.zeros((2, 4), dtype=np.int64),
            "attention_mask": np.ones((2, 4), dtype=np.int64)}
    args[which] = args[which][:, :3]
    expect_raises(ValueError, sol.electra_inputs, np.zeros((2, 4), dtype=np.int64), args["masked_positions"],
                  args["generator_samples"], args["attention_mask"], match=which)


@pytest.mark.points(1)
@pytest.mark.category("argument checks")
def test_1d_raises(sol):
    """1-D input_ids raise ValueError naming input_ids."""
    z = np.zeros(4, dtype=np.int64)
    expect_raises(ValueError, sol.electra_inputs, z, z.astype(bool), z, z, match="input_ids")
