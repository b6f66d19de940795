"""A crashing process that called forbid_core_dumps leaves no core file (and a control that does)."""

import os
import resource
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

PR_GET_DUMPABLE = 3  # prctl(2)


def _crash(folder: Path, forbid: bool) -> str:
    """Runs a child in `folder` that allows itself core files, optionally forbids dumps, reports its
    limit and dumpable flag, then dies of SIGSEGV."""
    code = textwrap.dedent(f"""
        import ctypes, os, resource, signal
        from python_backends.core_dumps import forbid_core_dumps
        hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
        resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))
        if {forbid}:
            forbid_core_dumps()
        dumpable = ctypes.CDLL(None).prctl({PR_GET_DUMPABLE}, 0, 0, 0, 0)
        print(resource.getrlimit(resource.RLIMIT_CORE), dumpable, flush=True)
        os.kill(os.getpid(), signal.SIGSEGV)
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=folder, capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert result.returncode == -signal.SIGSEGV, result.stderr
    return result.stdout.strip()


def _cores_land_in_the_working_directory() -> bool:
    pattern = Path("/proc/sys/kernel/core_pattern").read_text().strip()
    return resource.getrlimit(resource.RLIMIT_CORE)[1] != 0 and not pattern.startswith("|") and "/" not in pattern


def test_a_crash_after_forbid_core_dumps_writes_nothing(tmp_path):
    assert _crash(tmp_path, forbid=True) == "(0, 0) 0"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(not _cores_land_in_the_working_directory(), reason="this kernel writes cores elsewhere")
def test_without_it_the_same_crash_leaves_a_core_file(tmp_path):
    """The control: the test above could fail on this machine."""
    _crash(tmp_path, forbid=False)
    assert any(path.name.startswith("core") for path in tmp_path.iterdir())
