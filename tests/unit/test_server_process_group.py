import subprocess
import time

from facegate.server.process_group import kill_group, live_members


def test_kill_group_ends_the_leader_and_its_children():
    process = subprocess.Popen(["sh", "-c", "sleep 60 & sleep 60 & wait"], start_new_session=True)
    time.sleep(0.3)
    assert sorted(live_members(process.pid))[0] == process.pid
    assert len(live_members(process.pid)) == 3
    assert kill_group(process.pid)
    process.wait()
    assert live_members(process.pid) == []


def test_an_empty_group_is_already_gone():
    process = subprocess.Popen(["true"], start_new_session=True)
    process.wait()
    assert kill_group(process.pid, timeout_s=0)
