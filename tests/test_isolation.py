"""What a sandbox's programs can see and reach (grader/harness/namespaces.py), and
the driven `random` module, which the wine bottles checks stand on."""
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from grader.harness import Sandbox, mounts, namespaces
from grader.harness.namespaces import SharedNetwork
from grader.harness.network import listening_ports
from grader.submission import Submission

from test_harness import leftovers, program

SERVER = """
    import socket, sys
    s = socket.socket()
    s.bind(("", 50007))
    s.listen(1)
    print("listening", flush=True)
    c, _ = s.accept()
    c.send(sys.argv[1].encode())
    c.close()
"""
CLIENT = """
    import socket
    c = socket.create_connection(("localhost", 50007))
    print(c.recv(100).decode())
"""


@pytest.fixture
def submission(tmp_path):
    d = tmp_path / "sub"
    d.mkdir()
    return Submission(d)


def serve(sb: Sandbox, answer: str):
    sb.write("server.py", program(SERVER), 0o755)
    sb.write("client.py", program(CLIENT), 0o755)
    live = sb.spawn("server.py", [answer])
    assert live.expect("listening", timeout=5)
    return live


def namespaces_work() -> bool:
    try:
        # a folder of its own: the namespaces copy their folder into their
        # tmpfs, and /tmp itself changes under the copy (a file gone half-way)
        with tempfile.TemporaryDirectory(prefix="tp-grader-test-ns-") as folder:
            namespaces.Namespaces(Path(folder)).close()
        return True
    except (namespaces.NamespacesUnavailable, OSError):
        return False


needs_namespaces = pytest.mark.skipif(not namespaces_work(), reason="no network namespaces here")


@needs_namespaces
def test_two_sandboxes_use_the_same_port_at_once(submission):
    with Sandbox(submission, network=True) as a, Sandbox(submission, network=True) as b:
        server_a, server_b = serve(a, "from a"), serve(b, "from b")
        assert listening_ports(server_a.family()) == {50007} == listening_ports(server_b.family())
        assert a.run("client.py").stdout == "from a\n"
        assert b.run("client.py").stdout == "from b\n"
        token = a.token
    assert leftovers(token) == []


@needs_namespaces
def test_a_namespace_holder_stuck_after_its_fork_is_forked_again(submission, tmp_path, monkeypatch, capsys):
    """The holder is forked from a thread, and a fork from a thread may hang:
    one that says nothing in time is killed, and the next one holds the
    sandbox's network."""
    import psutil
    monkeypatch.setattr(namespaces, "HOLDER_LIMIT", 1.0)
    stuck_once = tmp_path / "stuck-once"
    loopback_up = namespaces.loopback_up

    def hang_the_first_holder(addresses):
        if not stuck_once.exists():
            stuck_once.touch()
            time.sleep(3600)
        loopback_up(addresses)
    monkeypatch.setattr(namespaces, "loopback_up", hang_the_first_holder)
    before = set(psutil.Process().children())
    with Sandbox(submission, network=True) as sb:
        assert stuck_once.exists() and not sb.shared_network
        serve(sb, "held")
        assert sb.run("client.py").stdout == "held\n"
    assert set(psutil.Process().children()) - before == set()


@needs_namespaces
def test_a_server_without_reuseaddr_starts_again_in_a_fresh_network(submission):
    # The server closes first, so its port is left in TIME_WAIT: binding it
    # again in the same network fails without SO_REUSEADDR.
    for answer in ("first", "second"):
        with Sandbox(submission, network=True) as sb:
            serve(sb, answer)
            assert sb.run("client.py").stdout == answer + "\n"


@needs_namespaces
def test_a_network_sandbox_has_a_small_tcp_table_of_its_own(submission):
    # /proc/PID/net/tcp walks the whole table: the machine's has 262144
    # buckets here, 9 ms a read, and the wine checks read it while they wait
    if not Path("/proc/sys/net/ipv4/tcp_child_ehash_entries").exists():
        pytest.skip("Linux before 6.1: no TCP table per network namespace")
    with Sandbox(submission, network=True) as sb:
        if sb.shared_network:
            pytest.skip("no namespaces here")
        sb.write("p.py", "#!/usr/bin/python3\nprint(open('/proc/sys/net/ipv4/tcp_ehash_entries').read())\n",
                 0o755)
        entries = int(sb.run("p.py").stdout)
    if os.geteuid() != 0 and entries < 0:
        pytest.skip("an unprivileged user cannot size it: the machine's table is shared")
    assert 0 < entries <= 1024


def test_a_student_program_reaches_only_its_loopback(submission):
    with Sandbox(submission, network=True) as sb:
        sb.write("p.py", program("""
            import socket
            print(sorted(name for _, name in socket.if_nameindex()))
            try:
                socket.create_connection(("1.1.1.1", 53), timeout=2)
                print("reached the outside")
            except OSError as e:
                print("refused:", e.errno)
        """), 0o755)
        r = sb.run("p.py")
    assert r.stdout.split("\n")[0] == "['lo']"
    assert r.stdout.split("\n")[1].startswith("refused")


