"""Start, kill and always stop the processes a drill runs.

Every process gets its own session (process group), so killing "a gunicorn"
kills its master and its workers, and stopping the drill leaves nothing behind.
Only processes started here are ever signalled, by their own ids.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path


def free_port() -> int:
    """A free TCP port on the loopback interface, chosen by the kernel."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_port(
    port: int, *, timeout: float, process: "Process | None" = None
) -> None:
    """Wait until something accepts connections on 127.0.0.1:``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.popen.poll() is not None:
            raise RuntimeError(
                f"{process.name} exited with {process.popen.returncode} while "
                f"starting; see {process.log}"
            )
        with socket.socket() as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"Nothing listens on 127.0.0.1:{port} after {timeout:.0f} s")


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    @property
    def alive(self) -> bool:
        return self.popen.poll() is None


@dataclass
class Supervisor:
    """The drill's processes, by name; :meth:`stop_all` ends every one."""

    log_dir: Path
    processes: dict[str, Process] = field(default_factory=dict)

    def start(
        self,
        name: str,
        args: Sequence[str],
        *,
        env: Mapping[str, str],
        cwd: Path | None = None,
    ) -> Process:
        log = self.log_dir / f"{name}.log"
        with log.open("ab") as out:
            popen = subprocess.Popen(
                list(args),
                env=dict(env),
                cwd=cwd,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        process = Process(name=name, popen=popen, log=log)
        self.processes[name] = process
        return process

    def kill(self, name: str) -> None:
        """SIGKILL the process group of ``name`` (no clean shutdown)."""
        process = self.processes[name]
        os.killpg(process.popen.pid, signal.SIGKILL)
        process.popen.wait(timeout=10)

    def stop(self, name: str, *, timeout: float = 10) -> None:
        process = self.processes[name]
        if process.alive:
            try:
                os.killpg(process.popen.pid, signal.SIGTERM)
                process.popen.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.popen.pid, signal.SIGKILL)
                process.popen.wait(timeout=10)
            except ProcessLookupError:
                pass
        # Children that outlived their leader (same process group).
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.popen.pid, signal.SIGKILL)

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            try:
                self.stop(name)
            except Exception as exc:  # keep stopping the others
                print(f"  could not stop {name}: {exc}")


def run_drill(
    title: str, *, keep_variable: str, body: Callable[[Path, Supervisor], bool]
) -> int:
    """Run ``body`` in a fresh work directory; the exit status of the drill.

    Every process ``body`` started through the supervisor is stopped whatever
    happens (SIGTERM included). The work directory (logs, data) is removed
    after a pass unless ``keep_variable`` is set, and kept after a failure.
    """
    work_dir = Path(tempfile.mkdtemp(prefix="crm-drill-"))
    work_dir.chmod(0o755)  # PostgreSQL servers (user postgres) live inside
    (work_dir / "logs").mkdir()
    supervisor = Supervisor(work_dir / "logs")
    ok = False

    def interrupted(signum: int, frame: object) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    signal.signal(signal.SIGTERM, interrupted)
    print(f"{title} in {work_dir}")
    try:
        ok = body(work_dir, supervisor)
    except BaseException as exc:
        print(f"\n{title} FAILED: {exc!r}\nLogs: {work_dir}")
        raise
    finally:
        supervisor.stop_all()
        if ok and not os.environ.get(keep_variable):
            shutil.rmtree(work_dir, ignore_errors=True)
        else:
            print(f"  kept {work_dir}")
    return 0 if ok else 1
