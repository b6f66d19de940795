import os

import pytest

from facegate.server.distribution import DistributionError, find_distribution


def test_finds_the_server_and_the_stub_for_this_python():
    distribution = find_distribution()
    assert os.access(distribution.server_binary, os.X_OK)
    assert (distribution.python_backend / "libtriton_python.so").is_file()
    assert distribution.python_stub.parent.name == "3.11"
    assert any(distribution.libraries.glob("libtritonserver*.so"))


def test_a_python_without_a_stub_is_named():
    with pytest.raises(DistributionError, match="python_backend_stubs/2.7"):
        find_distribution(python_version=(2, 7))
