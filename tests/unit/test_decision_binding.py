import pytest

from python_backends.decision.binding import HASH_CHARS, Binding, bind

SECRET, OTHER = b"s" * 32, b"o" * 32


def test_the_binding_holds_keyed_hashes_never_the_references():
    binding = bind(SECRET, "hmac-of-id-4711", "handset-9")
    assert len(binding.subject) == len(binding.device) == HASH_CHARS
    assert "4711" not in repr(binding) and "handset" not in repr(binding)
    assert binding.keys() == (f"subject:{binding.subject}", f"device:{binding.device}")


def test_same_key_same_hash_other_key_or_kind_another():
    assert bind(SECRET, "ref", None) == bind(SECRET, "ref", None)  # every node of a fleet agrees
    assert bind(SECRET, "ref", None).subject != bind(OTHER, "ref", None).subject
    assert bind(SECRET, "ref", "ref").subject != bind(SECRET, "ref", "ref").device


def test_no_references_no_keys():
    assert bind(SECRET, None, None) == Binding() and Binding().keys() == ()


@pytest.mark.parametrize("reference", ["", "x" * 257, "tab\there"])
def test_unusable_references_are_refused(reference):
    with pytest.raises(ValueError, match="subject"):
        bind(SECRET, reference, None)


def test_a_binding_cannot_carry_raw_text():
    with pytest.raises(ValueError):
        Binding(subject="hmac-of-id-4711")
