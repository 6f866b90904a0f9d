"""``python -m dashboards.auth users …``: the users command without the dashboard."""

import sys

from dashboards.auth.cli import main

sys.exit(main())
