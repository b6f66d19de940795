import pytest

from python_backends.detection.priors import PriorSpec, prior_boxes


@pytest.mark.parametrize("size, count", [(320, 2 * (40**2 + 20**2 + 10**2)), (640, 2 * (80**2 + 40**2 + 20**2)),
                                         (300, 2 * (38**2 + 19**2 + 10**2))])
def test_prior_count(size, count):
    assert prior_boxes(PriorSpec(), size).shape == (count, 4)


def test_prior_order_sizes_inner_then_x_then_y_then_stride():
    priors = prior_boxes(PriorSpec(), 320)
    assert priors[:3].tolist() == [[4, 4, 16, 16], [4, 4, 32, 32], [12, 4, 16, 16]]
    assert priors[2 * 40].tolist() == [4, 12, 16, 16]  # second row of stride 8
    assert priors[2 * 1600].tolist() == [8, 8, 64, 64]  # first cell of stride 16
    assert priors[-1].tolist() == [304, 304, 512, 512]


def test_priors_are_cached_and_read_only():
    priors = prior_boxes(PriorSpec(), 320)
    assert prior_boxes(PriorSpec(), 320) is priors
    with pytest.raises(ValueError):
        priors[0, 0] = 1


def test_spec_from_parameters():
    spec = PriorSpec.from_parameters({"prior_steps": "8,16", "prior_min_sizes": "10,20;30", "variances": "0.1,0.3"})
    assert spec == PriorSpec((8, 16), ((10, 20), (30,)), (0.1, 0.3))
    assert PriorSpec.from_parameters({}) == PriorSpec()
    assert len(prior_boxes(spec, 32)) == 2 * 16 + 4


def test_spec_needs_sizes_per_stride():
    with pytest.raises(ValueError):
        PriorSpec(steps=(8, 16), min_sizes=((16,),))
