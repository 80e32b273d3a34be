"""``python -m priorml``: the same command as the installed ``priorml`` entry point (``priorml.cli:main``)."""

import sys

from priorml.cli import main

if __name__ == "__main__":
    sys.exit(main())
