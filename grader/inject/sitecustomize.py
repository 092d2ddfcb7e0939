# Injected by tp-grader into every student Python process (through PYTHONPATH).
#
# It gives the process the grader's virtual clock:
#   * "today" is fixed (TPGRADER_TODAY, local time at the start of the check),
#     so ages computed from the current year are the same on every run;
#   * time runs TPGRADER_TIME_SCALE times faster: sleep(), alarm() and
#     setitimer() wait scale times less, and the wall clock read back by
#     time.time() / datetime.now() advances scale times faster, so a program
#     that sleeps 3 s and then reads the clock sees 3 s gone.
# Every process of one check shares TPGRADER_EPOCH (the real start time of the
# check), so a parent and the children it starts read the same virtual clock.
# On the grader's own pipes (TPGRADER_LINE_BUFFERED), stdout is line-buffered,
# as in a terminal: what a program printed before it was stopped is not lost.
# Nothing here prints anything, or changes a program that does not read the
# clock or wait, beyond when its output reaches the grader.
import os as _os
import sys as _sys


# Patching a module costs its import (signal pulls in enum, ~3 ms): most
# programs never import signal, datetime or random, so each is patched only
# once the program imports it. A finder first on sys.meta_path wraps the
# module's loader: the module runs as usual, then gets the patch.
class _PatchLoader:
    def __init__(self, real, patch):
        self.real, self.patch = real, patch

    def create_module(self, spec):
        return self.real.create_module(spec)

    def exec_module(self, module):
        self.real.exec_module(module)
        module.__loader__ = module.__spec__.loader = self.real
        self.patch(module)


class _AfterImport:
    def __init__(self):
        self.patches = {}

    def find_spec(self, name, path=None, target=None):
        patch = self.patches.pop(name, None)
        if patch is None:
            return None
        for finder in _sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = _PatchLoader(spec.loader, patch)
                return spec
        return None


_hook = _AfterImport()


def _after_import(name, patch):
    """patch(module) once `name` is imported (at once if it already is)."""
    if name in _sys.modules:
        patch(_sys.modules[name])
        return
    if _hook not in _sys.meta_path:
        _sys.meta_path.insert(0, _hook)
    _hook.patches[name] = patch


def _install_pipe_split():
    """TPGRADER_PIPE_SPLIT="SIZE:PAUSE": every os.write() of more than SIZE
    bytes to a pipe (not stdin/stdout/stderr) reaches it in pieces of SIZE
    bytes, PAUSE real seconds apart. A reader waiting on the pipe then gets a
    piece at a time, as it may on any system: a reader that expects one
    write per read (os.read(fd, 118)) shows it, a line-by-line reader does not.
    A file object opened for writing on such a pipe (os.fdopen(pipeout, 'w'),
    open(fd, 'w')) writes through the same pieces when it flushes, so that a
    child written that way meets the same test."""
    spec = _os.environ.get("TPGRADER_PIPE_SPLIT")
    if not spec:
        return
    import builtins
    import io
    import stat
    import time
    size, pause = spec.split(":")
    size, pause = int(size), float(pause)
    real_write, real_sleep, real_open = _os.write, time.sleep, io.open

    def is_pipe(fd):
        try:
            return fd > 2 and stat.S_ISFIFO(_os.fstat(fd).st_mode)
        except (OSError, TypeError):
            return False

    def write(fd, data):
        if len(data) <= size or not is_pipe(fd):
            return real_write(fd, data)
        view, done = memoryview(data), 0
        while done < len(view):
            if done:
                real_sleep(pause)
            done += real_write(fd, view[done:done + size])
        return done

    class SplitPipe(io.RawIOBase):
        """The raw file under a file object on a pipe: its writes go through write()."""
        def __init__(self, fd, closefd):
            self.fd, self.closefd, self.name = fd, closefd, fd

        def writable(self):
            return True

        def fileno(self):
            return self.fd

        def write(self, data):
            return write(self.fd, bytes(data))

        def close(self):
            if not self.closed and self.closefd:
                _os.close(self.fd)
            super().close()

    def open_(file, mode="r", buffering=-1, encoding=None, errors=None, newline=None, closefd=True,
              opener=None):
        if (isinstance(file, int) and opener is None and set(mode) & set("wa") and not set(mode) & set("r+x")
                and is_pipe(file)):
            raw = SplitPipe(file, closefd)
            if buffering == 0:
                return raw
            stream = io.BufferedWriter(raw, buffering if buffering > 1 else io.DEFAULT_BUFFER_SIZE)
            if "b" in mode:
                return stream
            return io.TextIOWrapper(stream, encoding=encoding, errors=errors, newline=newline,
                                    line_buffering=buffering == 1)
        return real_open(file, mode, buffering, encoding, errors, newline, closefd, opener)

    _os.write = write
    io.open = builtins.open = open_  # os.fdopen() opens through io.open


