import pytest

from python_backends.verify.request_split import parts


@pytest.mark.parametrize("count, split", [(16, 2), (17, 2), (17, 3), (5, 8), (1, 2), (48, 4), (16, 1)])
def test_parts_cover_every_item_once_in_order_with_near_equal_sizes(count, split):
    slices = parts(count, split)
    assert [i for part in slices for i in range(count)[part]] == list(range(count))
    sizes = [part.stop - part.start for part in slices]
    assert len(slices) == min(split, count) and min(sizes) >= 1 and max(sizes) - min(sizes) <= 1


def test_no_items_is_one_empty_part():
    assert parts(0, 2) == [slice(0, 0)]


def test_split_below_one_is_refused():
    with pytest.raises(ValueError, match="split"):
        parts(4, 0)
