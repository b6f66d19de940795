import numpy as np
import pytest

from facegate import testdata
from python_backends.imaging import DecodeSettings
from python_backends.imaging.input_spec import ANTISPOOF_INPUT, ModelInputSpec
from python_backends.liveness.crop_meta import CropMeta
from python_backends.liveness.placement import LivenessCrops, face_placements
from python_backends.liveness.preprocess import LivenessPreprocessor

BOX = np.array([[350.0, 200.0, 560.0, 500.0]])
LANDMARKS = np.array([[[400.0, 300.0], [500.0, 320.0], [450.0, 370.0], [410.0, 420.0], [490.0, 435.0]]])


def normalised_by_the_model(pixels: np.ndarray, spec: ModelInputSpec) -> np.ndarray:
    """What the built model's first nodes make of its uint8 input (facegate models build: take_pixels)."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper

    from facegate.model_build.graph_edit import take_pixels

    shape = ["n", 3, spec.input_size, spec.input_size]
    graph = helper.make_graph([helper.make_node("Identity", ["input"], ["out"])], "g",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, shape)],
                              [helper.make_tensor_value_info("out", TensorProto.FLOAT, shape)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    take_pixels(model, "input", spec.mean, spec.std)
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    return session.run(None, {"input": pixels})[0]


def test_parameters_reach_both_crops():
    crops = LivenessCrops.from_parameters({"landmarker_box_scale": "1.6", "antispoof_input_size": "128"})
    assert crops.landmarker_box_scale == 1.6 and crops.antispoof.input_size == 128
    assert crops.landmarker.input_size == 192


def test_placement_maps_crop_centre_to_box_centre_with_the_eye_line():
    (placement,) = face_placements(BOX, LANDMARKS, LivenessCrops())
    meta = CropMeta.from_array(placement.crop_meta)
    centre, right_of_centre = meta.crop_to_image.apply([[96.0, 96.0], [192.0, 96.0]])
    np.testing.assert_allclose(centre, [455.0, 350.0], atol=1e-3)
    direction = right_of_centre - centre
    assert np.degrees(np.arctan2(direction[1], direction[0])) == pytest.approx(np.degrees(np.arctan2(20, 100)), abs=1e-3)
    assert np.linalg.norm(direction) == pytest.approx(300 * 1.3 / 2, rel=1e-5)


@pytest.mark.parametrize("boxes, landmarks", [(BOX, LANDMARKS[:, :4]), (BOX[0], LANDMARKS), (BOX, np.repeat(LANDMARKS, 2, 0))])
def test_rejects_mismatched_tensors(boxes, landmarks):
    with pytest.raises(ValueError):
        face_placements(boxes, landmarks, LivenessCrops())


def test_one_decode_gives_both_crops_and_meta():
    crops = LivenessCrops()
    preprocessor = LivenessPreprocessor(crops, DecodeSettings(max_batch_size=2))
    placements = face_placements(np.repeat(BOX, 2, 0), np.repeat(LANDMARKS, 2, 0), crops)
    blob = testdata.read("obama")
    lmk, antispoof_crops, meta = preprocessor.run(list(zip([blob, blob], placements)))
    spoof = preprocessor.antispoof_input(antispoof_crops)
    assert lmk.shape == (2, 3, 192, 192) and antispoof_crops.shape == (2, 256, 256, 3) and meta.shape == (2, 6)
    assert antispoof_crops.dtype == np.uint8 and spoof.shape == (2, 3, 256, 256) and spoof.dtype == np.uint8
    assert lmk.dtype == np.uint8 and lmk.std() > 10  # pixels: the models normalise them
    np.testing.assert_array_equal(lmk[0], lmk[1])


@pytest.mark.parametrize("antispoof", [ANTISPOOF_INPUT, ModelInputSpec(256, (127.5, 120, 110), (128, 64, 32), "BGR")])
def test_spoof_input_and_sharpness_are_those_of_dalis_normalised_crop(antispoof):
    """SPOOF_INPUT's pixels, normalised by the model (graph_edit.take_pixels), are DALI's crop_mirror_normalize
    output bit for bit; the crop cut on the host is DALI's warp within one grey level, and its sharpness the
    one DALI's normalised crop gave (the blur gates' scale) within 1 %."""
    from nvidia.dali import fn, types

    from python_backends.imaging import ImagePipeline, warp_affine
    from python_backends.liveness.sharpness import crop_sharpness
    from tests.unit.sharpness_reference import face_sharpness

    crops, settings = LivenessCrops(antispoof=antispoof), DecodeSettings(max_batch_size=1)
    spec, side = crops.antispoof, crops.antispoof.input_size
    placement = face_placements(BOX, LANDMARKS, crops)[0]
    blob = testdata.read("obama")
    preprocessor = LivenessPreprocessor(crops, settings)
    _, antispoof_crops, _ = preprocessor.run([(blob, placement)])

    def graph(images, inputs):
        crop = warp_affine(images, inputs["m"], size=(side, side))
        ordered = crop if spec.channel_order == "RGB" else fn.color_space_conversion(
            crop, image_type=types.RGB, output_type=types.BGR)
        return crop, fn.crop_mirror_normalize(ordered, mean=list(spec.mean), std=list(spec.std),
                                              dtype=types.FLOAT, output_layout="CHW")

    dali = ImagePipeline(graph, settings, sample_inputs={"m": types.FLOAT})
    dali_crop, expected = dali.run([blob], m=[placement.antispoof_matrix])
    np.testing.assert_array_equal(normalised_by_the_model(preprocessor.antispoof_input(dali_crop), spec), expected)
    assert np.abs(antispoof_crops.astype(int) - dali_crop.astype(int)).max() <= 1
    assert crop_sharpness(antispoof_crops)[0] == pytest.approx(face_sharpness(expected, spec)[0, 0], rel=0.01)