def _line_buffered():
    """TPGRADER_LINE_BUFFERED="DEV:INODE,...": the grader's own pipes. A
    stdout or stderr that is one of them writes line by line, as it would
    to a terminal (Python buffers a pipe by blocks of 8 KiB), so that what
    the program printed before the grader stopped it is not lost. Its other
    pipes (to a program it started) keep their usual buffering."""
    wanted = _os.environ.get("TPGRADER_LINE_BUFFERED")
    if not wanted:
        return
    wanted = set(wanted.split(","))
    for stream in (_sys.stdout, _sys.stderr):
        try:
            st = _os.fstat(stream.fileno())
            if "%d:%d" % (st.st_dev, st.st_ino) in wanted and not stream.line_buffering:
                stream.reconfigure(line_buffering=True)
        except Exception:  # no such stream, a replaced one: leave it
            pass


def _install_random():
    """TPGRADER_RANDOM drives the random module: "seed:N" seeds it (the same
    numbers on every run); "low" / "high" make every draw the lowest / highest
    value its range allows (randint(1, 99) gives 1 / 99, random() 0.0 / just
    under 1.0), so that a range off by one shows on every run, not by chance.
    TPGRADER_RANDOM_LOG names a file where every draw of the module's
    functions is appended as a line "randint(0, 99)<TAB>0", so that the grader
    knows what a program drew even when it prints nothing of it."""
    spec = _os.environ.get("TPGRADER_RANDOM")
    log = _os.environ.get("TPGRADER_RANDOM_LOG")
    if spec or log:
        _after_import("random", lambda random: _drive_random(random, spec or "", log))


def _drive_random(random, spec, log=None):
    _drive(random, spec)
    if log:
        _record_draws(random, log)


def _note(log, line):
    """Append `line` and a newline to the grader's file `log` (the draws, the
    connections, the threads), never breaking the program because of it."""
    try:
        fd = _os.open(log, _os.O_WRONLY | _os.O_APPEND | _os.O_CREAT, 0o600)
        try:
            _os.write(fd, (line + "\n").encode("utf-8", "replace"))
        finally:
            _os.close(fd)
    except Exception:
        pass


def _record_draws(random, log):
    def recorded(name, real):
        def draw(*args, **kwargs):
            value = real(*args, **kwargs)
            try:
                shown = ", ".join([repr(a) for a in args] + ["%s=%r" % kv for kv in kwargs.items()])
                _note(log, "%s(%s)\t%r" % (name, shown, value))
            except Exception:  # a repr that fails: never break the program because of the grader
                pass
            return value
        draw.__name__ = draw.__qualname__ = name
        draw.__doc__ = getattr(real, "__doc__", None)
        return draw

    for name in ("randint", "randrange", "random", "uniform", "choice", "choices", "sample"):
        real = getattr(random, name, None)
        if real is not None:
            setattr(random, name, recorded(name, real))


def _drive(random, spec):
    if spec.startswith("seed:"):
        random.seed(int(spec[5:]))
        return
    if spec not in ("low", "high"):
        return
    high = spec == "high"
    end = -1 if high else 0
    def randrange(start, stop=None, step=1):
        if stop is None:
            start, stop = 0, start
        values = range(start, stop, step)
        if not values:
            raise ValueError("empty range for randrange() (%d, %d, %d)" % (start, stop, step))
        return values[end]

    def randint(a, b):
        return randrange(a, b + 1)

    def unit():
        return 1.0 - 2.0 ** -53 if high else 0.0

    def uniform(a, b):
        return a + (b - a) * unit()

    def choice(seq):
        if not len(seq):
            raise IndexError("Cannot choose from an empty sequence")
        return seq[end]

    def choices(population, weights=None, *, cum_weights=None, k=1):
        return [choice(population) for _ in range(k)]

    random.randrange, random.randint, random.random = randrange, randint, unit
    random.uniform, random.choice, random.choices = uniform, choice, choices


