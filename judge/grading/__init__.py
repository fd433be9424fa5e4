"""Instructor workflow: grading a class (``judge grade``), the student release, the Gradescope export.

| module | responsibility |
|---|---|
| ``roster.py`` | reading a submissions folder: students, (student, problem) pairs, refused links, ignored files |
| ``names.py`` | file names as students write them, normalized to problem ids; junk files |
| ``collect.py`` | ``judge collect``: LMS downloads (Canvas, Moodle, Gradescope, GitHub Classroom) into a class folder |
| ``course.py`` | ``course.toml``: roster CSV, assignments with weights and deadlines, late policy, extensions |
| ``gradebook.py`` | the SQLite (WAL) gradebook, one row per pair, committed as soon as it is graded; overrides, |
| | submission times, similarity pairs, and every query the outputs render |
| ``child.py`` | a grading child process: grades pairs fed as JSON lines with the judge core's runner |
| ``pool.py`` | N long-lived grading children, replaced when they die, with retries |
| ``grade.py`` | the ``judge grade`` driver: skip what is graded, progress, outputs, judge errors |
| ``outputs.py`` | grades.csv, results/<student>/<problem>.json, feedback/<student>.md, canvas.csv, moodle.csv |
| ``similarity.py`` | winnowed token fingerprints: the similarity pairs of each problem |
| ``shard.py`` | ``judge merge``: joining the gradebooks of ``judge grade --shard K/N`` runs |
| ``html_report.py`` | the self-contained class report (report.html) |
| ``gradescope.py`` | Gradescope's results.json format and the autograder bundle |
| ``autograder.py`` | what ``run_autograder`` runs inside a Gradescope container |
| ``release.py`` | the student distribution and its leak scan |
| ``inert_text.py`` | student text made inert in every output: CSV formula cells, control and bidi characters |
| ``bounded.py`` | instructor inputs read as bounded regular files (course, roster, manifest, submissions) |
"""
