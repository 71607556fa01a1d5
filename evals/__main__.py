"""`python -m evals`: the gold-set evaluation (see evals/run.py)."""

import sys

from .run import main

sys.exit(main())
