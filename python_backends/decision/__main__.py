"""`python -m python_backends.decision > docs/reason-codes.md` regenerates the reason-code table."""

import sys

from python_backends.decision.reasons import reason_codes_markdown

sys.stdout.write(reason_codes_markdown())
