"""README promises: the reason codes are one link away, and every file the README links to exists."""

import re

from facegate.paths import REPO_ROOT

README = (REPO_ROOT / "README.md").read_text()


def test_readme_points_to_the_generated_reason_code_table():
    assert "(docs/reason-codes.md)" in README  # the table itself is checked by test_decision_reasons


def test_every_relative_link_in_the_readme_resolves():
    targets = {link.split("#")[0] for link in re.findall(r"\]\(([^)#:]+(?:#[^)]*)?)\)", README)}
    missing = sorted(t for t in targets if not (REPO_ROOT / t).exists())
    assert not missing, missing
