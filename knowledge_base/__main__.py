from __future__ import annotations

import sys

from knowledge_base.cli import main

sys.exit(main())
