"""Namespaces from bubblewrap (grader/harness/namespaces.py): a user who is not root,
refused a user namespace of their own, gets the sandbox's namespaces from
bwrap; the holder makes the same mounts inside them, and programs join them
as they join the grader's own.

Run as another user (nobody), so as root only; TPGRADER_SANDBOX=bwrap forces
bubblewrap where the grader's own namespaces would do. Python as nobody is
/usr/bin/python3 (the tests' own may live where nobody cannot read), over a
copy of the grader that everyone can read."""
import json
import os
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from conftest import ROOT, exercise_scores, marked_processes
from grader.harness import namespaces

NOBODY = 65534
PYTHON = "/usr/bin/python3"
BWRAP = shutil.which("bwrap")


def _bwrap_works() -> str:
    """Why bubblewrap cannot make the namespaces here as nobody, or ""."""
    if os.geteuid() != 0:
        return "needs root to become another user"
    if not os.path.exists(PYTHON):
        return f"no {PYTHON} for another user"
    if BWRAP is None:
        return "bubblewrap is not installed (apt-get install bubblewrap)"
    r = subprocess.run([BWRAP, "--unshare-user", "--unshare-net", "--dev-bind", "/", "/", "--", "/bin/true"],
                       capture_output=True, text=True, user=NOBODY, group=NOBODY, extra_groups=[], cwd="/")
    return "" if r.returncode == 0 else f"bubblewrap makes no namespaces here: {r.stderr.strip()}"


WHY_NOT = _bwrap_works()
pytestmark = pytest.mark.skipif(bool(WHY_NOT), reason=WHY_NOT)


