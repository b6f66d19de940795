import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from facegate.server.private_namespace import private_child_setup


def test_the_child_gets_a_private_0700_tmpfs_on_dev_shm():
    marker = f"facegate-test-{os.getpid()}"
    script = f"stat -c '%a %d' /dev/shm; echo secret > /dev/shm/{marker}; cat /dev/shm/{marker}"
    result = subprocess.run(["sh", "-c", script], preexec_fn=private_child_setup(os.getpid()),
                            capture_output=True, text=True, check=True)
    mode, device, content = result.stdout.split()
    assert mode == "700" and int(device) != os.stat("/dev/shm").st_dev and content == "secret"
    assert not Path("/dev/shm", marker).exists(), "the region must not reach the host's /dev/shm"


def test_the_child_is_killed_with_its_launcher(tmp_path):
    """A launcher process starts a long sleep with the setup, reports its pid, and is SIGKILLed."""
    launcher_code = textwrap.dedent("""
        import os, subprocess, sys, time
        from facegate.server.private_namespace import private_child_setup
        child = subprocess.Popen(["sleep", "60"], preexec_fn=private_child_setup(os.getpid()), start_new_session=True)
        print(child.pid, flush=True)
        time.sleep(60)
    """)
    launcher = subprocess.Popen([sys.executable, "-c", launcher_code], stdout=subprocess.PIPE, text=True)
    child_pid = int(launcher.stdout.readline())
    launcher.kill()
    launcher.wait()
    deadline = time.monotonic() + 5
    while Path(f"/proc/{child_pid}").exists() and time.monotonic() < deadline:
        state = Path(f"/proc/{child_pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        if state == "Z":
            break  # dead, waiting for init to reap it
        time.sleep(0.05)
    assert not Path(f"/proc/{child_pid}").exists() or state == "Z"


def test_pod_isolation_keeps_the_containers_own_dev_shm():
    """--shm-isolation pod: no unshare (seccomp's RuntimeDefault refuses it), the pod's /dev/shm as it is."""
    result = subprocess.run(["stat", "-c", "%d", "/dev/shm"], preexec_fn=private_child_setup(os.getpid(), False),
                            capture_output=True, text=True, check=True)
    assert int(result.stdout) == os.stat("/dev/shm").st_dev


def test_a_server_started_from_a_thread_that_ends_lives_on():
    """PR_SET_PDEATHSIG follows the forking thread: the launcher forks from its long-lived spawner thread
    (the two-server test restarts a node from a short-lived thread; without it that node died at once)."""
    import threading
    from facegate.server.launcher import spawn
    started = []
    thread = threading.Thread(target=lambda: started.append(
        spawn(["sleep", "30"], preexec_fn=private_child_setup(os.getpid(), False))))
    thread.start()
    thread.join()
    time.sleep(0.5)
    child = started[0]
    try:
        assert child.poll() is None, "the child died with the thread that asked for it"
    finally:
        child.kill()
        child.wait()


def test_the_child_and_what_it_starts_may_write_no_core_file():
    """RLIMIT_CORE 0 soft and hard: tritonserver cannot raise it, its model processes inherit it."""
    for private_shm in (True, False):
        result = subprocess.run(["sh", "-c", "ulimit -S -c unlimited 2>/dev/null; sh -c 'ulimit -S -c; ulimit -H -c'"],
                                preexec_fn=private_child_setup(os.getpid(), private_shm),
                                capture_output=True, text=True, check=True)
        assert result.stdout.split() == ["0", "0"]
