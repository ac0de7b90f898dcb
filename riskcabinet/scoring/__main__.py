"""Entry point for `python -m riskcabinet.scoring`."""

import sys

from riskcabinet.scoring.cli import main

sys.exit(main())
