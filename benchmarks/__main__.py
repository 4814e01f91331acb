"""``python -m benchmarks [--quick] [--check] [--out DIR]``: run the benchmark suite."""

import sys

from .driver import main

sys.exit(main())
