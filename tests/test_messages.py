"""judge/feedback/messages.py: an identical failure message is shown once, with how many more tests it applies to."""

from judge.feedback.messages import collapse


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


def test_feedback_and_gradescope_say_a_repeated_message_once():
    from judge.grading.gradescope import to_gradescope

    tests = [{"name": f"t{i}", "visibility": "hidden", "status": "timeout", "score": 0.0, "max_score": 1.0,
              "message": "not run: budget", "duration_s": 0.0} for i in range(4)]
    result = {"problem": "p", "status": "failed", "score": 0.0, "max_score": 4.0, "tests": tests}
    doc = to_gradescope([result])
    outputs = [t["output"] for t in doc["tests"]]
    assert outputs[0] == "timeout: not run: budget\n(same for 3 more tests)"
    assert outputs[1:] == ["timeout: same as t0"] * 3


def test_a_feedback_file_says_a_repeated_message_once(tmp_path):
    from judge.grading.gradebook import Gradebook
    from judge.grading.outputs import write_student_files

    tests = [{"name": f"test_{i}", "visibility": "hidden", "status": "timeout", "score": 0.0, "max_score": 1.0,
              "message": "not run: your code timed out in 5 tests in a row", "duration_s": 0.0} for i in range(12)]
    tests.append({"name": "test_other", "visibility": "public", "status": "failed", "score": 0.0, "max_score": 1.0,
                  "message": "wrong value", "duration_s": 0.0})
    result = {"problem": "p", "status": "failed", "score": 0.0, "max_score": 13.0, "duration_s": 1.0,
              "judge_version": "x", "solution_sha256": "a" * 64, "tests_sha256": "b" * 64, "visibility": "all",
              "sandbox": "bwrap", "tests": tests}
    book = Gradebook(tmp_path / "gradebook.db")
    book.set_roster([("ada", "p")])
    book.record("ada", "p", result=result, solution_sha256="a" * 64, tests_sha256="b" * 64, judge_version="x",
                sandbox="bwrap")
    write_student_files(book, tmp_path)
    book.close()
    text = (tmp_path / "feedback" / "ada.md").read_text()
    assert text.count("not run: your code timed out") == 1
    assert "same for 11 more tests: `test_1`, `test_2`" in text and "and 3 more" in text
    assert text.count("wrong value") == 1
