"""What the wine bottles report says about real hand-ins' mistakes (issue 11):
the verdict, and that the report names the cause, shows what each program
printed and how it ended. Graded in English; each variant of
tests/submissions/ is laid out afresh and graded on wine_bottles only."""
import re
import shutil

from conftest import ROOT, grade_dir
from variants import SUBMISSIONS, build, load

SERVER = "wine_bottles_server.py"
CLIENT = "wine_bottles_client.py"


def grade_wine(path):
    proc, report = grade_dir(path, "--exercise", "wine_bottles", lang="en")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    tests = {t["check"]: t for t in report["tests"] if t["exercise"] == "wine_bottles"}
    assert tests, report
    assert not [k for k, t in tests.items() if "grader failed on this check" in t["output"]]
    return report, tests


def grade_variant(name, tmp_path):
    return grade_wine(build(load(SUBMISSIONS / name), tmp_path / name))


def failed(tests) -> set:
    return {k for k, t in tests.items() if t["status"] != "passed"}


def test_threads_with_a_locked_log_fail_one_at_a_time(tmp_path):
    """Its log alternates Commande / Reste as a sequential server's would;
    the clients' answers, all about 3 s after the release, give it away."""
    _report, tests = grade_variant("wine_server_threads_locked_log", tmp_path)
    assert failed(tests) == {"one_at_a_time"}
    out = tests["one_at_a_time"]["output"]
    assert "got their answers together" in out
    assert "answer number 2 cannot come before 6 s" in out
    # the answers as the clients saw them, on the program's clock
    seen = [float(t) for t in re.findall(r"client \d at (\d+\.\d) s", out)]
    assert len(seen) == 3 and max(seen) < 5, out
    # the server's log is shown (it alternates: what made the old check pass)
    assert "Commande de" in out and "Reste en stock" in out
    assert "(still running: stopped by the grader)" in out  # how the server ended
    assert out.count("(exit status 0)") == 3  # each client's end
    assert "thread" in out  # the hint names it


def test_server_that_needs_one_more_client_fails_stock_runs_out(tmp_path):
    """It tests the stock after accept(): after the order that empties the
    stock it waits for a client before printing PLUS DE STOCK ! and ending."""
    _report, tests = grade_variant("wine_server_ends_on_next_client", tmp_path)
    assert failed(tests) == {"stock_runs_out"}
    out = tests["stock_runs_out"]["output"]
    assert "neither printed `PLUS DE STOCK !` nor ended" in out
    assert "with no other client coming, it was still running 3 s (30 s on its clock) later" in out
    assert "ended only when one more client (client 5) connected" in out
    assert "no other client came: the server is still running" in out  # the timeline
    assert "accept() returns with one more client" in out  # the hint
    assert "PLUS DE STOCK !\n    | (exit status 0)" in out  # its output, and how it ended


def test_thread_that_updates_the_stock_too_late_is_named_as_a_race(tmp_path):
    """A thread per order takes the bottles; the main loop tests the stock at
    once (a real hand-in's shape). The grader holds each new thread until its
    starter waits, so the loop always misses the last update and waits for
    one more client; the report says why, in the student's terms."""
    _report, tests = grade_variant("wine_thread_stock_race", tmp_path)
    assert failed(tests) == {"one_at_a_time", "stock_runs_out"}
    out = tests["stock_runs_out"]["output"]
    assert "ended only when one more client (client 5) connected" in out
    assert ("its main loop tested the stock before the thread that served the last order had taken its "
            "bottles") in out
    assert "Update the stock in the main loop itself" in out  # the hint
    # the same fix, made: the bottles taken in the loop, before accept()
    _report, tests = grade_variant("wine_thread_stock_reserved", tmp_path)
    assert failed(tests) == {"one_at_a_time"}


