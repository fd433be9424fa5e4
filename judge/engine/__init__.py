"""The engine (decides grades): runs a problem's tests on a submission through the sol proxy and the executor,
and turns what it observes into verdicts, a score and a result. Part of the judge version."""
