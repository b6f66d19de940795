import os
import subprocess
import sys
from pathlib import Path

from facegate.server.config import Device
from facegate.server.distribution import find_distribution
from facegate.server.triton_environment import server_environment

BASE = {"PATH": "/usr/bin:/bin", "LD_LIBRARY_PATH": "/opt/cuda/lib64", "CUDA_VISIBLE_DEVICES": "1"}


def test_this_environments_python_comes_first_on_path():
    environment = server_environment(find_distribution(), Device.AUTO, BASE)
    first, *rest = environment["PATH"].split(os.pathsep)
    assert os.access(Path(first) / "python3", os.X_OK)
    assert Path(first) == Path(sys.prefix) / "bin"
    assert rest == ["/usr/bin", "/bin"]


def test_wheel_libraries_come_first_and_existing_ones_stay():
    distribution = find_distribution()
    directories = server_environment(distribution, Device.AUTO, BASE)["LD_LIBRARY_PATH"].split(os.pathsep)
    assert directories[0] == str(distribution.libraries)
    assert directories[-1] == "/opt/cuda/lib64"


def test_cpu_hides_the_gpus_and_auto_leaves_visibility_alone():
    distribution = find_distribution()
    assert server_environment(distribution, Device.CPU, BASE)["CUDA_VISIBLE_DEVICES"] == ""
    assert server_environment(distribution, Device.AUTO, BASE)["CUDA_VISIBLE_DEVICES"] == "1"
    assert "CUDA_VISIBLE_DEVICES" not in server_environment(distribution, Device.GPU, {"PATH": "/bin"})


def test_no_gpu_is_counted_when_all_are_hidden():
    code = "from python_backends.gpus import visible_gpu_count; print(visible_gpu_count())"
    result = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, "CUDA_VISIBLE_DEVICES": ""}, capture_output=True, text=True
    )
    assert result.stdout.strip() == "0"


def test_allocator_settings_give_large_blocks_back_unless_the_operator_set_their_own():
    distribution = find_distribution()
    environment = server_environment(distribution, Device.AUTO, BASE)
    assert environment["MALLOC_MMAP_THRESHOLD_"] == str(2**20)
    assert int(environment["DALI_MALLOC_POOL_THRESHOLD"]) >= 2**40
    assert server_environment(distribution, Device.AUTO, {**BASE, "MALLOC_MMAP_THRESHOLD_": "65536"})[
        "MALLOC_MMAP_THRESHOLD_"] == "65536"


def test_model_processes_get_single_threaded_blas_unless_the_operator_set_it():
    distribution = find_distribution()
    assert server_environment(distribution, Device.AUTO, BASE)["OPENBLAS_NUM_THREADS"] == "1"
    assert server_environment(distribution, Device.AUTO, {**BASE, "OPENBLAS_NUM_THREADS": "4"})[
        "OPENBLAS_NUM_THREADS"] == "4"
