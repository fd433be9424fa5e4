"""Oracle checks of the tasks track: the references of encoder_decoder_inputs, beam_search and
generation_metrics against the libraries whose conventions their statements pin (transformers, PyTorch,
sacreBLEU, rouge-score), on random inputs. Each check is skipped, saying so, where its library is not installed
(`pip install -e .[oracle]` installs them all)."""

from __future__ import annotations

import importlib.util
import warnings
from types import ModuleType, SimpleNamespace

import numpy as np
import pytest
from helpers import REPO


def reference(problem_id: str) -> ModuleType:
    """solutions/<problem_id>/reference.py as a module."""
    path = REPO / "solutions" / problem_id / "reference.py"
    spec = importlib.util.spec_from_file_location(f"oracle_reference_{problem_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def need_transformers():
    torch = pytest.importorskip("torch", reason="torch not installed: oracle check skipped")
    pytest.importorskip("transformers", reason="transformers not installed: oracle check skipped")
    return torch


def random_labels(gen, pad_share=0.3):
    bsz, t = int(gen.integers(1, 6)), int(gen.integers(1, 10))
    labels = gen.integers(0, 40, size=(bsz, t))
    labels[gen.random((bsz, t)) < pad_share] = -100
    return labels


def test_shift_tokens_right_matches_bart_and_t5():
    """shift_tokens_right equals BART's shift_tokens_right and T5's _shift_right, and raises where they raise."""
    torch = need_transformers()
    from transformers.models.bart.modeling_bart import shift_tokens_right as bart_shift
    from transformers.models.t5.modeling_t5 import T5PreTrainedModel

    ref = reference("encoder_decoder_inputs")
    gen = np.random.default_rng(0)
    for _ in range(200):
        labels = random_labels(gen)
        pad, start = int(gen.integers(0, 40)), int(gen.integers(0, 40))
        ours = ref.shift_tokens_right(labels, pad, start)
        t5_self = SimpleNamespace(config=SimpleNamespace(decoder_start_token_id=start, pad_token_id=pad))
        np.testing.assert_array_equal(ours, bart_shift(torch.tensor(labels), pad, start).numpy())
        np.testing.assert_array_equal(ours, T5PreTrainedModel._shift_right(t5_self, torch.tensor(labels)).numpy())
    for pad, start in ((None, 2), (0, None)):
        t5_self = SimpleNamespace(config=SimpleNamespace(decoder_start_token_id=start, pad_token_id=pad))
        with pytest.raises(ValueError):
            T5PreTrainedModel._shift_right(t5_self, torch.tensor([[4, 5]]))
        with pytest.raises(ValueError, match="decoder_start_token_id" if start is None else "pad_token_id"):
            ref.shift_tokens_right(np.array([[4, 5]]), pad, start)


def test_seq2seq_masks_match_transformers_mask_helpers():
    """The encoder, decoder and cross masks equal the zeros of Hugging Face's additive 4-D masks."""
    torch = need_transformers()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        helpers = pytest.importorskip("transformers.modeling_attn_mask_utils",
                                      reason="this transformers has no modeling_attn_mask_utils: oracle check skipped")
    _prepare_4d_attention_mask = helpers._prepare_4d_attention_mask
    _prepare_4d_causal_attention_mask = helpers._prepare_4d_causal_attention_mask

    ref = reference("encoder_decoder_inputs")
    gen = np.random.default_rng(1)
    for _ in range(100):
        bsz, src, tgt = (int(v) for v in gen.integers(1, 8, size=3))
        enc = (gen.random((bsz, src)) < 0.7).astype(np.int64)
        dec = (gen.random((bsz, tgt)) < 0.7).astype(np.int64)
        encoder, decoder, cross = ref.seq2seq_masks(enc, dec)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            hf_encoder = _prepare_4d_attention_mask(torch.tensor(enc), torch.float32).numpy() == 0
            hf_cross = _prepare_4d_attention_mask(torch.tensor(enc), torch.float32, tgt_len=tgt).numpy() == 0
            hf_decoder = _prepare_4d_causal_attention_mask(torch.tensor(dec), (bsz, tgt), torch.zeros(bsz, tgt, 4),
                                                           0).numpy() == 0
        np.testing.assert_array_equal(encoder, hf_encoder)
        np.testing.assert_array_equal(cross, hf_cross)
        np.testing.assert_array_equal(decoder, hf_decoder)


def table_model(table: np.ndarray, prompt_len: int):
    """A transformers causal LM whose next-token logits are table[step, last token]: generate() runs the real
    GenerationMixin._beam_search over it."""
    import torch
    from transformers import GenerationMixin, PretrainedConfig, PreTrainedModel
    from transformers.modeling_outputs import CausalLMOutput

    class TableConfig(PretrainedConfig):
        model_type = "oracle_table_lm"

    class TableLM(PreTrainedModel, GenerationMixin):
        config_class = TableConfig

        def __init__(self, config):
            super().__init__(config)
            self.table = torch.tensor(table, dtype=torch.float32)
            self.unused = torch.nn.Parameter(torch.zeros(1))

        def forward(self, input_ids, **kwargs):
            logits = torch.zeros(*input_ids.shape, self.table.shape[-1])
            logits[:, -1] = self.table[input_ids.shape[1] - prompt_len][input_ids[:, -1]]
            return CausalLMOutput(logits=logits)

        def prepare_inputs_for_generation(self, input_ids, **kwargs):
            return {"input_ids": input_ids}

    vocab = table.shape[-1]
    return TableLM(TableConfig(vocab_size=vocab)).eval()


def hf_beam_search(table, prompt, num_beams, max_new_tokens, eos_id, length_penalty, early_stopping, n_return):
    import torch

    model = table_model(table, len(prompt))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = model.generate(torch.tensor([prompt]), num_beams=num_beams, max_new_tokens=max_new_tokens,
                             do_sample=False, length_penalty=length_penalty, early_stopping=early_stopping,
                             num_return_sequences=n_return, eos_token_id=eos_id, pad_token_id=eos_id,
                             use_cache=False, output_scores=True, return_dict_in_generate=True)
    result = []
    for seq, score in zip(out.sequences.tolist(), out.sequences_scores.tolist(), strict=True):
        generated = seq[len(prompt):]
        if eos_id in generated:
            generated = generated[:generated.index(eos_id) + 1]
        result.append((generated, score))
    return result


def test_beam_search_matches_transformers_generate():
    """beam_search returns the hypotheses and scores of transformers' generate(num_beams=...) on random tables,
    for every early_stopping mode and several length penalties (no ties: torch.topk leaves their order open)."""
    need_transformers()
    ref = reference("beam_search")
    gen = np.random.default_rng(2)
    for trial in range(60):
        vocab = int(gen.integers(4, 9))
        num_beams = int(gen.integers(2, vocab // 2 + 1))
        steps = int(gen.integers(1, 8))
        eos_id = int(gen.integers(0, vocab))
        logits = gen.normal(size=(steps, vocab, vocab)) * gen.uniform(0.5, 3.0)
        logits[..., eos_id] += gen.uniform(-1.0, 2.0)
        table = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
        prompt = gen.integers(0, vocab, size=int(gen.integers(1, 6))).tolist()
        length_penalty = float(gen.choice([-1.0, 0.0, 0.5, 1.0, 2.0]))
        early_stopping = (False, True, "never")[trial % 3]
        n_return = int(gen.integers(1, num_beams + 1))
        ours = ref.beam_search(table, prompt, num_beams, steps, eos_id, length_penalty, early_stopping, n_return)
        theirs = hf_beam_search(table, prompt, num_beams, steps, eos_id, length_penalty, early_stopping, n_return)
        assert [ids for ids, _ in ours] == [ids for ids, _ in theirs], (trial, ours, theirs)
        np.testing.assert_allclose([s for _, s in ours], [s for _, s in theirs], rtol=1e-5, atol=1e-6)


def words(seq) -> str:
    return " ".join(f"w{int(t)}" for t in seq)


def test_corpus_bleu_matches_sacrebleu():
    """corpus_bleu equals sacreBLEU's corpus_score (tokenize='none') with exp and no smoothing, orders 1 to 4,
    and a varying number of references per sentence (None in sacreBLEU's reference streams)."""
    pytest.importorskip("sacrebleu", reason="sacrebleu not installed: oracle check skipped")
    from sacrebleu.metrics import BLEU

    ref = reference("generation_metrics")
    gen = np.random.default_rng(3)
    for _ in range(300):
        n, vocab, streams = int(gen.integers(1, 7)), int(gen.integers(2, 12)), int(gen.integers(1, 4))
        hyps = [gen.integers(0, vocab, size=int(gen.integers(0, 14))).tolist() for _ in range(n)]
        refs = [[gen.integers(0, vocab, size=int(gen.integers(1, 14))).tolist()
                 for _ in range(int(gen.integers(1, streams + 1)))] for _ in range(n)]
        ref_streams = [[words(refs[i][k]) if k < len(refs[i]) else None for i in range(n)] for k in range(streams)]
        for smooth in ("exp", "none"):
            order = int(gen.integers(1, 5))
            bleu = BLEU(tokenize="none", smooth_method=smooth, max_ngram_order=order, force=True)
            expected = bleu.corpus_score([words(h) for h in hyps], ref_streams).score
            assert ref.corpus_bleu(hyps, refs, smooth, order) == pytest.approx(expected, rel=1e-9, abs=1e-9)


def test_rouge_l_matches_rouge_score():
    """rouge_l equals rouge-score's rougeL (score for one reference, score_multi for several)."""
    pytest.importorskip("rouge_score", reason="rouge-score not installed: oracle check skipped")
    from rouge_score import rouge_scorer

    ref = reference("generation_metrics")
    scorer = rouge_scorer.RougeScorer(["rougeL"])
    gen = np.random.default_rng(4)
    for _ in range(300):
        vocab = int(gen.integers(2, 10))
        hyp = gen.integers(0, vocab, size=int(gen.integers(0, 15))).tolist()
        refs = [gen.integers(0, vocab, size=int(gen.integers(0, 15))).tolist() for _ in range(int(gen.integers(1, 4)))]
        if len(refs) == 1:
            expected = scorer.score(words(refs[0]), words(hyp))["rougeL"]
        else:
            expected = scorer.score_multi([words(r) for r in refs], words(hyp))["rougeL"]
        got = ref.rouge_l(hyp, refs)
        np.testing.assert_allclose(got, (expected.precision, expected.recall, expected.fmeasure), rtol=1e-12)
