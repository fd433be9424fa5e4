"""``python -m judge.sandbox [--setup]``: which sandbox tiers run here, and why ``bwrap`` (or ``container``) does
not."""

import sys

from judge.sandbox.launch import main

sys.exit(main())
