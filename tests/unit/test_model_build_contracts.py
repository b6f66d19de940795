import numpy as np

from facegate.model_build.contracts import CONTRACTS, Preprocessing


def test_to_input_orders_channels_and_normalises():
    pixel = np.array([[[[10, 20, 30]]]], np.uint8)  # one RGB pixel
    bgr = Preprocessing(None, (1.0, 2.0, 3.0), (1.0, 2.0, 3.0), "BGR", "").to_input(pixel)
    assert bgr.shape == (1, 3, 1, 1) and bgr.dtype == np.float32
    np.testing.assert_allclose(bgr.ravel(), [(30 - 1) / 1, (20 - 2) / 2, (10 - 3) / 3])
    rgb = CONTRACTS["face_embedder"].preprocessing.to_input(pixel)
    np.testing.assert_allclose(rgb.ravel(), (np.array([10, 20, 30]) - 127.5) / 128)


def test_every_contract_names_its_outputs():
    assert CONTRACTS["face_detector"].outputs == ("loc", "conf", "landms")
    assert all(c.outputs and c.preprocessing.channel_order in ("RGB", "BGR") for c in CONTRACTS.values())


def test_to_pixels_orders_channels_and_keeps_the_pixels():
    pixel = np.array([[[[10, 20, 30]]]], np.uint8)
    bgr = Preprocessing(None, (1.0, 2.0, 3.0), (1.0, 2.0, 3.0), "BGR", "").to_pixels(pixel)
    assert bgr.shape == (1, 3, 1, 1) and bgr.dtype == np.uint8 and bgr.ravel().tolist() == [30, 20, 10]
