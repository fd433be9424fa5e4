"""The references of the tasks track's understanding problems against the libraries that define their conventions:
Hugging Face transformers' GPT-2 and BERT sequence-classification heads (sequence_pooling), its question-answering
span decoder (qa_span_selection) and its causal-LM loss (prompt_label_scoring), on random inputs and tiny randomly
initialized models (no download). Skipped where torch or transformers is not installed (`pip install -e .[oracle]`).

Mean pooling is checked against sentence-transformers' Pooling module where that is installed too (it is not in
the `oracle` extra). Not covered by a library, so checked only by the problems' own loop-over-the-definition tests:
the SQuAD 2.0 threshold and the top-n_best preselection of utils_qa.py (an example script, not an importable
module), PET's verbalizer softmax and Zhao et al.'s calibration (research code, not packages)."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest
from helpers import REPO

torch = pytest.importorskip("torch", reason="torch not installed: oracle check skipped")
transformers = pytest.importorskip("transformers", reason="transformers not installed: oracle check skipped")


def reference(problem_id: str):
    """solutions/<id>/reference.py as a module."""
    spec = importlib.util.spec_from_file_location(f"ref_{problem_id}", REPO / "solutions" / problem_id / "reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def padded_ids(rng, batch, length, vocab, pad, side):
    """Token ids in [1, vocab) (never the pad id) padded on one side; returns (ids, mask)."""
    ids = np.full((batch, length), pad, dtype=np.int64)
    mask = np.zeros((batch, length), dtype=np.int64)
    for b in range(batch):
        n = length if side == "none" else int(rng.integers(1, length + 1))
        cols = slice(0, n) if side != "left" else slice(length - n, length)
        ids[b, cols] = rng.integers(1, vocab, size=n)
        mask[b, cols] = 1
    return ids, mask


@pytest.mark.parametrize("side", ["right", "left", "none"])
def test_last_token_pooling_matches_gpt2_classifier(side):
    """GPT2ForSequenceClassification's logits are its score head at the position sequence_pooling('last') picks."""
    torch.manual_seed(0)
    config = transformers.GPT2Config(vocab_size=30, n_positions=16, n_embd=16, n_layer=1, n_head=2, num_labels=3,
                                     bos_token_id=1, eos_token_id=1, pad_token_id=0)
    model = transformers.GPT2ForSequenceClassification(config).eval()
    ids, mask = padded_ids(np.random.default_rng(1), 6, 9, 30, 0, side)
    with torch.no_grad():
        out = model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask), output_hidden_states=True)
        per_position = model.score(out.hidden_states[-1]).double().numpy()
    pooled = reference("sequence_pooling").sequence_pooling(per_position, mask, "last")
    np.testing.assert_allclose(pooled, out.logits.double().numpy(), rtol=1e-6, atol=1e-6)


def test_first_token_pooling_matches_bert_pooler():
    """BertModel's pooler output is tanh(dense(.)) of what sequence_pooling('first') picks."""
    torch.manual_seed(0)
    config = transformers.BertConfig(vocab_size=30, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                                     intermediate_size=32, max_position_embeddings=16)
    model = transformers.BertModel(config).eval()
    ids, mask = padded_ids(np.random.default_rng(2), 5, 8, 30, 0, "right")
    with torch.no_grad():
        out = model(input_ids=torch.tensor(ids), attention_mask=torch.tensor(mask))
        first = reference("sequence_pooling").sequence_pooling(out.last_hidden_state.double().numpy(), mask, "first")
        pooled = torch.tanh(model.pooler.dense.double()(torch.tensor(first))).numpy()
    np.testing.assert_allclose(pooled, out.pooler_output.double().numpy(), rtol=1e-5, atol=1e-6)


