"""ONNX Runtime as a Triton *Python-based backend* (`backend: "onnxruntime"` on the pip server).

The Triton-independent parts (config parsing, provider choice, batch merge/split) live in
plain modules; `triton_model` is the thin adapter the server's backend directory imports.
"""
