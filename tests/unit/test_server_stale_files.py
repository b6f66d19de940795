import os
import subprocess

from facegate.server.stale_files import remove_stale, shm_prefix, workdir_prefix


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_only_what_dead_launchers_left_is_removed(tmp_path):
    dead = _dead_pid()
    stale_dir = tmp_path / f"facegate-triton-{dead}-abc"
    (stale_dir / "state").mkdir(parents=True)
    stale_region = tmp_path / f"facegate_{dead}_1234abcd_region"
    stale_region.write_bytes(b"\xff\xd8\xff image")
    live_dir = tmp_path / f"{workdir_prefix()}xyz"
    live_dir.mkdir()
    live_region = tmp_path / f"{shm_prefix('ab')}region"
    live_region.write_bytes(b"x")
    old_style = tmp_path / f"facegate-triton-{dead}_ab"  # a random mkdtemp suffix, not a pid: never matched
    old_style.mkdir()
    unrelated = tmp_path / f"other_{dead}_x"
    unrelated.write_bytes(b"x")
    assert sorted(remove_stale((tmp_path,))) == sorted([stale_dir, stale_region])
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in (live_dir, live_region, old_style,
                                                                                 unrelated))


def test_prefixes_carry_this_launchers_pid():
    assert workdir_prefix() == f"facegate-triton-{os.getpid()}-"
    assert shm_prefix("ab12") == f"facegate_{os.getpid()}_ab12_"
