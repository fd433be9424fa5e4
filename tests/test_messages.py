"""judge/messages.py: an identical failure message is shown once, with how many more tests it applies to."""

from judge.messages import collapse


def t(name, status, message=""):
    return {"name": name, "status": status, "message": message}


def test_identical_failures_are_said_once_with_a_count():
    tests = [t("a", "timeout", "not run: budget"), t("b", "passed"), t("c", "timeout", "not run: budget"),
             t("d", "failed", "wrong value"), t("e", "timeout", "not run: budget")]
    shown = collapse(tests)
    assert [s.test["name"] for s in shown] == ["a", "b", "d"]
    assert shown[0].note == "same for 2 more tests" and [x["name"] for x in shown[0].same] == ["c", "e"]
    assert shown[1].note == "" and shown[2].note == ""


def test_the_same_message_with_another_verdict_is_not_merged_nor_are_passes():
    tests = [t("a", "failed", "x"), t("b", "error", "x"), t("c", "passed"), t("d", "passed"), t("e", "failed", "x")]
    shown = collapse(tests)
    assert [(s.test["name"], len(s.same)) for s in shown] == [("a", 1), ("b", 0), ("c", 0), ("d", 0)]
    assert shown[0].note == "same for 1 more test"
