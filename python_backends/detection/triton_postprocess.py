"""Triton adapter: RetinaFace outputs + DET_META -> faces in original image pixels."""

from __future__ import annotations

import json

import numpy as np
import triton_python_backend_utils as pb_utils

from python_backends.core_dumps import forbid_core_dumps
from python_backends.detection import Letterbox, find_faces, pack_faces
from python_backends.detection.faces import postprocess_settings
from python_backends.triton_responses import error_response, response


class TritonPythonModel:
    def initialize(self, args: dict[str, str]) -> None:
        forbid_core_dumps()
        self._params, self._priors = postprocess_settings(json.loads(args["model_config"]))

    def execute(self, requests: list) -> list:
        responses = []
        for request in requests:
            try:
                responses.append(self._detect(request))
            except ValueError as error:
                responses.append(error_response(error))
        return responses

    def _detect(self, request):
        loc, conf, landms, meta = (pb_utils.get_input_tensor_by_name(request, name).as_numpy()
                                   for name in ("loc", "conf", "landms", "DET_META"))
        if not len(loc) == len(conf) == len(landms) == len(meta):
            raise ValueError(f"batch sizes differ: loc {len(loc)}, conf {len(conf)}, landms {len(landms)}, "
                             f"DET_META {len(meta)}")
        letterboxes = [Letterbox.from_meta(row) for row in meta]
        packed = pack_faces([find_faces(loc[i], conf[i], landms[i], box, self._params, self._priors)
                             for i, box in enumerate(letterboxes)])
        image_size = np.array([[box.image_h, box.image_w] for box in letterboxes], dtype=np.int32)
        return response({"BOXES": packed.boxes, "SCORES": packed.scores, "LANDMARKS": packed.landmarks,
                         "NUM_FACES": packed.num_faces, "IMAGE_SIZE": image_size})
