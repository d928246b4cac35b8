"""Ctrl-C during a solve — or during start-up — ends with "Interrupted." and exit 130, and
stops only the solver's own process group: no stray solver, no scratch file, no half-written
output, and the caller's other children (a user's Dask workers) untouched. Run with both
cores busy, where the old forked worker used to leave an orphan behind."""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from test_benchmarks import read_mknap

import prioritizer as px
from prioritizer.solver import cylp_available

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")


def _like_a_terminal() -> None:
    """Child-process set-up: Ctrl-C and Ctrl-\\ at their defaults, as in a terminal. A
    process started in the background by a non-interactive shell (``pytest ... &``, some CI
    runners) inherits SIGINT and SIGQUIT *ignored*, and Python then keeps ignoring SIGINT: the
    solve a test interrupts would run on (the orphan of issue 10, bug 12, was such a run)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.signal(signal.SIGQUIT, signal.SIG_DFL)


@pytest.fixture(autouse=True)
def _ctrl_c_raises_here() -> Iterator[None]:
    """Python's own Ctrl-C handler in this process for the test (the in-process tests send
    SIGINT to themselves; a pytest started in the background inherits it ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def write_hard_scenario(folder: Path) -> Path:
    instance = read_mknap("mknapcb9-first.txt")[0]
    teams = "\n".join(f"  r{i}: {cap}" for i, cap in enumerate(instance.capacities))
    (folder / "scenario.yaml").write_text(
        "name: hard\nbudget: 1\nhorizon_years: 1\nobjective: {mode: business}\n"
        "segments: {s: {customers: 1, ltv: 0}}\ninitiatives: items.csv\n"
        f"teams:\n{teams}\n"
    )
    header = ["id", "cost_savings"] + [f"effort_r{i}" for i in range(len(instance.weights))]
    lines = [",".join(header)]
    for j, profit in enumerate(instance.profits):
        lines.append(",".join([f"i{j}", str(profit)] + [str(w[j]) for w in instance.weights]))
    (folder / "items.csv").write_text("\n".join(lines) + "\n")
    return folder / "scenario.yaml"


@pytest.fixture
def busy_cores() -> Iterator[None]:
    """Both cores (or all) kept busy by spinning processes for the whole test."""
    spinners = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(max(2, os.cpu_count() or 2))
    ]
    try:
        yield
    finally:
        for proc in spinners:
            proc.kill()
            proc.wait()


def _wait_for(predicate: object, timeout: float = 60.0) -> bool:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def _solver_processes(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.Error:
        return []


def _solve_process(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    scenario = write_hard_scenario(tmp_path)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    env = {**os.environ, "TMPDIR": str(scratch)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "prioritizer", "solve", str(scenario), "--out", str(tmp_path / "o")],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_like_a_terminal,
    )
    return proc, scratch


def _communicate(proc: subprocess.Popen[bytes], timeout: float = 60) -> tuple[bytes, bytes]:
    """``proc.communicate``; when it times out, the process and all its descendants are
    killed before the failure is raised (a failing test leaves no solver running)."""
    try:
        return proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        family = [*psutil.Process(proc.pid).children(recursive=True), psutil.Process(proc.pid)]
        for member in family:
            with contextlib.suppress(psutil.Error):
                member.kill()
        proc.communicate()
        raise


def _assert_interrupted(proc: subprocess.Popen[bytes], tmp_path: Path, scratch: Path) -> None:
    _out, err = _communicate(proc)
    assert proc.returncode == 130, err
    assert b"Traceback" not in err and b"Interrupted." in err, err
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "o").exists()


