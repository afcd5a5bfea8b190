import sys

from analytics.cli import main

sys.exit(main(sys.argv[1:]))
