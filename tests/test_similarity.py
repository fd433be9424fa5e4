"""The similarity report: winnowed token fingerprints flag a copied solution (renamed variables, reordered
functions) above every honest pair, and starter code never counts as shared."""

from __future__ import annotations

from pathlib import Path

from helpers import REPO

from judge.grading.similarity import (
    boilerplate,
    class_similarity,
    compare_problem,
    kgram_hashes,
    normalized_tokens,
    winnow,
)

STYLES = Path(__file__).resolve().parent / "fixtures" / "similarity"
STARTER = (REPO / "problems" / "cross_entropy" / "starter.py").read_text()


def class_files() -> dict[tuple[str, str], Path]:
    files = {(f.stem, "cross_entropy"): f for f in sorted(STYLES.glob("*.py"))}
    files[("honest_reference", "cross_entropy")] = REPO / "solutions" / "cross_entropy" / "reference.py"
    return files


def test_renaming_and_comments_change_nothing():
    a = "def f(x, y):\n    # add\n    total = x + y\n    return total * 2\n"
    b = 'def g(p, q):\n    """doc"""\n    s = p + q\n\n    return s * 2\n'
    assert [t for t, _, _ in normalized_tokens(a)] == [t for t, _, _ in normalized_tokens(b)]
    c = "def g(p, q):\n    return np.exp(p) * 2\n"
    assert "exp" in [t for t, _, _ in normalized_tokens(c)]  # attribute names are kept


def test_winnowing_keeps_one_hash_per_window():
    grams = kgram_hashes(normalized_tokens((STYLES / "honest_loops.py").read_text()))
    fp = winnow(grams)
    assert 0 < len(fp) < len(grams)
    hashes = [h for h, _, _ in grams]
    for i in range(len(hashes) - 3):  # every window of 4 k-grams contributes its minimum
        assert min(hashes[i:i + 4]) in fp.hashes


def test_planted_pair_ranks_above_every_honest_pair(tmp_path):
    files = class_files()
    for student in ("starter_only_1", "starter_only_2"):  # submitted the untouched starter
        (tmp_path / f"{student}.py").write_text(STARTER)
        files[(student, "cross_entropy")] = tmp_path / f"{student}.py"
    rows = class_similarity(files, ["cross_entropy"], REPO, keep=100)
    ranked = [((a, b), score) for _, a, b, score, _ in rows]
    assert ranked[0][0] == ("honest_loops", "planted_copy"), ranked
    top = ranked[0][1]
    assert top >= 0.6
    assert all(score < top / 2 for _, score in ranked[1:]), ranked
    assert not any("starter_only" in a or "starter_only" in b for (a, b), _ in ranked)
    detail = rows[0][4]
    assert detail["a_regions"] and detail["b_regions"] and detail["shared"] >= 10
    copy_lines = (STYLES / "planted_copy.py").read_text().splitlines()
    marked = {n for first, last in detail["b_regions"] for n in range(first, last + 1)}
    assert any("for v in s:" in copy_lines[n - 1] for n in marked)  # the moved helper is matched too


def test_starter_code_is_excluded():
    """Two honest files built on the starter share its long signature: excluded, their score drops."""
    sources = {s: (STYLES / f"{s}.py").read_text() for s in ("honest_loops", "honest_take")}
    with_starter = compare_problem(sources, "")
    without = compare_problem(sources, boilerplate(STARTER, ""))
    before = with_starter[0][2] if with_starter else 0.0
    after = without[0][2] if without else 0.0
    assert before > after


def test_a_solution_most_of_a_small_section_copied_still_surfaces():
    """Six students, four hand in one leaked solution (renamed, reordered comments): its fingerprints are in
    more than half the files, which a fraction-only cut (MOSS without -m, Dolos -M alone) would drop as idiom.
    An absolute count (MOSS -m 10) keeps them; a known source (the solution as posted) pairs with each copy."""
    from judge.grading.similarity import FLAG_AT

    leak = (STYLES / "planted_copy.py").read_text()
    copies = {f"copier{i}": leak.replace("validate", f"check{i}").replace("# make sure", f"# step {i}")
              for i in range(4)}
    sources = {**copies, "honest_take": (STYLES / "honest_take.py").read_text(),
               "honest_onehot": (STYLES / "honest_onehot.py").read_text()}
    excluded = boilerplate(STARTER, (REPO / "solutions" / "cross_entropy" / "reference.py").read_text())
    ranked = compare_problem(sources, excluded)
    flagged = {frozenset((a, b)) for a, b, s, _ in ranked if s >= FLAG_AT}
    assert flagged == {frozenset((f"copier{i}", f"copier{j}")) for i in range(4) for j in range(i + 1, 4)}
    fraction_only = compare_problem(sources, excluded, max_count=0)
    assert not [r for r in fraction_only if r[2] >= FLAG_AT]  # what the report said before: nothing to see
    one = {"copier0": copies["copier0"], "honest_take": sources["honest_take"]}
    known = compare_problem(one, excluded, known={"posted-on-forum": leak, "last-year-ada": leak})
    assert known[0][:2] in (("copier0", "known:last-year-ada"), ("copier0", "known:posted-on-forum"))
    assert known[0][2] >= FLAG_AT
    assert not any(a.startswith("known:") and b.startswith("known:") for a, b, _, _ in known)