@pytest.mark.usefixtures("busy_cores")
def test_ctrl_c_during_the_solve_leaves_nothing_behind(tmp_path: Path) -> None:
    proc, scratch = _solve_process(tmp_path)
    assert _wait_for(lambda: bool(_solver_processes(proc.pid))), "the solver never started"
    solvers = _solver_processes(proc.pid)
    proc.send_signal(signal.SIGINT)  # to prioritizer only, as a terminal would not
    _assert_interrupted(proc, tmp_path, scratch)
    _gone, alive = psutil.wait_procs(solvers, timeout=5)
    assert not alive, f"stray solver processes: {alive}"


def _importing_the_library(pid: int) -> bool:
    """The process has started its start-up imports (numpy's extension is mapped)."""
    try:
        maps = Path(f"/proc/{pid}/maps").read_text()
    except OSError:
        return False
    return "_multiarray_umath" in maps


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="needs /proc")
@pytest.mark.usefixtures("busy_cores")
def test_ctrl_c_during_start_up_imports(tmp_path: Path) -> None:
    proc, scratch = _solve_process(tmp_path)
    assert _wait_for(lambda: _importing_the_library(proc.pid), timeout=60)
    proc.send_signal(signal.SIGINT)
    _assert_interrupted(proc, tmp_path, scratch)


@pytest.mark.usefixtures("busy_cores")
@pytest.mark.parametrize(
    "delay",
    [
        0.5,
        1.0,
        2.0,
        3.0,
    ],
)
def test_ctrl_c_at_any_moment(tmp_path: Path, delay: float) -> None:
    """Whatever the moment (imports, loading, model building, solving): 130, no traceback.
    (3 s on a busy machine used to land in PuLP's import, which swallowed the interrupt: see
    test_ctrl_c_while_pulp_imports_its_optional_solvers.)"""
    proc, scratch = _solve_process(tmp_path)
    assert _wait_for(lambda: _importing_the_library(proc.pid) or proc.poll() is not None)
    time.sleep(delay)
    proc.send_signal(signal.SIGINT)
    _assert_interrupted(proc, tmp_path, scratch)


_CALLER = textwrap.dedent(
    """
    import subprocess, sys
    import prioritizer as px
    from prioritizer.solver import cylp_backend
    cylp_backend.CYLP_MIN_N = 0 if sys.argv[2] == "cylp" else 10**9
    sentinel = subprocess.Popen(["sleep", "300"])  # stands for a user's Dask worker
    print(sentinel.pid, flush=True)
    try:
        px.optimize(px.load_scenario(sys.argv[1]))
    except KeyboardInterrupt:
        alive = sentinel.poll() is None
        print("sentinel alive" if alive else "sentinel killed", flush=True)
        sentinel.kill()
    """
)


@pytest.mark.usefixtures("busy_cores")
@pytest.mark.parametrize("backend", ["cbc", "cylp"])
def test_ctrl_c_stops_only_the_solver(tmp_path: Path, backend: str) -> None:
    if backend == "cylp" and not cylp_available():
        pytest.skip("cylp is not installed (the [fast] extra)")
    scenario = write_hard_scenario(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-c", _CALLER, str(scenario), backend],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_like_a_terminal,
    )
    assert proc.stdout is not None
    sentinel = int(proc.stdout.readline())

    def solver_running() -> bool:
        return any(p.pid != sentinel for p in _solver_processes(proc.pid))

    assert _wait_for(solver_running), "the solver never started"
    solvers = [p for p in _solver_processes(proc.pid) if p.pid != sentinel]
    proc.send_signal(signal.SIGINT)
    out, err = _communicate(proc)
    assert b"sentinel alive" in out, (out, err)
    _gone, alive = psutil.wait_procs(solvers, timeout=5)
    assert not alive, f"stray solver processes: {alive}"


def test_no_fork_of_the_caller(monkeypatch: pytest.MonkeyPatch, tiny: px.Scenario) -> None:
    """Exact solves (with their tie-break) and time-limited ones never fork the caller (a
    Jupyter kernel, a Dask worker): solvers are started as fresh programs."""

    def forbidden() -> int:
        raise AssertionError("the calling process was forked")

    monkeypatch.setattr(os, "fork", forbidden)
    assert px.optimize(tiny).status == "optimal"
    assert px.optimize(tiny, time_limit=5).status == "optimal"


