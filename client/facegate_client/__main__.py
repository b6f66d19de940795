import sys

from facegate_client.cli import main

sys.exit(main())
