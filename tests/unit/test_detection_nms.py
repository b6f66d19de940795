import numpy as np

from python_backends.detection.nms import box_iou, nms


def test_iou():
    box = np.array([0, 0, 10, 10], np.float32)
    others = np.array([[0, 0, 10, 10], [5, 0, 15, 10], [20, 20, 30, 30]], np.float32)
    assert np.allclose(box_iou(box, others), [1.0, 50 / 150, 0.0])


def test_suppresses_overlapping_boxes_and_keeps_separate_ones_best_first():
    boxes = np.array([[0, 0, 10, 10], [1, 1, 11, 11], [50, 50, 60, 60], [0, 0, 10, 10.5]], np.float32)
    scores = np.array([0.8, 0.95, 0.7, 0.6], np.float32)
    assert nms(boxes, scores, iou_threshold=0.4).tolist() == [1, 2]


def test_overlap_below_threshold_is_kept():
    boxes = np.array([[0, 0, 10, 10], [5, 0, 15, 10]], np.float32)  # IoU 1/3
    scores = np.array([0.9, 0.8], np.float32)
    assert nms(boxes, scores, 0.4).tolist() == [0, 1]
    assert nms(boxes, scores, 0.3).tolist() == [0]


def test_empty():
    assert nms(np.zeros((0, 4), np.float32), np.zeros(0, np.float32), 0.4).tolist() == []