def test_ctrl_c_as_the_solver_starts_still_stops_it(
    monkeypatch: pytest.MonkeyPatch, tiny: px.Scenario
) -> None:
    """The narrowest window: Ctrl-C arrives while the solver process object is being handed
    back. It is held until the process is recorded, then stops it — also with other threads
    alive, as in a notebook kernel (a signal mask alone would let another thread take it)."""
    supervise = importlib.import_module("prioritizer.solver.supervise")
    release = threading.Event()
    bystander = threading.Thread(target=release.wait, daemon=True)
    bystander.start()
    real = subprocess.Popen
    started: list[subprocess.Popen[bytes]] = []

    def popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        proc = real(*args, **kwargs)  # type: ignore[call-overload]
        started.append(proc)
        os.kill(os.getpid(), signal.SIGINT)  # pending until the start-up section ends
        return proc

    monkeypatch.setattr(supervise.subprocess, "Popen", popen)
    try:
        with pytest.raises(KeyboardInterrupt):
            px.optimize(tiny)
    finally:
        monkeypatch.undo()
        release.set()
    assert started and all(proc.poll() is not None for proc in started)


def _write_tiny_scenario(folder: Path) -> Path:
    (folder / "scenario.yaml").write_text(
        "name: tiny\nbudget: 100\nhorizon_years: 1\nobjective: {mode: business}\n"
        "segments: {mass: {customers: 1000, ltv: 100}}\nteams: {digital: 10}\n"
        "initiatives: items.csv\n"
    )
    (folder / "items.csv").write_text(
        "id,cost,cost_savings,effort_digital\nA,60,100,5\nB,50,90,6\nC,40,70,4\n"
    )
    return folder / "scenario.yaml"


_CTRL_C_IN_PULP_IMPORT = textwrap.dedent(
    """
    import os, runpy, signal, sys
    target = sys.argv.pop(1)

    class CtrlCWhenPulpTries:  # an import hook: Ctrl-C as PuLP tries ``target``
        def find_spec(self, name, path=None, module=None):
            frame = sys._getframe(1)
            while frame is not None and frame.f_code.co_filename.startswith("<frozen"):
                frame = frame.f_back
            importer = "" if frame is None else frame.f_globals.get("__name__", "")
            if name == target and importer.startswith("pulp.apis"):
                sys.meta_path.remove(self)
                signal.raise_signal(signal.SIGINT)
            return None

    sys.meta_path.insert(0, CtrlCWhenPulpTries())
    sys.argv[0] = "prioritizer"
    runpy.run_module("prioritizer", run_name="__main__")
    """
)


@pytest.mark.parametrize("package", ["cylp", "highspy", "gurobipy"])
def test_ctrl_c_while_pulp_imports_its_optional_solvers(tmp_path: Path, package: str) -> None:
    """The lost Ctrl-C of issue 10: ``import pulp`` tries each optional solver package under
    a bare ``except:`` (cylp pulls in scipy: a second on a busy machine), which swallowed a
    KeyboardInterrupt raised meanwhile, and the solve ran on. The interrupt is now held over
    PuLP's import and delivered after it. Deterministic: an import hook sends SIGINT at the
    moment PuLP tries ``package`` (installed or not)."""
    scenario = _write_tiny_scenario(tmp_path)
    out = str(tmp_path / "o")
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            _CTRL_C_IN_PULP_IMPORT,
            package,
            "solve",
            str(scenario),
            "--out",
            out,
        ],
        capture_output=True,
        timeout=120,
        preexec_fn=_like_a_terminal,
    )
    assert proc.returncode == 130, proc.stderr
    assert b"Interrupted." in proc.stderr and b"Traceback" not in proc.stderr, proc.stderr
    assert not (tmp_path / "o").exists()


