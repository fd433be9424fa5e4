"""BatchPolicy: which pairs of a class go out next to the grading children (no processes involved)."""

from __future__ import annotations

from judge.grading.pool import BatchPolicy, Task


def tasks(*problems: str) -> list[Task]:
    return [Task({"problem": p, "path": f"{i}.py"}, meta=i) for i, p in enumerate(problems)]


def drain(policy: BatchPolicy) -> list[list[int]]:
    out = []
    while batch := policy.next_batch():
        out.append([t.meta for t in batch])
    return out


def test_batches_hold_one_problem_and_the_fullest_group_goes_first():
    policy = BatchPolicy(tasks("a", "b", "b", "a", "b", "c"), jobs=1, batch_size=2, window=6)
    first = policy.next_batch()
    assert [t.request["problem"] for t in first] == ["b", "b"]  # b has 3 in the window, a 2, c 1
    assert [t.meta for t in first] == [1, 2]  # in source order


def test_ties_go_to_the_group_seen_first():
    policy = BatchPolicy(tasks("x", "y", "x", "y"), jobs=1, batch_size=8, window=8)
    assert [t.meta for t in policy.next_batch()] == [0, 2]
    assert drain(policy) == [[1], [3]]  # the end of the class: batches of held // (2 * jobs) = 1


def test_window_bounds_how_far_ahead_the_source_is_read():
    consumed = []

    def source():
        for t in tasks(*["p"] * 100):
            consumed.append(t.meta)
            yield t

    policy = BatchPolicy(source(), jobs=1, batch_size=4, window=10)
    assert len(policy.next_batch()) == 4
    assert len(consumed) == 10 and policy.held == 6 and not policy.exhausted
    policy.next_batch()
    assert len(consumed) == 14  # refilled up to the window, never beyond


def test_last_pairs_go_out_in_smaller_batches():
    policy = BatchPolicy(tasks(*["p"] * 10), jobs=2, batch_size=16, window=128)
    sizes = [len(b) for b in drain(policy)]
    assert sizes[0] == 10 // (2 * 2)  # the source is exhausted at once: about held / (2 * jobs) per batch
    assert sum(sizes) == 10 and sizes[-1] == 1 and max(sizes) < 16


def test_full_batches_while_the_source_lasts():
    policy = BatchPolicy(tasks(*["p"] * 200), jobs=2, batch_size=16, window=32)
    assert [len(policy.next_batch()) for _ in range(5)] == [16] * 5


def test_every_task_goes_out_exactly_once_and_attempts_are_counted():
    ts = tasks(*("abcab" * 7))
    batches = drain(BatchPolicy(ts, jobs=3, batch_size=4, window=9))
    assert sorted(m for b in batches for m in b) == list(range(len(ts)))
    assert all(t.attempts == 1 for t in ts)


def test_a_failed_task_is_retried_alone_and_first_then_the_failure_is_final():
    ts = tasks("p", "p", "p")
    policy = BatchPolicy(ts, jobs=1, batch_size=2, window=2, retries=1)
    first = policy.next_batch()
    assert [t.meta for t in first] == [0, 1]
    assert policy.failed(first[0], "child died") is True
    assert policy.next_batch() == [first[0]]  # alone, before the rest of the source
    assert first[0].attempts == 2
    assert policy.failed(first[0], "child died again") is False
    assert first[0].errors == ["child died", "child died again"]
    assert [t.meta for t in policy.next_batch()] == [2]


def test_no_retries():
    ts = tasks("p")
    policy = BatchPolicy(ts, retries=0)
    (task,) = policy.next_batch()
    assert not policy.can_retry(task) and policy.failed(task, "x") is False
    assert policy.next_batch() == []
