"""The task worker is supervised (issue #21): whatever ends it, it is started again.
`make run` and deploy/recipe.sh run it under deploy/supervise.sh; the systemd unit restarts it
with Restart=always."""

import configparser
import os
import signal
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SUPERVISE = ROOT / "deploy" / "supervise.sh"


def _children(pid: int) -> list[int]:
    """The supervised command's processes (not the pause between two runs)."""
    found = subprocess.run(["pgrep", "-P", str(pid), "-f", "sleep 600"], capture_output=True)
    return [int(child) for child in found.stdout.split()]


def _started(starts: Path) -> int:
    return starts.read_text().count("start") if starts.exists() else 0


def _wait_for(predicate, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("condition not reached")


def test_a_killed_or_failing_command_is_started_again_and_sigterm_stops_all(tmp_path):
    starts = tmp_path / "starts"
    script = f'echo start >> "{starts}"; exec sleep 600'
    env = {**os.environ, "SUPERVISE_DELAY": "0.1"}
    supervisor = subprocess.Popen(
        [str(SUPERVISE), "sh", "-c", script], env=env, stderr=subprocess.PIPE, text=True
    )
    try:
        # The child's shell matches "sleep 600" before it has written its start: kill it only
        # once the start is written, or the count below misses one.
        _wait_for(lambda: _started(starts) >= 1)
        first = _wait_for(lambda: _children(supervisor.pid))[0]
        os.kill(first, signal.SIGKILL)  # as the kernel's OOM killer would
        _wait_for(lambda: _started(starts) >= 2)
        second = _wait_for(lambda: [p for p in _children(supervisor.pid) if p != first])[0]
        os.kill(second, signal.SIGTERM)  # or a worker dying of "database is locked"
        _wait_for(lambda: starts.read_text().count("start") >= 3)
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=30) == 0
        _, log = supervisor.communicate()
        assert log.count("restarting in 0.1s") == 2 and "status 137" in log
        time.sleep(0.3)
        assert starts.read_text().count("start") == 3  # nothing started after the stop
    finally:
        if supervisor.poll() is None:
            for child in _children(supervisor.pid):
                os.kill(child, signal.SIGKILL)
            supervisor.kill()


def test_make_run_and_the_recipe_supervise_the_worker():
    makefile = (ROOT / "Makefile").read_text()
    assert "deploy/supervise.sh $(DANGBO) db_worker" in makefile
    assert 'deploy/supervise.sh "$VENV/dangbo" db_worker' in (ROOT / "deploy/recipe.sh").read_text()


def test_the_systemd_worker_unit_restarts_always():
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.read(ROOT / "deploy" / "systemd" / "dangbo-worker.service")
    assert unit["Service"]["Restart"] == "always"
    assert unit["Service"]["ExecStart"].endswith("dangbo db_worker --no-reload")
