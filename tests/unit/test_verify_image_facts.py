from facegate import testdata
from python_backends.verify.image_facts import image_facts


def test_sizes_come_from_the_header():
    blob = testdata.read("obama")
    facts = image_facts(blob)
    assert facts.encoded_bytes == len(blob) and facts.width > 0 and facts.height > 0 and not facts.corrupt


def test_non_images_are_corrupt():
    assert image_facts(b"GIF89a....").corrupt
    assert image_facts(b"").corrupt and image_facts(b"").encoded_bytes == 0