def test_mean_and_last_pooling_match_sentence_transformers():
    """sentence-transformers' masked mean (count clamped at 1e-9: zeros for a row without a real token) and its
    last-token pooling (on rows with a real token; it gives zeros where this problem pools position 0)."""
    st = pytest.importorskip("sentence_transformers", reason="sentence-transformers not installed: check skipped")
    try:
        from sentence_transformers.sentence_transformer.modules import Pooling
    except ImportError:  # sentence-transformers before 6
        Pooling = st.models.Pooling
    pooling = reference("sequence_pooling").sequence_pooling
    rng = np.random.default_rng(5)
    hidden = rng.normal(size=(8, 7, 6))
    mask = np.zeros((8, 7), dtype=np.int64)
    for b, (lo, hi) in enumerate([(0, 7), (0, 3), (4, 7), (2, 5), (6, 7), (0, 1), (3, 3), (1, 6)]):
        mask[b, lo:hi] = 1  # no, right, left, both-sided padding; row 6 has no real token
    features = {"token_embeddings": torch.tensor(hidden), "attention_mask": torch.tensor(mask)}
    for mode, rows in (("mean", slice(None)), ("lasttoken", [0, 1, 2, 3, 4, 5, 7])):
        with torch.no_grad():
            expected = Pooling(6, pooling_mode=mode)(dict(features))["sentence_embedding"].numpy()
        got = pooling(hidden, mask, "mean" if mode == "mean" else "last")
        np.testing.assert_allclose(got[rows], expected[rows], rtol=1e-12, atol=1e-15)


def test_spans_match_the_pipeline_decoder_without_preselection():
    """With n_best_size >= T (no preselection), the spans and their order are those of transformers' decode_spans
    over the context, whose scores are products of start and end probabilities: log score - our score is constant."""
    decode = pytest.importorskip("transformers.pipelines.document_question_answering",
                                 reason="transformers has no decode_spans: oracle check skipped").decode_spans
    qa = reference("qa_span_selection").qa_span_selection
    rng = np.random.default_rng(3)
    for _ in range(20):
        length = int(rng.integers(8, 24))
        context = np.zeros(length, dtype=bool)
        context[int(rng.integers(2, 5)):length - 1] = True
        start, end = rng.normal(size=length) * 2, rng.normal(size=length) * 2
        max_len = int(rng.integers(1, 6))
        _, _, spans, scores = qa(start, end, context, length, max_len, None)
        p_start = np.exp(start - start.max()) / np.exp(start - start.max()).sum()
        p_end = np.exp(end - end.max()) / np.exp(end - end.max()).sum()
        starts, ends, probs = decode(p_start, p_end, length * length, max_len, context.astype(np.int64))
        keep = probs > 0  # decode_spans also lists the zeroed invalid pairs inside the context
        kept = np.stack([starts[keep], ends[keep]], axis=1)
        n = len(spans)
        np.testing.assert_array_equal(spans, kept[:n])
        offsets = np.log(probs[keep][:n]) - scores
        np.testing.assert_allclose(offsets, offsets[0], rtol=0, atol=1e-9)


def test_label_scores_match_the_causal_lm_loss():
    """Each label's score is -(GPT-2's mean loss over the label tokens) * their number: the model's own shift."""
    torch.manual_seed(0)
    config = transformers.GPT2Config(vocab_size=25, n_positions=16, n_embd=16, n_layer=1, n_head=2, bos_token_id=1,
                                     eos_token_id=1)
    model = transformers.GPT2LMHeadModel(config).eval()
    rng = np.random.default_rng(4)
    n_labels, length, prompt_length = 4, 10, 3
    lengths = rng.integers(1, length - prompt_length + 1, size=n_labels)
    ids = np.zeros((n_labels, length), dtype=np.int64)
    ids[:, :prompt_length] = rng.integers(0, 25, size=prompt_length)
    for c in range(n_labels):
        ids[c, prompt_length:prompt_length + lengths[c]] = rng.integers(0, 25, size=lengths[c])
    with torch.no_grad():
        logits = model(input_ids=torch.tensor(ids)).logits.double().numpy()
        expected = []
        for c in range(n_labels):
            labels = np.full(length, -100)
            labels[prompt_length:prompt_length + lengths[c]] = ids[c, prompt_length:prompt_length + lengths[c]]
            loss = model(input_ids=torch.tensor(ids[c:c + 1]), labels=torch.tensor(labels[None])).loss
            expected.append(-float(loss) * int(lengths[c]))
    scores, probs = reference("prompt_label_scoring").causal_label_probs(logits, ids, prompt_length, lengths)
    np.testing.assert_allclose(scores, expected, rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(probs, torch.softmax(torch.tensor(scores), 0).numpy(), rtol=1e-12, atol=0)
