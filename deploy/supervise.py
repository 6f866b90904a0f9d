"""Run the dashboard, the Dagster webserver and the Dagster daemon as one supervised set.

    python deploy/supervise.py                            # the three (``make serve``)
    python deploy/supervise.py --program NAME='COMMAND'   # any other set (tests)

The three share the data folder (``WSI_DATA_DIR``) and the Dagster instance
(``DAGSTER_HOME``, given ``deploy/dagster.yaml`` when it has no ``dagster.yaml``):

- ``dashboard``: ``gunicorn -c deploy/gunicorn.conf.py dashboards.wsgi:server`` on
  ``WSI_BIND`` (default ``127.0.0.1:8050``);
- ``dagster-webserver``: the Dagster UI on ``WSI_DAGSTER_BIND`` (``127.0.0.1:3000``);
- ``dagster-daemon``: the landing sensor, the monthly schedules and the run queue.

How it behaves:

- Each program runs in its own session (process group), so a signal meant for one
  reaches all of its processes (gunicorn's workers, Dagster's code servers and runs)
  and nothing else.
- A program that exits is started again after a delay that doubles with each quick
  exit (``--min-backoff`` 1 s, 2 s, 4 s … up to ``--max-backoff`` 60 s) and goes back
  to the minimum once the program has run for ``--stable-after`` (60 s). Whatever is
  left of its process group is ended first.
- SIGTERM, SIGINT or SIGHUP stops the set: SIGTERM to every program's process group,
  SIGKILL to what is still running ``--grace`` seconds (30) later, then exit 0. A second
  signal skips the wait.
- No process is left behind: the supervisor is a child subreaper (Linux), so a
  program's descendants that leave its process group are re-parented here and ended
  with the rest; and each program gets SIGTERM from the kernel if the supervisor dies
  without cleaning up (``PR_SET_PDEATHSIG``).

Standard library only. systemd does the same with three units (``deploy/systemd/``);
this is for a machine without it, or for trying the whole system out.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36
POLL_S = 0.1


def log(message: str) -> None:
    print(f"[supervise] {message}", file=sys.stderr, flush=True)


def _prctl(option: int, value: int) -> None:
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(option, value, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), f"prctl({option}) failed")


def _end_with_parent() -> None:
    """In the child, before exec: SIGTERM when the supervisor dies."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


@dataclass
class Program:
    name: str
    argv: list[str]
    pid: int | None = None
    started_at: float = 0.0
    restart_at: float = 0.0
    delay_s: float = 0.0
    #: process groups of earlier runs that may still have members
    old_groups: list[int] = field(default_factory=list)


class Supervisor:
    def __init__(
        self,
        programs: list[Program],
        min_backoff_s: float = 1.0,
        max_backoff_s: float = 60.0,
        stable_after_s: float = 60.0,
        grace_s: float = 30.0,
    ) -> None:
        self.programs = programs
        self.min_backoff_s = min_backoff_s
        self.max_backoff_s = max_backoff_s
        self.stable_after_s = stable_after_s
        self.grace_s = grace_s
        self.stop_signal: int | None = None
        self.hurry = False
        for program in programs:
            program.delay_s = min_backoff_s

    # -- running -----------------------------------------------------------------------
    def run(self) -> int:
        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            signal.signal(signum, self._on_signal)
        try:
            _prctl(PR_SET_CHILD_SUBREAPER, 1)
        except (OSError, AttributeError) as error:
            log(f"cannot become a subreaper ({error}); escaped grandchildren may outlive us")
        for program in self.programs:
            self._start(program)
        while self.stop_signal is None:
            self._reap()
            now = time.monotonic()
            for program in self.programs:
                if program.pid is None and now >= program.restart_at:
                    self._start(program)
            time.sleep(POLL_S)
        log(f"{signal.Signals(self.stop_signal).name}: stopping every program")
        self._stop_all()
        log("stopped")
        return 0

    def _on_signal(self, signum: int, _frame: object) -> None:
        if self.stop_signal is not None:
            self.hurry = True
        self.stop_signal = signum

    def _start(self, program: Program) -> None:
        for group in program.old_groups:
            _signal_group(group, signal.SIGKILL)
        program.old_groups.clear()
        # The supervisor's own signal handlers are not inherited across exec: each
        # program starts with default SIGTERM/SIGINT handling.
        process = subprocess.Popen(
            program.argv, cwd=REPO, start_new_session=True, preexec_fn=_end_with_parent
        )
        program.pid = process.pid
        # The process is reaped by _reap, not by Popen: stop Popen from waiting on it.
        process.returncode = 0
        program.started_at = time.monotonic()
        log(f"{program.name} started (pid {program.pid}): {shlex.join(program.argv)}")

    def _reap(self) -> list[Program]:
        """Collect every exited child (programs and re-parented descendants); a program
        that exited is scheduled to start again. Returns the programs that exited."""
        exited = []
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return exited
            if pid == 0:
                return exited
            program = next((p for p in self.programs if p.pid == pid), None)
            if program is None:
                continue  # a descendant re-parented to us: nothing more to do
            exited.append(program)
            self._exited(program, os.waitstatus_to_exitcode(status))

    def _exited(self, program: Program, code: int) -> None:
        now = time.monotonic()
        ran_s = now - program.started_at
        group, program.pid = program.pid, None
        # The rest of its process group (workers, code servers) goes with it.
        _signal_group(group, signal.SIGTERM)
        program.old_groups.append(group)
        if self.stop_signal is not None:
            return
        if ran_s >= self.stable_after_s:
            program.delay_s = self.min_backoff_s
        how = f"signal {signal.Signals(-code).name}" if code < 0 else f"status {code}"
        log(
            f"{program.name} exited ({how}) after {ran_s:.1f} s; "
            f"starting it again in {program.delay_s:g} s"
        )
        program.restart_at = now + program.delay_s
        program.delay_s = min(self.max_backoff_s, program.delay_s * 2)

    # -- stopping ----------------------------------------------------------------------
    def _stop_all(self) -> None:
        groups = [p.pid for p in self.programs if p.pid is not None]
        groups += [g for p in self.programs for g in p.old_groups]
        for group in groups:
            _signal_group(group, signal.SIGTERM)
        deadline = time.monotonic() + self.grace_s
        while time.monotonic() < deadline and not self.hurry:
            self._reap()
            if not any(_group_alive(group) for group in groups) and not _children():
                return
            time.sleep(POLL_S)
        for group in groups:
            if _group_alive(group):
                log(f"process group {group} still running after {self.grace_s:g} s: SIGKILL")
                _signal_group(group, signal.SIGKILL)
        self._end_strays()

    def _end_strays(self) -> None:
        """Descendants that left their program's process group were re-parented here."""
        for signum in (signal.SIGTERM, signal.SIGKILL):
            strays = _children()
            if not strays:
                return
            log(f"{len(strays)} stray process(es) {strays}: {signal.Signals(signum).name}")
            for pid in strays:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signum)
            deadline = time.monotonic() + 5
            while _children() and time.monotonic() < deadline:
                self._reap()
                time.sleep(POLL_S)
        self._reap()