def test_pair_wanting_a_port_on_the_command_line(tmp_path):
    """Both print `Usage: ./script port` and stop with status 1 when started
    as the statement starts them: every check says so, shows the usage line
    and the status, and none hints at socket/bind."""
    report, tests = grade_variant("wine_port_on_argv", tmp_path)
    assert failed(tests) == set(tests)  # the cross-check (no points) too
    for key, t in tests.items():
        out = t["output"]
        assert "it expects arguments, but the statement starts it as" in out, (key, out)
        assert "exit status 1" in out, (key, out)
        assert "Usage: ./wine_bottles_" in out, (key, out)
        assert "(nothing)" not in out, (key, out)
        assert "bind(" not in out, (key, out)
    # the client's own checks (queued_clients_fail: judged with the grader's server)
    for key in ("client_launch", "no_server", "queued_clients_fail"):
        assert f"{CLIENT} stopped with exit status 1 after printing `Usage: ./{CLIENT} port`" \
            in tests[key]["output"]
        assert f"starts it as `./{CLIENT}`" in tests[key]["output"]
    assert "could not judge your client" in tests["queued_clients_fail"]["output"]
    for key in ("server_launch", "one_order", "delay", "stock_runs_out", "one_at_a_time",
                "random_orders", "invariants", "server_messages"):
        out = tests[key]["output"]
        assert f"{SERVER} stopped with exit status 1 after printing `Usage: ./{SERVER} port`" in out, key
        assert f"server (./{SERVER}):\n    | Usage: ./{SERVER} port\n    | (exit status 1)" in out, key
    # the report tells each cause once, with the checks it cost
    keys = {c["key"] for c in report["causes"]}
    assert {f"wants_args:{SERVER}", f"wants_args:{CLIENT}"} <= keys, keys


def test_client_ordering_zero_to_a_server_that_says_nothing(tmp_path):
    """randint(0, 99), driven to its lowest value, orders 0; the server hangs
    up without a word: the client's recorded draw tells what it ordered."""
    _report, tests = grade_variant("wine_order_zero_unanswered", tmp_path)
    assert failed(tests) == {"random_orders"}
    out = tests["random_orders"]["output"]
    assert "the client ordered 0 bottles (its call randint(0, 99) gave 0), outside [1, 99]" in out
    assert "The server printed nothing about that order, and the client printed `Echec commande`" in out
    assert "With its random module forced to give the lowest value of each range" in out
    assert "Neither" not in out and "nowhere to be seen" not in out
    # the timeline shows both clocks (100 times faster here)
    assert re.search(r"t=\s*\d+\.\d s \(real \d+\.\d\d s\)", out), out


def test_server_waiting_for_the_keyboard(tmp_path):
    """A server that asks for its port with input() is stopped at once, and
    every check names the cause."""
    sub = tmp_path / "kb"
    shutil.copytree(ROOT / "reference", sub)
    server = sub / SERVER
    server.write_text(server.read_text().replace("myPort = 50007", "myPort = int(input('Port ? '))"))
    _report, tests = grade_wine(sub)
    # the client is right (its `Echec commande` is judged with the grader's server)
    assert failed(tests) == set(tests) - {"client_launch", "no_server", "queued_clients_fail"}
    out = tests["one_order"]["output"]
    assert f"{SERVER} waits for something typed on the keyboard (input())" in out
    assert "Port ? " in out and "(still running: stopped by the grader)" in out
    assert "bind(" not in out


def test_random_draws_are_recorded(tmp_path):
    """TPGRADER_RANDOM_LOG: every draw of the random module's functions, as
    driven (here to the lowest values), one line each: what the grader reads
    when neither program prints the order."""
    from grader.harness import Sandbox
    from grader.submission import Submission

    (tmp_path / "sub").mkdir()
    with Sandbox(Submission(tmp_path / "sub")) as sb:
        sb.write("p.py", "#!/usr/bin/env python3\nimport random\nfrom random import randint\n"
                         "print(randint(0, 99), random.choice('abc'))\n", 0o755)
        log = sb.write(".draws", "", 0o600)
        live = sb.spawn("p.py", env={"TPGRADER_RANDOM": "low", "TPGRADER_RANDOM_LOG": str(log)})
        live.wait(5)
        assert live.transcript.strip() == "0 a"
        assert sb.file(".draws").read_text() == "randint(0, 99)\t0\nchoice('abc')\t'a'\n"