def _install_connect_log():
    """TPGRADER_CONNECT_LOG names a file where the address of every
    connect() (and connect_ex(), create_connection()) is appended as a line
    "localhost<TAB>50007", so that the grader knows where a client looks for
    its server even when no server listens there. Read through an audit hook
    (sys.addaudithook), not a wrapper: a traceback of the program shows
    nothing of the grader."""
    log = _os.environ.get("TPGRADER_CONNECT_LOG")
    if not log:
        return

    def hook(event, args):
        if event != "socket.connect":
            return
        address = args[1] if len(args) > 1 else None
        if isinstance(address, tuple) and len(address) >= 2:  # an AF_INET(6) address
            _note(log, "%s\t%s" % address[:2])

    _sys.addaudithook(hook)


# A thread that a program starts runs at once or later, as the scheduler
# chooses: a program whose starter tests shared data before the new thread
# has updated it (a server's `while stock:` before the thread that served the
# last order took its bottles) got a different verdict from run to run. Every
# new thread is therefore held until the thread that started it blocks (a
# call that may wait: accept, recv, sleep, join, a lock, input...) or ends,
# and at most THREAD_HOLD real seconds: the window such a program leaves open
# is open every time. A sequential program starts no thread; one that
# synchronizes its threads (joins them, waits on a lock or an event) blocks
# at once, which lets them go.
THREAD_HOLD = 0.2
_BLOCKING_CALLS = frozenset((
    "accept", "_accept", "recv", "recv_into", "recvfrom", "recvfrom_into", "recvmsg", "connect", "sleep",
    "select", "poll", "input", "read", "readinto", "readline", "readlines", "acquire", "wait", "waitpid",
    "wait3", "wait4", "waitid", "pause", "sigwait", "sigwaitinfo", "sigtimedwait", "getaddrinfo"))


def _install_thread_hold():
    if _os.environ.get("TPGRADER_THREAD_HOLD") == "0":
        return
    _after_import("threading", _hold_new_threads)


def _hold_new_threads(threading):
    import _thread

    real_start = threading.Thread.start
    held = {}  # a starter's ident -> the gates of the threads it started, still closed
    log = _os.environ.get("TPGRADER_THREAD_LOG")  # a line per thread started, for the report

    def release_on_block(frame, event, arg):  # the starter's profile function while it has held threads
        if event == "c_call" and getattr(arg, "__name__", None) in _BLOCKING_CALLS:
            _sys.setprofile(None)
            for gate in held.pop(_thread.get_ident(), ()):
                gate.release()

    def start(self):
        gate = _thread.allocate_lock()
        gate.acquire()
        run = self.run

        def held_run():
            gate.acquire(True, THREAD_HOLD)
            run()

        self.run = held_run
        real_start(self)
        if log:
            _note(log, "thread")
        if _sys.getprofile() not in (None, release_on_block):  # a debugger's: not ours to replace
            gate.release()
            return
        held.setdefault(_thread.get_ident(), []).append(gate)
        _sys.setprofile(release_on_block)

    start.__doc__ = real_start.__doc__
    threading.Thread.start = start


def _install_reuseaddr():
    """TPGRADER_REUSEADDR (set when the sandbox shares the machine's network):
    every TCP socket gets SO_REUSEADDR before bind(), so that a server the
    grader starts again finds its port free at once (in a network of its own
    it would be anyway). It lets no two servers listen on one port."""
    if not _os.environ.get("TPGRADER_REUSEADDR"):
        return
    import socket
    real_bind = socket.socket.bind

    def bind(self, address):
        try:
            if self.type == socket.SOCK_STREAM:
                self.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        except OSError:
            pass
        return real_bind(self, address)

    socket.socket.bind = bind


