"""Everything that runs inside the sandbox, and nothing else: the worker, the zygote's loop, the wire format.

Only this folder is bound into a bwrap sandbox (at ``/sandbox/judge/isolated``), so the code of the trusted side
(tests, checkers, grading, the sandbox builder) is never even readable from there. Modules here import nothing
from the rest of :mod:`judge` (``tests/test_fitness.py`` checks it); the trusted side imports :mod:`.wire` and
constants from here, never the other way round.
"""