# ---------------------------------------------------------------------------
# Issue 22: the client's `Echec commande` judged with the grader's server;
# sentences true of the run; reports that fit on a screen.


def terminal_blocks(text: str) -> list[list[str]]:
    """The terminal report's blocks under "What went wrong", one per failed
    check or shared cause, each with its title line."""
    lines = text.split("\n")
    blocks: list[list[str]] = []
    for line in lines[lines.index("What went wrong") + 1:] if "What went wrong" in lines else []:
        if re.match(r"(x |\[\d+\] )", line):
            blocks.append([line])
        elif line.strip() and blocks and line.startswith(" "):
            blocks[-1].append(line)
    return blocks


def assert_fits_on_a_screen(proc) -> list[list[str]]:
    from grader.report import CHECK_LINES, REPORT_LINES
    assert proc.stdout.count("\n") <= REPORT_LINES, proc.stdout
    blocks = terminal_blocks(proc.stdout)
    for block in blocks:
        assert len(block) <= CHECK_LINES, "\n".join(block)
    return blocks


def grade_terminal(path, *extra):
    """The JSON report's checks and the terminal report (without --details)."""
    proc, report = grade_dir(path, "--exercise", "wine_bottles", "--no-color", *extra, lang="en")
    assert proc.returncode == 0, proc.stderr
    tests = {t["check"]: t for t in report["tests"] if t["exercise"] == "wine_bottles"}
    assert not [k for k, t in tests.items() if "grader failed on this check" in t["output"]]
    return proc, report, tests


def test_server_answering_at_once_and_client_without_try(tmp_path):
    """With its own server (no 3 s wait) no client of the pair ever waits;
    the grader's server makes them wait, then goes away: the accepted client
    gets b'' and crashes in int(''), those in the queue get a reset. The
    crash costs queued_clients_fail and invariants, and is told once."""
    variant = load(SUBMISSIONS / "wine_no_delay_client_without_try")
    proc, report, tests = grade_terminal(build(variant, tmp_path / variant.name))
    assert failed(tests) == {"delay", "queued_clients_fail", "invariants"}
    out = tests["queued_clients_fail"]["output"]
    assert out.startswith("client 1 was waiting for its answer (its order read by the grader's server) when "
                          "the server went away, and crashed (ValueError: invalid literal for int() with "
                          "base 10: '' in wine_bottles_client.py, line 16)."), out
    # the situation, seen from the kernel: connected, the order sent, blocked
    assert "the grader's server listens on port 50007 (where your client connected when no server ran)" in out
    assert re.search(r"client 1 is connected and waits for the answer: the grader's server read its order "
                     r"\(`\d+`\)", out), out
    for n in (2, 3):
        assert re.search(rf"client {n} is connected and waits in the queue of the grader's server: its order "
                         rf"\(\d bytes\) is there, unread", out), out
    assert "went away without answering" in out
    assert "recv() raises ConnectionResetError" in out  # the hint
    # one cause, both checks
    causes = {c["key"]: c for c in report["causes"]}
    key = "crash:wine_bottles_client.py:16:ValueError"
    assert tests["queued_clients_fail"]["cause"] == tests["invariants"]["cause"] == key, causes
    assert len(causes[key]["tests"]) == 2
    # the terminal report tells it once, with the client's command, traceback and end
    blocks = assert_fits_on_a_screen(proc)
    assert len(blocks) == 2 and sum("ValueError" in "\n".join(b) for b in blocks) == 1
    crash = next(b for b in blocks if b[0].startswith("[1] wine_bottles_client.py crashed with ValueError"))
    text = "\n".join(crash)
    assert "Command run: ./wine_bottles_client.py" in text
    assert 'File "wine_bottles_client.py", line 16' in text and "(exit status 1)" in text
    assert "went away without answering" in text