def _install():
    today = _os.environ.get("TPGRADER_TODAY")
    scale = float(_os.environ.get("TPGRADER_TIME_SCALE") or 1.0)
    if not today and scale == 1.0:
        return
    import time  # built in: costs nothing

    real_time = time.time
    real_sleep = time.sleep

    epoch = float(_os.environ.get("TPGRADER_EPOCH") or real_time())
    if today:
        start = _parse_local(today, time)
    else:
        start = epoch

    def virtual_time():
        return start + (real_time() - epoch) * scale

    def virtual_time_ns():
        return int(virtual_time() * 1e9)

    def _default(secs):
        return virtual_time() if secs is None else secs

    real_localtime, real_gmtime, real_ctime = time.localtime, time.gmtime, time.ctime
    real_asctime, real_strftime = time.asctime, time.strftime
    time.time = virtual_time
    time.time_ns = virtual_time_ns
    time.localtime = lambda secs=None: real_localtime(_default(secs))
    time.gmtime = lambda secs=None: real_gmtime(_default(secs))
    time.ctime = lambda secs=None: real_ctime(_default(secs))
    time.asctime = lambda t=None: real_asctime(real_localtime(virtual_time()) if t is None else t)
    time.strftime = lambda fmt, t=None: real_strftime(fmt, real_localtime(virtual_time()) if t is None else t)

    if scale != 1.0:
        def sleep(seconds):
            real_sleep(max(0.0, seconds) / scale)
        time.sleep = sleep
        _after_import("signal", lambda signal: _scale_signal(signal, scale))
    _after_import("datetime", lambda datetime: _virtual_datetime(datetime, virtual_time))


def _parse_local(text, time):
    """The timestamp of a naive local time written YYYY-MM-DDTHH:MM:SS[.ffffff],
    as datetime.fromisoformat(text).timestamp() gives it, without importing
    datetime (anything else: datetime)."""
    try:
        day, clock = text.split("T")
        y, mo, d = (int(x) for x in day.split("-"))
        h, mi, sec = clock.split(":")
        whole = int(float(sec))
        return time.mktime((y, mo, d, int(h), int(mi), whole, 0, 0, -1)) + float(sec) - whole
    except ValueError:
        import datetime
        return datetime.datetime.fromisoformat(text).timestamp()


def _scale_signal(signal, scale):
    """alarm() and setitimer() wait `scale` times less."""
    real_setitimer = getattr(signal, "setitimer", None)
    real_getitimer = getattr(signal, "getitimer", None)
    if real_setitimer is None:
        return

    def setitimer(which, seconds, interval=0.0):
        if which != signal.ITIMER_REAL:
            return real_setitimer(which, seconds, interval)
        old = real_setitimer(which, seconds / scale, interval / scale)
        return (old[0] * scale, old[1] * scale)

    def getitimer(which):
        value = real_getitimer(which)
        if which != signal.ITIMER_REAL:
            return value
        return (value[0] * scale, value[1] * scale)

    def alarm(seconds):
        # alarm(n) is setitimer(ITIMER_REAL, n) with whole seconds; it
        # returns the whole seconds that were left on the previous one.
        old = real_setitimer(signal.ITIMER_REAL, max(0, seconds) / scale, 0.0)
        remaining = old[0] * scale
        return int(-(-remaining // 1)) if remaining > 0 else 0

    signal.setitimer = setitimer
    signal.getitimer = getitimer
    signal.alarm = alarm


def _virtual_datetime(datetime, virtual_time):
    """datetime.date and datetime.datetime are C types that cannot be patched:
    replace them by subclasses whose "now" is virtual (as freezegun does).
    The metaclass keeps isinstance() true for the real types' instances."""
    real_date = datetime.date
    real_datetime = datetime.datetime

    class _Meta(type):
        def __instancecheck__(cls, obj):
            return isinstance(obj, cls._real)

        def __subclasscheck__(cls, sub):
            return issubclass(sub, cls._real)

    class FakeDate(real_date, metaclass=_Meta):
        _real = real_date

        @classmethod
        def today(cls):
            t = real_date.fromtimestamp(virtual_time())
            return cls(t.year, t.month, t.day)

    class FakeDatetime(real_datetime, metaclass=_Meta):
        _real = real_datetime

        @classmethod
        def now(cls, tz=None):
            t = real_datetime.fromtimestamp(virtual_time(), tz)
            return cls.combine(t.date(), t.timetz())

        @classmethod
        def today(cls):
            return cls.now()

        @classmethod
        def utcnow(cls):
            t = real_datetime.fromtimestamp(virtual_time(), datetime.timezone.utc)
            return cls.combine(t.date(), t.time())

    FakeDate.__name__ = FakeDate.__qualname__ = "date"
    FakeDatetime.__name__ = FakeDatetime.__qualname__ = "datetime"
    FakeDate.__module__ = FakeDatetime.__module__ = "datetime"
    datetime.date = FakeDate
    datetime.datetime = FakeDatetime


try:
    _install_pipe_split()  # first: its pauses are real time, not the scaled sleep()
    _line_buffered()
    _install_random()
    _install_connect_log()
    _install_reuseaddr()
    _install_thread_hold()
    _install()
except Exception:  # never break a student's program because of the grader
    pass