@needs_namespaces
def test_the_machine_name_resolves_inside_the_private_network(submission):
    # Students often bind socket.gethostname(): it must work as on the machine.
    with Sandbox(submission, network=True) as sb:
        sb.write("p.py", program("""
            import socket
            s = socket.socket()
            s.bind((socket.gethostname(), 0))
            s.listen(1)
            c = socket.create_connection((socket.gethostname(), s.getsockname()[1]))
            print("connected")
        """), 0o755)
        assert sb.run("p.py").stdout == "connected\n"


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to become another user")
@pytest.mark.parametrize("landlock", [None, 5, 0], ids=["this-kernel", "landlock-5", "no-landlock"])
def test_an_unprivileged_user_gets_namespaces_too(tmp_path, landlock):
    """As a student (not root), the namespaces come from an unprivileged user
    namespace that maps the student to themselves. `landlock`: the kernel's
    Landlock version, played (5: before its scopes; 0: none)."""
    if landlock is not None and landlock > namespaces.landlock_abi():
        pytest.skip(f"this kernel's Landlock is version {namespaces.landlock_abi()}")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(namespaces.__file__))))
    work = Path(tempfile.mkdtemp(prefix="tp-grader-test-"))  # under /tmp, which it makes private
    os.chown(work, 65534, 65534)
    script = textwrap.dedent(f"""
        import os, sys, socket
        sys.path.insert(0, {root!r})
        from grader.harness import mounts, namespaces  # stdlib only: the system python can import them
        if {landlock!r} is not None:  # the kernel's version, played where each module asks it
            mounts.landlock_abi = namespaces.landlock_abi = lambda: {landlock!r}
        try:
            ns = namespaces.Namespaces({str(work)!r}, [__import__("pathlib").Path({root!r})])
        except namespaces.NamespacesUnavailable as e:
            print("unavailable", e); sys.exit(0)
        pid = os.fork()
        if pid == 0:
            ns.join({str(work)!r})
            s = socket.socket(); s.bind(("127.0.0.1", 50007)); s.listen(1)
            # the checkout: hidden behind an empty folder, or gone with the
            # private /tmp when it lies under /tmp
            grader = os.listdir({root!r}) if os.path.isdir({root!r}) else []
            try:
                open("/etc/tp-grader-test", "w")
                etc = "written"
            except OSError as e:
                etc = e.strerror
            try:  # the process that made the sandbox: the same user, outside it
                os.kill(os.getppid(), 0)
                signal = "sent"
            except OSError as e:
                signal = e.strerror
            try:  # its files, through /proc
                os.listdir(f"/proc/{os.getppid()}/root/")
                files = "read"
            except OSError as e:
                files = e.strerror
            print("inside", os.getuid(), sorted(n for _, n in socket.if_nameindex()),
                  grader, os.listdir("/tmp"), os.listdir("/home"), os.path.exists("/proc/self/status"), files,
                  etc, signal, open("here", "w").write("x"), flush=True)
            os._exit(0)
        os.waitpid(pid, 0)
        # what it wrote is in its own space, which the grader reaches through the holder
        print("seen", ns.view(__import__("pathlib").Path({str(work)!r})).joinpath("here").read_text())
        ns.close()
    """)
    python = "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable
    try:
        r = subprocess.run([python, "-S", "-c", script], capture_output=True, text=True, timeout=30,
                           cwd="/", preexec_fn=lambda: (os.setgid(65534), os.setuid(65534)))
        if r.stdout.startswith("unavailable") and "unshare" in r.stdout:
            pytest.skip("unprivileged user namespaces are refused here: " + r.stdout)
        # its own uid, loopback only, the grader and the homes hidden, only its own
        # folder in /tmp, the rest read-only
        # no way through /proc to the files of its user's other processes
        # (Landlock, Linux 5.13: its own /proc kept; else /proc empty), no
        # signal to them (Landlock's scopes, Linux 6.12)
        abi = namespaces.landlock_abi() if landlock is None else landlock
        files = "Permission denied" if abi else "No such file or directory"
        signal = "Operation not permitted" if abi >= namespaces.LANDLOCK_SCOPES_ABI else "sent"
        assert r.stdout == (f"inside 65534 ['lo'] [] [{work.name!r}] [] {abi > 0} {files} Read-only file system "
                            f"{signal} 1\nseen x\n"), r.stdout + r.stderr
        assert not (work / "here").exists()  # nothing reached the disk
    finally:
        shutil.rmtree(work)