def test_client_crashing_on_reset_is_told_once(tmp_path):
    """Its client crashes when the reference server leaves it queued at the
    end, and when the grader's server goes away: one cause, told once."""
    variant = load(SUBMISSIONS / "wine_client_traceback_on_reset")
    proc, report, tests = grade_terminal(build(variant, tmp_path / variant.name))
    assert failed(tests) == {"queued_clients_fail", "invariants"}
    key = "crash:wine_bottles_client.py:13:ConnectionResetError"
    assert tests["queued_clients_fail"]["cause"] == tests["invariants"]["cause"] == key
    # the client the grader's server had accepted gets b'' and prints Echec commande; the
    # next one, in the queue, gets a reset
    assert tests["queued_clients_fail"]["output"].startswith(
        "client 2 was waiting for its answer (waiting in the queue of the grader's server) when the "
        "server went away, and crashed (ConnectionResetError")
    blocks = assert_fits_on_a_screen(proc)
    assert len(blocks) == 1 and blocks[0][0].startswith("[1] wine_bottles_client.py crashed with "
                                                        "ConnectionResetError")


def test_server_ending_by_itself_without_the_message(tmp_path):
    """It leaves with sys.exit() in its loop at stock 0: it ends by itself,
    and the report says so (not that it was still running)."""
    variant = load(SUBMISSIONS / "wine_server_ends_silently")
    proc, _report, tests = grade_terminal(build(variant, tmp_path / variant.name))
    assert failed(tests) == {"stock_runs_out"}
    out = tests["stock_runs_out"]["output"]
    assert out.startswith("After the order that emptied the stock, the server ended by itself (exit status 0) "
                          "without printing `PLUS DE STOCK !`."), out
    assert "still running" not in out
    assert "the server ended by itself, exit status 0" in out  # the timeline agrees
    assert "Reste en stock : 0 bouteille(s)\n    | (exit status 0)" in out  # its output, and its end
    blocks = assert_fits_on_a_screen(proc)
    assert "Reste en stock : 0 bouteille(s)" in "\n".join(blocks[0])


def nba_variant(tmp_path, name="nba_wine_client_ignores_quantity"):
    variant = load(SUBMISSIONS / name)
    return build(variant, tmp_path / variant.name), variant.grading_options()


def test_2019_client_ignoring_its_quantity(tmp_path):
    """2019 lab: it orders 0 whatever its command line says. The report says
    what it sent and what the server read (never None), once for the checks
    it costs; with bottles left, the server rightly keeps running."""
    path, options = nba_variant(tmp_path)
    proc, report, tests = grade_terminal(path, *options)
    assert failed(tests) == {"one_order", "stock_runs_out", "random_orders"}
    for key, t in tests.items():
        assert "None" not in t["output"], (key, t["output"])
    assert re.search(r"client 1 was given 1 on its command line \(\./wine_bottles_client\.py \d+ 1\) as the "
                     r"quantity to order, but it sent `0` \(to the grader's own server\), and your server read "
                     r"an order of 0\.", tests["random_orders"]["output"]), tests["random_orders"]["output"]
    assert re.search(r"The client was given \d+ on its command line .* but the server read an order of 0\.",
                     tests["one_order"]["output"])
    assert "and the server read orders of 0, 0, 0" in tests["stock_runs_out"]["output"]
    key = "ignores_quantity:wine_bottles_client.py"
    assert {k for k, t in tests.items() if t["cause"] == key} == {"one_order", "stock_runs_out", "random_orders"}
    blocks = assert_fits_on_a_screen(proc)
    assert len(blocks) == 1 and "does not order the quantity given on its command line" in blocks[0][0]


