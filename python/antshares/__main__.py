import sys

from antshares.cli import main

sys.exit(main())
