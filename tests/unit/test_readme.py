"""README promises: every reason code is documented there with the decision it implies."""

from facegate.paths import REPO_ROOT
from python_backends.decision import Reason


def test_readme_lists_every_reason_code_with_its_decision():
    readme = (REPO_ROOT / "README.md").read_text()
    for reason in Reason:
        assert f"| `{reason.value}` | {reason.verdict.value} | {reason.description} |" in readme, reason.value
