"""`python -m pingan_analysis ...` is the `pingan` command."""

import sys

from pingan_analysis.cli import main

sys.exit(main())