def test_2019_order_the_server_never_printed(tmp_path):
    """The same client with a server that hangs up on an order of 0 without a
    word: the order shows nowhere in the pair's run, so the grader runs the
    client against its own server to see what it sends."""
    path, options = nba_variant(tmp_path)
    server = path / "wine_bottles_server.py"
    text = server.read_text()
    anchor = "                except (OSError, ValueError):\n                    continue\n"
    assert anchor in text
    server.write_text(text.replace(anchor, anchor + "                if commande < 1:\n"
                                                    "                    continue\n"))
    _proc, _report, tests = grade_terminal(path, *options)
    out = tests["random_orders"]["output"]
    assert re.search(r"client 1 was given 1 on its command line \(\./wine_bottles_client\.py \d+ 1\) as the "
                     r"quantity to order, but it sent `0` \(to the grader's own server\), and your server "
                     r"printed no `Commande de N bouteille\(s\)` for it\.", out), out
    for key, t in tests.items():
        assert "None" not in t["output"], (key, t["output"])


def test_client_printing_its_order_is_told_apart_from_a_server_over_delivering(tmp_path):
    """The clients' total is what they print: a client that prints its order
    is not a server that delivers more than its stock, whose log goes below 0."""
    _report, tests = grade_variant("wine_client_prints_order", tmp_path)
    out = tests["stock_runs_out"]["output"]
    assert ("The clients say they received 339 bottles in all, more than the stock of 300, but the server's "
            "stock went down by 300: client 4 printed `99 bouteille(s) recue(s)` when 60 bottles were left.") in out
    assert "what recv() returns" in out
    _report, tests = grade_variant("wine_stock_negative", tmp_path)
    out = tests["stock_runs_out"]["output"]
    assert out.startswith("The server delivered more bottles than its stock of 300: the server's stock went "
                          "down to -39 (`Reste en stock : -39 bouteille(s)`)."), out


def test_2019_client_connecting_to_its_quantity(tmp_path):
    """2019 lab: it takes its quantity for the port. Where it called connect()
    (recorded) is the cause of every check it costs, told once."""
    path, options = nba_variant(tmp_path, "nba_wine_client_swaps_arguments")
    proc, report, tests = grade_terminal(path, *options)
    key = "wrong_port:wine_bottles_client.py"
    lost = {k for k, t in tests.items() if t["cause"] == key}
    assert {"one_order", "queued_clients_fail"} <= lost and lost == failed(tests), tests
    blocks = assert_fits_on_a_screen(proc)
    assert len(blocks) == 1, proc.stdout
    assert re.match(r"\[1\] wine_bottles_client\.py does not connect to the port given on its command line\. "
                    r"Given port (\d+) \(\./wine_bottles_client\.py \1 (\d+)\), it called connect\(\) with "
                    r"\('localhost', \2\) and printed `Service non disponible`\.", blocks[0][0]), blocks[0][0]


def test_server_that_never_ends_is_told_once(tmp_path):
    """It loops forever: stock_runs_out and invariants (a process left
    running) share the cause, told once; the client, right, keeps its
    queued_clients_fail (judged with the grader's server)."""
    variant = load(SUBMISSIONS / "wine_server_never_stops")
    proc, report, tests = grade_terminal(build(variant, tmp_path / variant.name))
    assert failed(tests) == {"stock_runs_out", "invariants"}
    assert tests["stock_runs_out"]["cause"] == tests["invariants"]["cause"] == "runs_on:wine_bottles_server.py"
    assert "Processes of yours were still running after the stock ran out" in tests["invariants"]["output"]
    blocks = assert_fits_on_a_screen(proc)
    assert len(blocks) == 1 and blocks[0][0].startswith(
        "[1] The server does not end once its stock is gone. The server never printed `PLUS DE STOCK !` and "
        "never ended after the stock ran out"), blocks[0][0]
