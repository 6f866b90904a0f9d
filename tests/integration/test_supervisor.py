"""deploy/supervise.py with small stand-in programs: a killed program comes back, quick
exits back off, and SIGTERM leaves no process behind (even ones that ignore SIGTERM or
leave their process group)."""

from __future__ import annotations

import importlib.util
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

REPO = Path(__file__).resolve().parents[2]
SUPERVISE = REPO / "deploy" / "supervise.py"
PY = sys.executable


def _wait_for(condition: Callable[[], object], timeout: float, what: str) -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"not within {timeout} s: {what}")


class Marked:
    """The processes of one test, found by a unique word in their command line."""

    def __init__(self) -> None:
        self.word = f"wsi-test-{uuid.uuid4().hex[:12]}"

    def sleeper(self, role: str, code: str = "") -> str:
        """A python command that runs ``code`` then sleeps, carrying the marker and its
        role as its last two arguments."""
        return f"{PY} -c '{code}import time; time.sleep(600)' {self.word} {role}"

    def alive(self) -> list[psutil.Process]:
        found = []
        for process in psutil.process_iter(["cmdline", "status"]):
            cmdline = process.info["cmdline"] or []
            if self.word in cmdline and process.info["status"] != psutil.STATUS_ZOMBIE:
                found.append(process)
        return found

    def pids(self, role: str) -> set[int]:
        return {p.pid for p in self.alive() if p.cmdline()[-1] == role}


@pytest.fixture
def marked() -> Iterator[Marked]:
    marked = Marked()
    yield marked
    for process in marked.alive():  # only if a test failed half-way
        process.kill()


def _supervise(tmp_path: Path, *programs: str, options: tuple[str, ...] = ()) -> subprocess.Popen:
    argv = [PY, str(SUPERVISE), *options]
    for program in programs:
        argv += ["--program", program]
    errors = open(tmp_path / "supervise.log", "wb")  # noqa: SIM115 (closed by the test)
    return subprocess.Popen(argv, stderr=errors, start_new_session=True)


def test_a_killed_program_comes_back_and_term_leaves_nothing(
    tmp_path: Path, marked: Marked
) -> None:
    # family starts a child in its process group and one in a session of its own
    child = 'args = [sys.executable, "-c", "import time; time.sleep(600)", sys.argv[1]]; '
    family = (
        "import subprocess, sys; "
        + child
        + 'subprocess.Popen(args + ["grandchild"]); '
        + 'subprocess.Popen(args + ["escaper"], start_new_session=True); '
    )
    stubborn = "import signal; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
    supervisor = _supervise(
        tmp_path,
        f"plain={marked.sleeper('plain')}",
        f"family={marked.sleeper('family', family)}",
        f"stubborn={marked.sleeper('stubborn', stubborn)}",
        options=("--min-backoff", "0.2", "--grace", "2"),
    )
    try:
        # plain, stubborn, family and its two children
        _wait_for(lambda: len(marked.alive()) == 5, 30, "five processes running")
        (plain,) = marked.pids("plain")
        psutil.Process(plain).kill()
        _wait_for(lambda: marked.pids("plain") - {plain}, 10, "plain started again")
        assert len(marked.alive()) == 5
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=30) == 0
        assert marked.alive() == []
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
    log = (tmp_path / "supervise.log").read_text()
    restarted = r"plain exited \(signal SIGKILL\) after [\d.]+ s; starting it again in 0.2 s"
    assert re.search(restarted, log)
    assert "still running after 2 s: SIGKILL" in log  # the one ignoring SIGTERM
    assert "stray process" in log  # the one that left its process group


def _delays(log: str, name: str) -> list[float]:
    return [float(d) for d in re.findall(rf"{name} exited .* starting it again in ([\d.]+) s", log)]


def test_quick_exits_back_off_and_a_stable_run_resets_the_delay(tmp_path: Path) -> None:
    supervisor = _supervise(
        tmp_path,
        "crashing=sh -c 'exit 3'",
        "steady=sh -c 'sleep 0.6; exit 1'",
        options=("--min-backoff", "0.1", "--max-backoff", "0.8", "--stable-after", "0.5"),
    )
    time.sleep(4)
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=30) == 0
    log = (tmp_path / "supervise.log").read_text()
    assert "crashing exited (status 3)" in log
    # 0.1 s doubling per quick exit, capped at 0.8 s: 0.1 + 0.2 + 0.4 + 0.8 + 0.8 … ≥ 5
    # restarts in 4 s.
    crashing = _delays(log, "crashing")
    assert crashing[:5] == [0.1, 0.2, 0.4, 0.8, 0.8]
    # Each run of `steady` lasts 0.6 s ≥ the 0.5 s that counts as stable: no growth.
    steady = _delays(log, "steady")
    assert len(steady) >= 3 and set(steady) == {0.1}


def test_programs_end_when_the_supervisor_is_killed(tmp_path: Path, marked: Marked) -> None:
    supervisor = _supervise(tmp_path, f"plain={marked.sleeper('plain')}")
    _wait_for(marked.alive, 30, "the program running")
    supervisor.kill()  # no chance to clean up: the kernel sends the program SIGTERM
    supervisor.wait(timeout=10)
    _wait_for(lambda: not marked.alive(), 10, "the program gone")


def _load_supervise(monkeypatch: pytest.MonkeyPatch):
    """deploy/supervise.py as a module (deploy/ is not a package)."""
    spec = importlib.util.spec_from_file_location("supervise", SUPERVISE)
    supervise = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "supervise", supervise)  # dataclasses look it up
    spec.loader.exec_module(supervise)
    return supervise


def test_the_servers_listen_only_on_localhost_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    # The Dagster UI has no sign-in and the dashboard expects TLS from a proxy in front:
    # neither listens beyond this machine unless configured to.
    for name in ("WSI_BIND", "WSI_DAGSTER_BIND"):
        monkeypatch.delenv(name, raising=False)
    config: dict = {}
    exec((REPO / "deploy" / "gunicorn.conf.py").read_text(), config)
    assert config["bind"] == "127.0.0.1:8050"
    supervise = _load_supervise(monkeypatch)
    webserver = next(p for p in supervise.default_programs() if p.name == "dagster-webserver")
    assert webserver.argv[webserver.argv.index("-h") + 1] == "127.0.0.1"
    for unit in (REPO / "deploy" / "systemd").glob("*.service"):
        for line in unit.read_text().splitlines():
            if line.startswith("ExecStart=") and "-h " in line:
                assert "-h 127.0.0.1" in line, unit.name


@pytest.mark.parametrize(
    ("existing", "replaced"),
    [(None, True), ("telemetry:\n  enabled: false\n", True), ("custom: 1\n", False)],
)
def test_the_dagster_instance_gets_one_run_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, existing: str | None, replaced: bool
) -> None:
    # A missing dagster.yaml, or the telemetry-only one older checkouts wrote, becomes
    # deploy/dagster.yaml; an operator's own is kept, with a warning if it allows more.
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setenv("WSI_DATA_DIR", str(tmp_path / "data"))  # restored after the test
    config = tmp_path / "dagster.yaml"
    if existing is not None:
        config.write_text(existing)
    _load_supervise(monkeypatch).prepare_environment()
    shipped = (REPO / "deploy" / "dagster.yaml").read_text()
    assert (config.read_text() == shipped) is replaced
    assert "max_concurrent_runs: 1" in shipped
    assert ("does not limit runs" in capsys.readouterr().err) is not replaced
