from python_backends.decision.reasons import Reason, Verdict, reason_codes_markdown
from facegate.paths import REPO_ROOT


def test_reason_codes_doc_is_current():
    assert (REPO_ROOT / "docs" / "reason-codes.md").read_text() == reason_codes_markdown(), (
        "regenerate: python -m python_backends.decision > docs/reason-codes.md"
    )


def test_codes_are_their_names_and_never_imply_accept():
    for reason in Reason:
        assert reason.value == reason.name
        assert reason.verdict in (Verdict.RETRY, Verdict.REJECT)
        assert reason.description.endswith(".")
        assert Reason(reason.value) is reason


def test_doc_lists_every_code_with_its_decision():
    doc = reason_codes_markdown()
    for reason in Reason:
        assert f"| `{reason.value}` | {reason.verdict.value} |" in doc
