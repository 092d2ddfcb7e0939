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
    for key in ("client_launch", "no_server"):
        assert f"{CLIENT} stopped with exit status 1 after printing `Usage: ./{CLIENT} port`" \
            in tests[key]["output"]
        assert f"starts it as `./{CLIENT}`" in tests[key]["output"]
    for key in ("server_launch", "one_order", "delay", "stock_runs_out", "one_at_a_time",
                "queued_clients_fail", "random_orders", "invariants", "server_messages"):
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
    assert failed(tests) == set(tests) - {"client_launch", "no_server"}  # the client is right
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
        assert log.read_text() == "randint(0, 99)\t0\nchoice('abc')\t'a'\n"