_CTRL_C_TO_ANOTHER_THREAD = textwrap.dedent(
    """
    import signal, sys, threading, time
    import prioritizer as px
    from prioritizer.solver import cylp_backend, supervise
    cylp_backend.CYLP_MIN_N = 0 if sys.argv[2] == "cylp" else 10**9
    started = threading.Event()
    real_start = supervise.start

    def start(*args, **kwargs):
        proc = real_start(*args, **kwargs)
        started.set()
        return proc

    supervise.start = cylp_backend.start = start

    def bystander():  # the thread the kernel picked for the process's SIGINT
        started.wait()
        time.sleep(0.5)
        signal.pthread_kill(threading.get_ident(), signal.SIGINT)

    threading.Thread(target=bystander, daemon=True).start()
    try:
        px.optimize(px.load_scenario(sys.argv[1]))
        print("solved", flush=True)
    except KeyboardInterrupt:
        print("interrupted", flush=True)
    """
)


@pytest.mark.parametrize("backend", ["cbc", "cylp"])
def test_ctrl_c_taken_by_another_thread_still_stops_the_solve(tmp_path: Path, backend: str) -> None:
    """A process-wide SIGINT may be handed by the kernel to any thread that does not block it
    (OpenBLAS's worker, a notebook's threads). Python then only marks it pending for the main
    thread, which used to sit in a blocking read of the solver's output until the solver
    ended (minutes on this instance). The wait now checks for it at least every POLL_S."""
    if backend == "cylp" and not cylp_available():
        pytest.skip("cylp is not installed (the [fast] extra)")
    scenario = write_hard_scenario(tmp_path)
    proc = subprocess.Popen(
        [sys.executable, "-c", _CTRL_C_TO_ANOTHER_THREAD, str(scenario), backend],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_like_a_terminal,
    )
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        for child in _solver_processes(proc.pid):
            child.kill()
        proc.kill()
    assert b"interrupted" in out, (out, err)
    assert not _solver_processes(proc.pid)


def test_ctrl_c_at_each_step_of_a_supervised_run(
    monkeypatch: pytest.MonkeyPatch, tiny: px.Scenario, tmp_path: Path
) -> None:
    """Ctrl-C at each profiled step of starting and waiting for the solver (Popen's insides
    included): KeyboardInterrupt reaches the caller, every solver process started is stopped,
    no scratch file is left."""
    supervise = importlib.import_module("prioritizer.solver.supervise")
    pulp_backend = importlib.import_module("prioritizer.solver.pulp_backend")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    real_run, real_popen = supervise.run_supervised, subprocess.Popen
    started: list[subprocess.Popen[bytes]] = []
    events = 0
    at: int | None = None
    raised = False

    def popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        proc = real_popen(*args, **kwargs)  # type: ignore[call-overload]
        started.append(proc)
        return proc

    def profile(_frame: object, _event: str, _arg: object) -> None:
        nonlocal events, raised
        events += 1
        if events == at:
            raised = True
            signal.raise_signal(signal.SIGINT)

    def run(*args: object, **kwargs: object) -> object:
        sys.setprofile(profile)
        try:
            return real_run(*args, **kwargs)
        finally:
            sys.setprofile(None)

    monkeypatch.setattr(supervise.subprocess, "Popen", popen)
    monkeypatch.setattr(pulp_backend, "run_supervised", run)
    px.optimize(
        tiny, options=px.SolverOptions(tie_break=False)
    )  # a dry run counts the steps of the first solve
    steps = events
    assert steps > 100
    moments = range(1, steps - 20, 5)
    interrupted = 0
    for at in moments:
        events, raised = 0, False
        started.clear()
        try:
            px.optimize(tiny, options=px.SolverOptions(tie_break=False))
        except KeyboardInterrupt:
            assert raised, at  # only the Ctrl-C raised here ends the solve
            interrupted += 1
        else:
            # waiting for the solver takes fewer steps when it answers sooner than in the dry
            # run: that moment never came, there was nothing to interrupt
            assert not raised, at
        assert all(proc.poll() is not None for proc in started), at
        assert list(tmp_path.iterdir()) == [], at
    assert interrupted >= len(moments) // 2, (interrupted, len(moments))