@pytest.fixture(scope="module")
def checkout():
    """The grader (and the reference), where nobody can read them, compiled:
    the holder's start must not compile the module each time."""
    copy = Path(tempfile.mkdtemp(prefix="tp-grader-test-bwrap-"))
    try:
        shutil.copytree(ROOT / "grader", copy / "grader", ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copytree(ROOT / "reference", copy / "reference")
        for name in ("pyproject.toml", "grade.sh"):  # a checkout: hidden whole from programs
            shutil.copy(ROOT / name, copy / name)
        subprocess.run([PYTHON, "-m", "compileall", "-q", str(copy / "grader")], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run(["chmod", "-R", "a+rX", str(copy)], check=True)
        yield copy
    finally:
        shutil.rmtree(copy)


@pytest.fixture
def workdir():
    """A sandbox's folder, nobody's, under /tmp (which the holder makes private)."""
    work = Path(tempfile.mkdtemp(prefix="tp-grader-test-"))
    os.chown(work, NOBODY, NOBODY)
    yield work
    shutil.rmtree(work)


def as_nobody(script: str, checkout: Path, timeout: float = 60, **env) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8",
           "PYTHONPATH": str(checkout), **env}
    return subprocess.run([PYTHON, "-S", "-c", textwrap.dedent(script)], capture_output=True, text=True,
                          timeout=timeout, cwd="/", env=env, user=NOBODY, group=NOBODY, extra_groups=[])


def ended(*pids: int) -> bool:
    """Every one of `pids` has ended (within 2 s): gone, or a zombie (once its
    parent is gone, reaping it is init's business)."""
    def running(pid):
        try:
            with open(f"/proc/{pid}/stat") as f:
                return f.read().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    deadline = time.monotonic() + 2
    while any(running(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


def test_under_bubblewrap_a_program_sees_its_folder_writable_and_the_rest_read_only(checkout, workdir):
    script = f"""
        import os, sys, time
        from pathlib import Path
        from grader.harness import namespaces
        ns = namespaces.Namespaces(Path({str(workdir)!r}), [Path({str(checkout)!r})], network=True)
        print("kind", ns.kind, "holder's parent is bwrap:",
              open(f"/proc/{{ns.pid}}/stat").read().split()[3] == str(ns._bwrap.pid), flush=True)
        go_r, go_w = os.pipe()
        os.set_inheritable(go_r, True)
        pid = os.fork()
        if pid == 0:  # as the sandbox starts a program: join, then exec
            os.close(go_w)
            ns.join({str(workdir)!r})
            os.execv({PYTHON!r}, [{PYTHON!r}, "-S", "-c", '''if True:
                import os, socket
                try:
                    open("/etc/tp-grader-test", "w")
                    etc = "written"
                except OSError as e:
                    etc = e.strerror
                open("here", "w").write("from the program")
                print("inside", os.getuid(), sorted(n for _, n in socket.if_nameindex()), os.listdir("/home"),
                      os.path.exists({str(checkout)!r}), os.listdir("/tmp"), os.path.exists("/proc/self/status"), etc,
                      flush=True)
                os.read(%d, 1)  # until the grader has looked at it from outside
            ''' % go_r], )
        os.close(go_r)
        time.sleep(0.5)  # it has exec'd (its own /proc is empty: read from outside)
        print("rights:", open(f"/proc/{{pid}}/status").read().split("CapEff:")[1].split()[0],
              "same namespaces as the holder:", all(os.readlink(f"/proc/{{pid}}/ns/{{k}}")
              == os.readlink(f"/proc/{{ns.pid}}/ns/{{k}}") for k in ("user", "mnt", "net")), flush=True)
        os.close(go_w)
        os.waitpid(pid, 0)
        here = ns.view(Path({str(workdir)!r})) / "here"
        print("the grader reads:", here.read_text())
        (here.parent / "from-grader").write_text("x")
        print("the grader wrote:", sorted(os.listdir(here.parent)))
        print("pids", ns.pid, ns._bwrap.pid)
        ns.close()
    """
    r = as_nobody(script, checkout, TPGRADER_SANDBOX="bwrap")
    lines = r.stdout.splitlines()
    assert len(lines) == 6 and r.returncode == 0, r.stdout + r.stderr
    assert lines == [
        "kind bubblewrap holder's parent is bwrap: True",
        # nobody, loopback only, the homes hidden, the grader gone (with the
        # private /tmp, where it lies), only its own folder in /tmp, the rest
        # read-only, and no rights left after exec
        f"inside 65534 ['lo'] [] False [{workdir.name!r}] {namespaces.landlock_abi() > 0} Read-only file system",
        "rights: 0000000000000000 same namespaces as the holder: True",
        "the grader reads: from the program",
        "the grader wrote: ['from-grader', 'here']",
        lines[5]], r.stdout + r.stderr
    assert os.listdir(workdir) == []  # it all stayed in the sandbox's own space
    assert ended(*map(int, lines[5].split()[1:]))  # the holder and bwrap ended with close()


def test_a_refused_user_namespace_falls_back_to_bubblewrap(checkout, workdir):
    """The kernel's refusal is played by a libc whose unshare(CLONE_NEWUSER)
    fails with EPERM in the grader's own holder (bwrap's holder is another
    program, with the real libc)."""
    script = f"""
        import ctypes, errno, os
        from pathlib import Path
        from grader.harness import namespaces

        class Refusing:
            def __init__(self, libc):
                self.libc = libc
            def unshare(self, flags):
                if flags & namespaces.CLONE_NEWUSER:
                    ctypes.set_errno(errno.EPERM)
                    return -1
                return self.libc.unshare(flags)
            def __getattr__(self, name):
                return getattr(self.libc, name)
        namespaces.libc = Refusing(namespaces.libc)

        def start():
            try:
                ns = namespaces.Namespaces(Path({str(workdir)!r}))
            except namespaces.NamespacesUnavailable as e:
                return f"none ({{e}})"
            ns.close()
            return f"{{ns.kind}} ({{ns.refused}})"
        os.environ["TPGRADER_SANDBOX"] = "own"
        print(start())
        del os.environ["TPGRADER_SANDBOX"]
        print(start())
        print(start(), namespaces._own_refused)
        os.environ["PATH"] = "/nonexistent"  # no bwrap
        namespaces._own_refused = None
        print(start())
    """
    r = as_nobody(script, checkout)
    assert r.stdout.splitlines() == [
        "none ([Errno 1] unshare: Operation not permitted)",  # the grader's own only
        "bubblewrap ([Errno 1] unshare: Operation not permitted)",
        # not asked again
        "bubblewrap ([Errno 1] unshare: Operation not permitted) [Errno 1] unshare: Operation not permitted",
        "none ([Errno 1] unshare: Operation not permitted)",
    ], r.stdout + r.stderr


def test_a_killed_grader_leaves_no_holder_under_bubblewrap(checkout, workdir):
    script = f"""
        import time
        from pathlib import Path
        from grader.harness import namespaces
        ns = namespaces.Namespaces(Path({str(workdir)!r}))
        print(ns.kind, ns.pid, ns._bwrap.pid, flush=True)
        time.sleep(60)
    """
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(checkout), "TPGRADER_SANDBOX": "bwrap"}
    with subprocess.Popen([PYTHON, "-S", "-c", textwrap.dedent(script)], stdout=subprocess.PIPE, text=True,
                          cwd="/", env=env, user=NOBODY, group=NOBODY, extra_groups=[]) as grader:
        kind, holder, bwrap = grader.stdout.readline().split()
        assert kind == "bubblewrap" and os.path.exists(f"/proc/{holder}")
        grader.send_signal(signal.SIGKILL)
        grader.wait()
    assert ended(int(holder), int(bwrap))  # the holder saw its pipe close, and bwrap followed it


@pytest.fixture(scope="module")
def packages():
    """The grader's packages (psutil, pexpect...) for PYTHON as nobody: the
    tests' own, where they are the same Python and nobody can read them."""
    found = [p for p in site.getsitepackages() if os.path.isdir(p)]
    version = subprocess.run([PYTHON, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True,
                             text=True).stdout.split()
    if tuple(map(int, version)) != sys.version_info[:2]:
        pytest.skip(f"{PYTHON} is another Python than the tests' (their packages would not load)")
    r = subprocess.run([PYTHON, "-S", "-c", "import psutil, pexpect, jinja2, rich"], capture_output=True, text=True,
                       env={"PYTHONPATH": os.pathsep.join(found)}, user=NOBODY, group=NOBODY, extra_groups=[],
                       cwd="/")
    if r.returncode != 0:
        pytest.skip("the tests' packages cannot be loaded by another user: " + r.stderr.strip().splitlines()[-1])
    return found


def test_under_bubblewrap_programs_keep_their_pid_signals_and_status(checkout, packages):
    script = """
        import os, signal
        from grader.harness import Sandbox
        from grader.submission import Submission
        from pathlib import Path
        with Sandbox(Submission(Path(os.environ["SUB"])), network=True) as sb:
            print("kind", sb.confinement.kind)
            sb.write("p.py", "#!/usr/bin/python3\\nimport os, sys, time\\nprint(os.getpid(), flush=True)\\n"
                     "open('out', 'w').write('written')\\ntime.sleep(30 if sys.argv[1] == 'wait' else 0)\\n"
                     "sys.exit(3)\\n", 0o755)
            for how in ("wait", "exit"):
                live = sb.spawn("p.py", [how])
                print("the program's pid is the grader's:", live.expect(r"\\d+", timeout=5) == str(live.pid))
                if how == "wait":
                    live.send_signal(signal.SIGTERM)
                live.wait(5)
                print(*live.end_state())
            r = sb.run("p.py", ["exit"])
            print("through pipes: status", r.status, "signal", r.signal)
            print("the grader reads:", sb.file("out").read_text())
    """
    sub = Path(tempfile.mkdtemp(prefix="tp-grader-test-sub-"))
    try:
        sub.chmod(0o755)
        r = as_nobody(script, checkout, PYTHONPATH=os.pathsep.join([str(checkout), *packages]),
                      SUB=str(sub), TPGRADER_SANDBOX="bwrap", TPGRADER_SESSION=f"test{uuid.uuid4().hex[:8]}-")
    finally:
        shutil.rmtree(sub)
    assert r.stdout.splitlines() == [
        "kind bubblewrap",
        "the program's pid is the grader's: True",
        "signal 15",  # killed by SIGTERM, not an exit status 143
        "the program's pid is the grader's: True",
        "exit 3",
        "through pipes: status 3 signal None",
        "the grader reads: written",
    ], r.stdout + r.stderr


@pytest.fixture
def place():
    """A folder nobody can write to (pytest's tmp_path is root's only)."""
    top = Path(tempfile.mkdtemp(prefix="tp-grader-test-"))
    top.chmod(0o777)
    yield top
    shutil.rmtree(top)


def test_the_reference_scores_full_marks_under_bubblewrap(checkout, packages, place):
    """A whole grading, as nobody, every sandbox's namespaces from bwrap (a
    bwrap that counts its starts, found first on PATH)."""
    tmp_path = place
    (tmp_path / "bin").mkdir()
    (tmp_path / "bin" / "bwrap").write_text(f"#!/bin/sh\necho started >> {tmp_path}/bwrap-starts\n"
                                           f'exec {BWRAP} "$@"\n')
    (tmp_path / "bin" / "bwrap").chmod(0o755)
    session = f"test{uuid.uuid4().hex[:8]}-"
    r = subprocess.run([PYTHON, "-m", "grader", str(checkout / "reference"), "--json", str(tmp_path / "report.json"),
                        "--lang", "en", "--no-color"], capture_output=True, text=True, timeout=600, cwd="/",
                       user=NOBODY, group=NOBODY, extra_groups=[],
                       env={"PATH": f"{tmp_path}/bin:/usr/bin:/bin", "HOME": "/nonexistent", "LANG": "C.UTF-8",
                            "PYTHONPATH": os.pathsep.join([str(checkout), *packages]), "TPGRADER_SANDBOX": "bwrap",
                            "TPGRADER_SESSION": session})
    assert marked_processes(session) == []
    assert r.returncode == 0, r.stdout + r.stderr
    report = json.loads((tmp_path / "report.json").read_text())
    scores = exercise_scores(report)
    assert scores and all(0 < best == got for got, best in scores.values()), scores
    assert "a network of their own (loopback only), every file read-only but their folder" in r.stdout
    starts = (tmp_path / "bwrap-starts").read_text().count("started")
    assert starts >= len(scores)  # a sandbox at least per exercise, each under bwrap


def test_a_bwrap_that_says_nothing_is_killed_with_its_holder(checkout, workdir, place):
    """A holder silent for HOLDER_LIMIT is killed with bwrap (their process
    group) and started again, HOLDER_ATTEMPTS times; here a stand-in bwrap
    that leaves a child behind when killed alone."""
    (place / "bwrap").write_text(f"#!/bin/sh\nsleep 10 &\necho $! >> {place}/children\nwait\n")
    (place / "bwrap").chmod(0o755)
    script = f"""
        from pathlib import Path
        from grader.harness import namespaces
        namespaces.HOLDER_LIMIT = 0.5
        try:
            namespaces.Namespaces(Path({str(workdir)!r}))
        except namespaces.NamespacesUnavailable as e:
            print(e)
    """
    r = as_nobody(script, checkout, PATH=f"{place}:/usr/bin:/bin", TPGRADER_SANDBOX="bwrap")
    assert r.stdout == "the namespace holder did not start (3 tries)\n", r.stdout + r.stderr
    children = (place / "children").read_text().split()
    assert len(children) == 3 and ended(*map(int, children))