def test_without_namespaces_sandboxes_take_turns_on_the_shared_network(submission, monkeypatch, tmp_path):
    monkeypatch.setenv("TPGRADER_NO_NETNS", "1")
    # the lock every grading takes: the tests' own gradings without
    # namespaces (run side by side) serve on the same ports
    lock = SharedNetwork.LOCK
    with Sandbox(submission, network=True) as sb:
        assert sb.confinement.shared_network is not None
        # another grading (another process), even with a /tmp of its own (as
        # in VPL's jail), must wait for the lock
        other = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(f"""
                import socket
                s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                try:
                    s.bind({lock!r})
                    print("got it")
                except OSError as e:
                    print("busy" if e.errno == 98 else e)
            """)], capture_output=True, text=True, timeout=30,
            env={**os.environ, "TMPDIR": str(tmp_path)})
        assert other.stdout == "busy\n"
        # and a server restarted at once finds its port (SO_REUSEADDR is given)
        for answer in ("first", "second"):
            live = serve(sb, answer)
            assert sb.run("client.py").stdout == answer + "\n"
            live.wait(5)
    assert namespaces.shared_network_reason() == "TPGRADER_NO_NETNS is set"
    done = threading.Event()

    def take():
        SharedNetwork("test").close()
        done.set()
    threading.Thread(target=take, daemon=True).start()
    # released when the sandbox closed (another test's grading may take it
    # first, for a check at most)
    assert done.wait(120)


@pytest.mark.parametrize("drive, expected", [
    ("low", "1 1 0 0.0 a"),
    ("high", "99 99 9 1.0 c"),
])
def test_random_driven_to_the_ends_of_its_range(submission, drive, expected):
    with Sandbox(submission) as sb:
        sb.write("p.py", program("""
            import random
            from random import randint
            print(randint(1, 99), random.randrange(1, 100), random.randrange(10),
                  round(random.random(), 2), random.choice("abc"))
        """), 0o755)
        live = sb.spawn("p.py", env={"TPGRADER_RANDOM": drive})
        live.wait(5)
        assert live.transcript.strip() == expected


def test_random_seeded_gives_the_same_draws_every_run(submission):
    with Sandbox(submission) as sb:
        sb.write("p.py", program("""
            import random
            print([random.randint(1, 99) for _ in range(5)])
        """), 0o755)
        runs = set()
        for _ in range(3):
            live = sb.spawn("p.py", env={"TPGRADER_RANDOM": "seed:4"})
            live.wait(5)
            runs.add(live.transcript.strip())
        other = sb.spawn("p.py", env={"TPGRADER_RANDOM": "seed:5"})
        other.wait(5)
    assert len(runs) == 1 and other.transcript.strip() not in runs


FILL = """
    import os, sys
    n = 0
    try:
        while True:
            with open(f"{sys.argv[1]}/fill{n}", "wb") as f:
                f.write(b"x" * (8 << 20))  # under the 16 MiB a file may have
            n += 1
    except OSError as e:
        print(f"wrote {n * 8} MiB, then: {e.strerror}")
"""


@needs_namespaces
@pytest.mark.alone  # the free space of the disk: another test's files would count
@pytest.mark.parametrize("where", [".", "/tmp"])
def test_a_sandbox_writes_its_bounded_space_and_nothing_of_the_disk(submission, where, english):
    """Its folder and /tmp share one space of WRITABLE_SPACE: a program that
    fills it gets ENOSPC there, the disk is untouched, and the grader, asked
    to write a file after it, says the space is full in the student's terms."""
    from grader.harness import SandboxFull
    from grader.runner import _feedback_for

    free = os.statvfs(tempfile.gettempdir()).f_bavail * os.statvfs(tempfile.gettempdir()).f_frsize
    with Sandbox(submission) as sb:
        sb.write("fill.py", program(FILL), 0o755)
        r = sb.run("fill.py", [where], timeout=20)
        mib = mounts.WRITABLE_SPACE // (1 << 20)
        assert r.stdout == f"wrote {mib} MiB, then: No space left on device\n", r.stdout + r.stderr
        after = os.statvfs(tempfile.gettempdir()).f_bavail * os.statvfs(tempfile.gettempdir()).f_frsize
        assert free - after < 16 << 20  # the disk did not get it
        with pytest.raises(SandboxFull) as caught:
            sb.write("more.txt", "x" * (1 << 20))
    feedback = _feedback_for(caught)
    assert feedback.summary == (f"Your program filled all the space a grading gives it ({mib} MiB for its "
                                "folder and /tmp together), so the grader could not write more.txt there "
                                "and this check could not go on.")


def test_without_namespaces_a_sandbox_that_writes_too_much_is_stopped(submission, monkeypatch, english):
    """No tmpfs bounds it: the space watch stops its programs past the bound,
    and says why."""
    from grader.harness import take_incidents

    monkeypatch.setenv("TPGRADER_NO_NETNS", "1")
    with Sandbox(submission) as sb:
        sb.write("fill.py", program(FILL), 0o755)
        take_incidents()
        r = sb.run("fill.py", ["."], timeout=20)
        assert r.signal == 9 and r.stdout == "", r.stdout + r.stderr
        assert take_incidents() == [
            f"The grader stopped your programs: they had written over {mounts.WRITABLE_SPACE >> 20} MiB (a "
            "loop that writes without end?), the most a grading gives; a correct program of this lab writes "
            "a few kilobytes."]
