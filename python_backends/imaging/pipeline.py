"""DALI decoding of encoded images, followed by a model-specific graph.

Every preprocessing model shares the robust part here (header checks, batch
decode, finding which image broke a batch, rebuilding DALI after a failure) and
adds its own DALI operators through a `graph` function:

    def graph(images, inputs):          # images: decoded RGB uint8 HWC, one per blob
        return (warp_affine(images, inputs["matrix"], size=(112, 112)),)

    pipeline = ImagePipeline(graph, settings, sample_inputs={"matrix": types.FLOAT})
    (crops,) = pipeline.run(blobs, matrix=[m0, m1, ...])   # crops: (N, 112, 112, 3)

`sample_inputs` are per-sample arrays fed through `fn.external_source`, one per
blob, in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import numpy as np
from nvidia.dali import Pipeline, fn, types
from nvidia.dali.backend import TensorListCPU, TensorListGPU
from nvidia.dali.data_node import DataNode

from python_backends.imaging.errors import ImageProblem, InvalidImagesError
from python_backends.imaging.header import read_header
from python_backends.imaging.settings import DecodeSettings

Graph = Callable[[DataNode, Mapping[str, DataNode]], Sequence[DataNode]]
SampleInputs = Mapping[str, Sequence[np.ndarray]]
T = TypeVar("T")
_ENCODED = "__encoded"


def warp_affine(images: DataNode, matrices: DataNode, size: tuple[int, int], fill_value: float = 0.0) -> DataNode:
    """Warp each image with its own 2x3 matrix into an output of `size` (height, width).

    A matrix maps OUTPUT coordinates to SOURCE image coordinates (like OpenCV's
    WARP_INVERSE_MAP), in continuous pixel coordinates where the centre of the
    pixel at row i, column j is (j + 0.5, i + 0.5). Bilinear; outside is `fill_value`.
    """
    return fn.warp_affine(images, matrix=matrices, size=size, fill_value=fill_value,
                          inverse_map=True, interp_type=types.INTERP_LINEAR)


class ImagePipeline:
    """Decode encoded JPEG/PNG/BMP images (RGB uint8) with DALI and run `graph` on them.

    Not thread-safe: one instance per model instance (Triton calls `execute` serially).
    """

    def __init__(self, graph: Graph, settings: DecodeSettings,
                 sample_inputs: Mapping[str, types.DALIDataType] | None = None):
        self._graph = graph
        self._settings = settings
        self._sample_inputs = dict(sample_inputs or {})
        self._pipe: Pipeline | None = None

    @property
    def settings(self) -> DecodeSettings:
        return self._settings

    def run(self, blobs: Sequence[bytes], **sample_inputs: Sequence[np.ndarray]) -> tuple[np.ndarray, ...]:
        """Graph outputs stacked over the batch (each output must have one shape for all samples).

        Raises `InvalidImagesError` naming every unusable image; the pipeline stays usable.
        """
        outputs = self._run_checked(blobs, sample_inputs, lambda out: np.array(out.as_tensor()))
        return tuple(parts[0] if len(parts) == 1 else np.concatenate(parts) for parts in outputs)

    def run_samples(self, blobs: Sequence[bytes],
                    **sample_inputs: Sequence[np.ndarray]) -> tuple[list[np.ndarray], ...]:
        """Graph outputs as one array per sample (for outputs whose shape differs per image)."""
        outputs = self._run_checked(blobs, sample_inputs, lambda out: [np.array(out[i]) for i in range(len(out))])
        return tuple([sample for part in parts for sample in part] for parts in outputs)

    def map_samples(self, blobs: Sequence[bytes], each: Callable[[np.ndarray], T]) -> list[T]:
        """`each` of every sample of the graph's only output, in order, given a view of DALI's buffer (valid
        during the call only): no copy of a decoded image is kept (a burst of 10 Mpx frames held them all)."""
        (parts,) = self._run_checked(blobs, {}, lambda out: [each(np.asarray(out[i])) for i in range(len(out))])
        return [result for part in parts for result in part]

    def _run_checked(self, blobs: Sequence[bytes], sample_inputs: SampleInputs,
                     convert: Callable[[TensorListCPU], T]) -> list[list[T]]:
        """Per graph output, the converted outputs of each chunk of at most `max_batch_size` images."""
        if set(sample_inputs) != set(self._sample_inputs):
            raise TypeError(f"expected sample inputs {sorted(self._sample_inputs)}, got {sorted(sample_inputs)}")
        if not blobs:
            raise ValueError("empty batch")
        for name, values in sample_inputs.items():
            if len(values) != len(blobs):
                raise ValueError(f"{name}: {len(values)} values for {len(blobs)} images")
        problems = {}
        for index, blob in enumerate(blobs):
            try:
                self._settings.check(read_header(blob))
            except ImageProblem as problem:
                problems[index] = str(problem)
        if problems:
            raise InvalidImagesError(problems)
        encoded = [np.frombuffer(blob, dtype=np.uint8) for blob in blobs]
        step = self._settings.max_batch_size
        chunks = []
        for start in range(0, len(encoded), step):
            chunk_inputs = {name: values[start:start + step] for name, values in sample_inputs.items()}
            # Convert right away: DALI reuses its output buffers on the next run.
            chunks.append([convert(out) for out in self._run_chunk(encoded[start:start + step], chunk_inputs, start)])
        return [list(parts) for parts in zip(*chunks)]

    def _run_chunk(self, encoded: list[np.ndarray], sample_inputs: SampleInputs, offset: int) -> list[TensorListCPU]:
        try:
            return self._execute(encoded, sample_inputs)
        except RuntimeError as batch_error:
            self._pipe = None  # DALI may leave the pipeline unusable after an operator error
            problems = self._find_undecodable(encoded, sample_inputs)
            if not problems:
                raise
            raise InvalidImagesError({offset + index: reason for index, reason in problems.items()}) from batch_error

    def _find_undecodable(self, encoded: list[np.ndarray], sample_inputs: SampleInputs) -> dict[int, str]:
        """DALI fails a whole batch: run the images one by one to name the bad ones."""
        problems = {}
        for index, blob in enumerate(encoded):
            try:
                self._execute([blob], {name: values[index:index + 1] for name, values in sample_inputs.items()})
            except RuntimeError:
                self._pipe = None
                problems[index] = "corrupt or truncated image data"
        return problems

    def _execute(self, encoded: list[np.ndarray], sample_inputs: SampleInputs) -> list[TensorListCPU]:
        if self._pipe is None:
            self._pipe = self._build()
        outputs = self._pipe.run(**{_ENCODED: encoded}, **sample_inputs)
        return [out.as_cpu() if isinstance(out, TensorListGPU) else out for out in outputs]

    def _build(self) -> Pipeline:
        settings = self._settings
        # prefetch_queue_depth=1: each run() is fed exactly once (deeper queues wait for more data).
        pipe = Pipeline(batch_size=settings.max_batch_size, num_threads=settings.num_threads,
                        device_id=settings.device_id, prefetch_queue_depth=1)
        with pipe:
            encoded = fn.external_source(name=_ENCODED, dtype=types.UINT8, ndim=1)
            decoder_device = "cpu" if settings.device_id is None else "mixed"
            # affine=False: the mixed decoder would pin its host threads to cores, and every preprocessing
            # process of a node would pin to the same ones (ignored by the CPU decoder).
            images = fn.decoders.image(encoded, device=decoder_device, output_type=types.RGB, affine=False)
            inputs = {name: fn.external_source(name=name, dtype=dtype) for name, dtype in self._sample_inputs.items()}
            pipe.set_outputs(*self._graph(images, inputs))
        pipe.build()
        return pipe


def decode_images(blobs: Sequence[bytes], settings: DecodeSettings) -> list[np.ndarray]:
    """Decode to RGB uint8 HWC arrays (one-off use; keep an `ImagePipeline` for repeated calls)."""
    (images,) = ImagePipeline(lambda images, _: (images,), settings).run_samples(blobs)
    return images