def test_supervised_run_with_a_large_input() -> None:
    """Input larger than a pipe holds (a cylp model at N = 20,000 is megabytes) reaches the
    process whole while the wait is cut in slices, and the whole output comes back."""
    supervise = importlib.import_module("prioritizer.solver.supervise")
    payload = os.urandom(8 << 20)
    echo = "import sys; data = sys.stdin.buffer.read(); sys.stdout.buffer.write(data[::-1])"
    processes: list[subprocess.Popen[bytes]] = []
    try:
        proc = supervise.start([sys.executable, "-c", echo], processes, stdin=True)
        outcome = supervise.finish(proc, stdin=payload, deadline_s=120)
    finally:
        supervise.stop_all(processes)
    assert (outcome.returncode, outcome.timed_out) == (0, False)
    assert outcome.stdout == payload[::-1]


def test_supervised_run_stopped_at_its_deadline() -> None:
    supervise = importlib.import_module("prioritizer.solver.supervise")
    script = "import sys, time; print('started', flush=True); time.sleep(300)"
    outcome = supervise.run_supervised([sys.executable, "-c", script], deadline_s=10)
    assert outcome.timed_out and outcome.returncode is None
    assert outcome.stdout.startswith(b"started")


_WRAPPED_CTRL_C = textwrap.dedent(
    """
    import importlib
    import sys

    class Stop:
        def __set_name__(self, owner, name):
            raise KeyboardInterrupt  # the Ctrl-C lands while a class is defined

    def interrupted(*args, **kwargs):
        class Late:  # as in a module imported while CBC runs
            field = Stop()

    importlib.import_module("prioritizer.optimize").optimize = interrupted
    from prioritizer.cli import main
    main(sys.argv[1:])
    """
)


def test_a_ctrl_c_python_wrapped_in_another_error_is_an_interruption(
    tmp_path: Path, bank_dir: Path
) -> None:
    """Python 3.11 turns a KeyboardInterrupt raised in ``__set_name__`` into RuntimeError
    (the CI saw it: Ctrl-C during ``prioritizer solve``'s imports while CBC ran, a traceback
    and exit 1): still "Interrupted.", 130, no traceback, nothing written."""
    out = tmp_path / "o"
    scenario = bank_dir / "scenario.yaml"
    done = subprocess.run(
        [sys.executable, "-c", _WRAPPED_CTRL_C, "solve", str(scenario), "--out", str(out)],
        capture_output=True,
        preexec_fn=_like_a_terminal,
        timeout=120,
    )
    assert done.returncode == 130, done.stderr
    assert b"Interrupted." in done.stderr and b"Traceback" not in done.stderr, done.stderr
    assert not out.exists()


def test_caused_by_ctrl_c_follows_the_chain() -> None:
    from prioritizer.cli import caused_by_ctrl_c

    class Stop:
        def __set_name__(self, owner: type, name: str) -> None:
            raise KeyboardInterrupt

    with pytest.raises(BaseException) as info:

        class Late:
            field = Stop()

    if sys.version_info < (3, 12):
        assert isinstance(info.value, RuntimeError)  # the wrapping the CLI must see through
    assert caused_by_ctrl_c(info.value)
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ValueError("while handling it") from None
    except ValueError as error:
        assert caused_by_ctrl_c(error)  # __context__ kept though the cause is suppressed
    assert not caused_by_ctrl_c(ValueError("plain"))
    assert not caused_by_ctrl_c(RuntimeError("wrapped", ValueError()))