def _signal_group(group: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(group, signum)


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A member that has exited but is not yet reaped (a zombie) still counts for kill().
    return any(_pgid(pid) == group and not _zombie(pid) for pid in _all_pids())


def _children() -> list[int]:
    """This process's live children (zombies are reaped, not counted)."""
    me = os.getpid()
    return [pid for pid in _all_pids() if _stat(pid)[1] == me and not _zombie(pid)]


def _all_pids() -> list[int]:
    return [int(name) for name in os.listdir("/proc") if name.isdigit()]


def _stat(pid: int) -> tuple[str, int, int]:
    """(state, ppid, pgid) from /proc/PID/stat; ("X", 0, 0) for a vanished process."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ("X", 0, 0)
    fields = text.rsplit(")", 1)[1].split()
    return fields[0], int(fields[1]), int(fields[2])


def _pgid(pid: int) -> int:
    return _stat(pid)[2]


def _zombie(pid: int) -> bool:
    return _stat(pid)[0] in ("Z", "X")


# -- the product's three programs ------------------------------------------------------
def default_programs() -> list[Program]:
    """The dashboard, the Dagster webserver and daemon, from this environment's bin/."""
    bin_dir = Path(sys.executable).parent
    host, _, port = os.environ.get("WSI_DAGSTER_BIND", "127.0.0.1:3000").rpartition(":")
    workspace = str(REPO / "workspace.yaml")
    return [
        Program(
            "dashboard",
            [str(bin_dir / "gunicorn"), "-c", str(REPO / "deploy" / "gunicorn.conf.py"),
             "dashboards.wsgi:server"],
        ),
        Program(
            "dagster-webserver",
            [str(bin_dir / "dagster-webserver"), "-w", workspace, "-h", host, "-p", port],
        ),
        Program("dagster-daemon", [str(bin_dir / "dagster-daemon"), "run", "-w", workspace]),
    ]  # fmt: skip


def prepare_environment() -> None:
    """One data folder and one Dagster instance for all three programs."""
    os.environ.setdefault("WSI_DATA_DIR", str(REPO / "data"))
    # the daemon's landing sensor runs the refreshes stewards ask for: a refresh the
    # dashboard started beside it would only wait for the lock and do the work twice
    os.environ.setdefault("WSI_REFRESH_RUNNER", "sensor")
    home = Path(os.environ.setdefault("DAGSTER_HOME", str(REPO / ".dagster")))
    home.mkdir(parents=True, exist_ok=True)
    config = home / "dagster.yaml"
    # none yet, or only the telemetry setting that `make setup` used to write
    if not config.exists() or config.read_text().split() == ["telemetry:", "enabled:", "false"]:
        shutil.copyfile(REPO / "deploy" / "dagster.yaml", config)
        log(f"wrote {config} from deploy/dagster.yaml")
    elif "max_concurrent_runs: 1" not in config.read_text():
        log(
            f"warning: {config} does not limit runs to one at a time; DuckDB has a single "
            "writer, so two runs would fail. See deploy/dagster.yaml."
        )


def _program(text: str) -> Program:
    name, sep, command = text.partition("=")
    if not sep or not name or not command.strip():
        raise argparse.ArgumentTypeError(f"{text!r}: expected NAME='COMMAND ARGS'")
    return Program(name, shlex.split(command))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--program",
        type=_program,
        action="append",
        metavar="NAME='COMMAND'",
        help="run this instead of the three (repeatable)",
    )
    parser.add_argument("--min-backoff", type=float, default=1.0, metavar="S")
    parser.add_argument("--max-backoff", type=float, default=60.0, metavar="S")
    parser.add_argument("--stable-after", type=float, default=60.0, metavar="S")
    parser.add_argument("--grace", type=float, default=30.0, metavar="S")
    args = parser.parse_args(argv)  # fmt: skip
    if args.program:
        programs = args.program
    else:
        prepare_environment()
        programs = default_programs()
    supervisor = Supervisor(
        programs,
        min_backoff_s=args.min_backoff,
        max_backoff_s=args.max_backoff,
        stable_after_s=args.stable_after,
        grace_s=args.grace,
    )
    return supervisor.run()


if __name__ == "__main__":
    raise SystemExit(main())
