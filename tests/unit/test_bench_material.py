from facegate.bench.material import clip_indices


def test_clip_indices_spread_over_the_clip_and_keep_the_blink():
    for frames in (8, 16, 48):
        indices = clip_indices(frames)
        assert len(indices) == len(set(indices)) == frames and indices == sorted(indices)
        assert 386 in indices and indices[0] == 374 and indices[-1] == 469
