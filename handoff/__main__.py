"""Entry point: `python -m handoff` serves; `python -m handoff users create|list|passwd` manages agents."""

from __future__ import annotations

import sys

from handoff.cli import main

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
