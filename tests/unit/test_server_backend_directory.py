import ast
import importlib.util
import os

from facegate.server.backend_directory import assemble_backend_directory
from facegate.server.distribution import find_distribution


def test_python_backend_sits_beside_the_stub(tmp_path):
    target = assemble_backend_directory(find_distribution(), tmp_path / "backends")
    python = target / "python"
    assert sorted(p.name for p in python.iterdir()) == [
        "libtriton_python.so",
        "triton_python_backend_stub",
        "triton_python_backend_utils.py",
    ]
    assert os.access(python / "triton_python_backend_stub", os.X_OK)


def test_onnxruntime_backend_imports_the_model_class_from_python_backends(tmp_path):
    model_py = assemble_backend_directory(find_distribution(), tmp_path) / "onnxruntime" / "model.py"
    [statement] = [node for node in ast.parse(model_py.read_text()).body if isinstance(node, ast.ImportFrom)]
    assert [alias.name for alias in statement.names] == ["TritonPythonModel"]
    assert importlib.util.find_spec(statement.module) is not None
