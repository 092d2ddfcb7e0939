"""The lab file (grader/lab.py): the default lab is the statement of 2021,
the grader reads its values, and a lab file with a mistake is a one-line
error that names the line."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from grader import lab as lab_module
from grader.lab import DEFAULT_LAB_FILE, LabError, active_lab, read_lab

ROOT = Path(__file__).resolve().parent.parent


def test_the_default_lab_is_the_statement_of_2021():
    lab = active_lab()
    assert lab.path == DEFAULT_LAB_FILE.resolve()
    assert (ROOT / "labs" / "2021.toml").resolve() == DEFAULT_LAB_FILE.resolve()
    assert lab.today.year == 2021
    assert lab.data.name == "foot_2020.txt" and lab.data.fixture.is_file()
    assert lab.scripts() == {
        "joueurs_par_nation": ["joueurs_par_nation.py"],
        "joueurs_nation": ["joueurs_nation_subproc.py", "joueurs_nation_parent.py"],
        "bottles_of_beer2": ["bottles_of_beer2.py"],
        "chrono": ["chrono.py"],
        "multiChrono": ["multiChrono.py"],
        "wine_bottles": ["wine_bottles_server.py", "wine_bottles_client.py"],
    }
    # every script of the reference solution that the lab grades is there
    assert all((ROOT / "reference" / s).is_file() for s in lab.all_scripts())


def test_the_wording_patterns_of_2021_accept_the_statements_variants():
    from grader.kit.wording import file_error_wording_ok
    for text in ("foot_2020.txt : Pb ouverture", "foot_2020.txt: Problème à l'ouverture.",
                 "Erreur : foot_2020.txt : pb de ouverture !", "FOOT_2020.TXT : PB OUVERTURE"):
        assert file_error_wording_ok(text), text
    for text in ("foot_2020.txt introuvable", "Pb ouverture", "foot_2020.txt : Pb lecture"):
        assert not file_error_wording_ok(text), text


def test_the_wine_messages_of_2021_are_read_as_the_statement_writes_them():
    from grader.kit.wine.messages import (ANSWER, FAILED, ORDER, RECEIVED, REMAINING, SOLD_OUT, UNAVAILABLE, WAITING,
                                          Message, folded)
    read = {ORDER: {"Commande de 60 bouteille(s)": 60, "commande de 7": 7, "Commande de bouteilles": None},
            REMAINING: {"Reste en stock : 240 bouteille(s)": 240, "reste en stock: 0": 0,
                        "Reste 240 en stock": None},
            RECEIVED: {"60 bouteille(s) recue(s)": 60, "12 bouteilles reçues.": 12, "12bouteilles recues": 12,
                       "bouteilles recues : 12": None}}
    for message, cases in read.items():
        for text, number in cases.items():
            m = message.search(folded(text))
            assert (Message.number(m) if m else None) == number, (message.name, text)
    for message, texts, others in (
            (SOLD_OUT, ["PLUS DE STOCK !", "Plus de stock"], ["Stock vide"]),
            (WAITING, ["Serveur en attente de commande", "Serveur en attente..."], ["En attente"]),
            (UNAVAILABLE, ["Service non disponible", "SERVICE NON DISPONIBLE !"], ["Service indisponible"]),
            (FAILED, ["Echec commande", "Échec de la commande", "echec de commande"], ["Echec"])):
        assert all(message.search(folded(t)) for t in texts), message.name
        assert not any(message.search(folded(t)) for t in others), message.name
    # a client is done when it prints one of its outcomes, accents and case as they come
    for text in ("60 bouteille(s) reçue(s)\r\n", "ÉCHEC COMMANDE", "Service non disponible", "Traceback"):
        assert re.search(ANSWER, text), text
    assert not re.search(ANSWER, "Client en attente de la réponse")


def a_lab(tmp_path: Path, edit=lambda text: text) -> Path:
    """A copy of the default lab beside a copy of its fixture, edited."""
    (tmp_path / "fixtures").mkdir(exist_ok=True)
    shutil.copy(active_lab().data.fixture, tmp_path / "fixtures" / "foot_2020.txt")
    text = DEFAULT_LAB_FILE.read_text(encoding="utf-8")
    path = tmp_path / "labs" / "mine.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(edit(text), encoding="utf-8")
    return path


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_a_copy_of_the_default_lab_reads_the_same(tmp_path):
    mine = read_lab(a_lab(tmp_path))
    assert mine.scripts() == active_lab().scripts() and mine.today == active_lab().today
    assert mine.data.samples("nation") == active_lab().data.samples("nation")


@pytest.mark.parametrize("edit, needle, said", [
    (lambda t: t.replace('club = "club"\n', 'club = "club"\nclubb = "x"\n'), 'clubb = "x"',
     "unknown key 'data.clubb'"),
    (lambda t: t.replace('consumer = "joueurs_nation_parent.py"\n', ""), "[joueurs_nation]",
     "missing key 'joueurs_nation.consumer'"),
    (lambda t: t.replace('client = "wine_bottles_client.py"', 'client = "chrono.py"'),
     'client = "chrono.py"', "two scripts cannot share a name"),
    (lambda t: t.replace('key = "nation"', 'key = "pays"'), 'key = "pays"', "not one of data.fields"),
    (lambda t: t.replace('args = ["nation"]                      #', 'args = ["nation"] =  #'),
     'args = ["nation"] =', "line"),
    (lambda t: t.replace('today = 2021-06-15', 'today = "hier"'), 'today = "hier"',
     "'today' must be a date"),
    (lambda t: t.replace('usage = "Usage: {script} nation"', 'usage = "Usage: nation"', 1),
     'usage = "Usage: nation"', "must hold {script}"),
    (lambda t: t.replace('script = "bottles_of_beer2.py"', 'script = "bottles_of_beer2.py"\nusage = "x"'),
     'usage = "x"', "unknown key 'bottles_of_beer2.usage'"),
    (lambda t: t.replace('[chrono]\nsection = "II.1"\nscript = "chrono.py"\n', ""), "[multiChrono]",
     "[multiChrono] needs [chrono]"),
    (lambda t: t.replace('client = "wine_bottles_client.py"', 'client = "wine_bottles_client.py"\n'
                         'server_args = ["{quantity}"]'), 'server_args = ["{quantity}"]',
     "{quantity} is not a placeholder the grader fills in here ({port})"),
    (lambda t: t.replace("stock = 300", "stock = 0"), "stock = 0", "'wine_bottles.stock' must be a whole number"),
    (lambda t: t.replace("order_range = [1, 99]", "order_range = [99, 1]"), "order_range = [99, 1]",
     "'wine_bottles.order_range' must be [low, high]"),
    (lambda t: t.replace('order = "Commande de {n} bouteille(s)"', 'order = "Commande de N bouteille(s)"'),
     'order = "Commande de N', "must hold {n} once"),
    (lambda t: t.replace('sold_out = "PLUS DE STOCK !"', 'sold_out = "PLUS DE STOCK ({n}) !"'),
     'sold_out = "PLUS DE STOCK ({n}) !"', "must hold no {placeholder}"),
    (lambda t: t.replace('unavailable = "Service non disponible"\n', ""), "[wine_bottles.messages]",
     "missing key 'wine_bottles.messages.unavailable'"),
    # issue 22: an example nation the fixture lacks (its run prints nothing), or has one player of
    (lambda t: t.replace('example = "br"', 'example = "bz"'), 'example = "bz"',
     "'joueurs_par_nation.example' is 'bz', which has 0 player(s) in the fixture foot_2020.txt"),
    (lambda t: t.replace('example = "fr"', 'example = "sn"'), 'example = "sn"',
     "'joueurs_nation.example' is 'sn', which has 1 player(s)"),
    # issue 22: the server given the grader's port, the client not told it
    (lambda t: t.replace("order_range = [1, 99]", 'server_args = ["{port}"]\nclient_args = ["{quantity}"]\n'
                         "order_range = [1, 99]"), 'client_args = ["{quantity}"]',
     "'wine_bottles.client_args' must hold {port}, since server_args does"),
    (lambda t: t.replace("order_range = [1, 99]", 'server_args = ["{port}"]  # no client_args\n'
                         "order_range = [1, 99]"),
     "# no client_args", "'wine_bottles.client_args' must hold {port}, since server_args does"),
    (lambda t: t.replace("order_range = [1, 99]", 'client_args = ["{port", "{quantity}"]\n'
                         "order_range = [1, 99]"), 'client_args = ["{port"',
     "'{port' holds a brace that is not part of {port} or {quantity}"),
    (lambda t: t.replace('annee = ["1950", "2012"]', 'annee = ["1950", "en 2012"]'), 'annee = ["1950", "en',
     "'en 2012' is not a year"),
    (lambda t: t.replace('"Real Madrid",', '"Real:Madrid",'), 'club = ["Manchester City"',
     "'Real:Madrid' cannot hold the separator ':'"),
    (lambda t: t.replace('invented = ["nom", "club"]', 'invented = ["nom", "nation"]'),
     'invented = ["nom", "nation"]', "nation is not the name or the club field"),
])
def test_a_lab_file_with_a_mistake_is_a_one_line_error_naming_its_line(tmp_path, edit, needle, said):
    path = a_lab(tmp_path, edit)
    with pytest.raises(LabError) as caught:
        read_lab(path)
    message = str(caught.value)
    assert "\n" not in message and said in message and str(path) in message
    assert re.search(rf"\bline {line_of(path, needle)}\b", message), message


@pytest.mark.parametrize("wine_args", [
    'server_args = ["{port}"]\nclient_args = ["{port}"]',
    'server_args = ["--port={port}", "200"]\nclient_args = ["localhost:{port}", "{quantity}"]',
    'client_args = ["{port}", "{quantity}"]',  # the server's own port, found in the kernel
    'client_args = ["{quantity}"]',  # the client writes the server's port in the program
    'server_args = ["200"]',
])
def test_the_wine_command_lines_the_grader_can_fill_in_are_accepted(tmp_path, wine_args):
    wine = read_lab(a_lab(tmp_path, lambda t: t.replace("order_range = [1, 99]",
                                                        f"{wine_args}\norder_range = [1, 99]"))).exercises["wine_bottles"]
    assert wine.role_args and all("{" not in a.replace("{port}", "").replace("{quantity}", "")
                                  for args in wine.role_args.values() for a in args)


def test_the_shipped_labs_are_read_and_their_examples_have_players():
    for path in (DEFAULT_LAB_FILE, NBA_LAB):
        lab = read_lab(path)
        key = lab.data.index("key")
        nations = [fields[key] for fields in lab.data.fixture_lines()]
        for ex in lab.exercises.values():
            assert ex.example is None or nations.count(ex.example) >= 2, (path, ex.key)


def test_a_fixture_that_is_not_the_labs_fields_is_an_error(tmp_path):
    path = a_lab(tmp_path)
    fixture = tmp_path / "fixtures" / "foot_2020.txt"
    fixture.write_text(fixture.read_text() + "Zidane:Real Madrid:1972:fr\n")
    with pytest.raises(LabError, match=r"line \d+: line \d+ of foot_2020.txt does not have the fields"):
        read_lab(path)


@pytest.fixture
def lab_with_other_fields(tmp_path):
    """A lab whose data file has another field order (and a height): the
    grader's model reads it by the fields' roles."""
    fixture = tmp_path / "nba_2019.txt"
    fixture.write_text("LeBron James:2.06:Lakers:1984:us\nRudy Gobert:2.16:Jazz:1992:fr\n"
                       "Evan Fournier:2.01:Magic:1992:fr\n", encoding="utf-8")

    def edit(text: str) -> str:
        text = text.replace('file = "foot_2020.txt"', 'file = "nba_2019.txt"')
        text = text.replace('fixture = "../fixtures/foot_2020.txt"', 'fixture = "../nba_2019.txt"')
        text = text.replace('fields = ["nom", "club", "poste", "annee", "nation"]',
                            'fields = ["nom", "taille", "club", "annee", "nation"]')
        text = text.replace('example = "br"', 'example = "fr"')  # the examples have players here
        return text.replace('poste = ["g", "d", "md", "mo", "a"]', "")
    path = a_lab(tmp_path, edit)
    saved = lab_module._active
    yield lab_module.use_lab(path)
    lab_module._active = saved


def test_the_players_are_read_by_the_roles_of_the_labs_fields(lab_with_other_fields):
    from grader.foot import parse_foot, players_of
    text = lab_with_other_fields.data.fixture.read_text()
    assert [(p.name, p.club, p.year) for p in players_of(text, "fr")] == [
        ("Rudy Gobert", "Jazz", 1992), ("Evan Fournier", "Magic", 1992)]
    assert len(parse_foot(text)) == 3
    # a field the lab does not sample draws the fixture's values
    assert lab_with_other_fields.data.samples("taille") == ("2.06", "2.16", "2.01")


def test_the_explicit_cases_are_written_in_the_labs_layout(lab_with_other_fields):
    from grader.strategies import _EXPLICIT_CASES_2021, case_in_lab_layout
    case = case_in_lab_layout(_EXPLICIT_CASES_2021[0], lab_with_other_fields.data)
    assert case.text.split("\n")[0] == "Neymar:2.06:PSG:1992:br"
    assert case.nation == "br" and not case.text.endswith("\n")


# ---------------------------------------------------------------------------
# Grading against another lab: the 2019 lab (basketball, other script names)

NBA_LAB = ROOT / "labs" / "2019-nba.toml"
NBA_DIR = ROOT / "labs" / "2019-nba"


def test_the_2019_reference_scores_full_marks_in_the_labs_terms():
    from conftest import exercise_scores, grade_dir
    proc, report = grade_dir(NBA_DIR / "reference", "--lab", str(NBA_LAB))
    assert proc.returncode == 0, proc.stderr
    scores = exercise_scores(report)
    # the exercises the 2019 lab has, and only those: the others are left out, not 0
    assert set(scores) == set(read_lab(NBA_LAB).exercises)
    assert all(score == top > 0 for score, top in scores.values()), scores
    assert "nba_par_nation.py es" in proc.stdout and "(in 2019)" in proc.stdout
    assert "The client orders the quantity given on its command line" in proc.stdout
    assert "foot_2020" not in proc.stdout and "joueurs_" not in proc.stdout


def test_the_2019_template_scores_zero():
    from conftest import grade_dir
    proc, report = grade_dir(NBA_DIR / "student_template", "--lab", str(NBA_LAB))
    assert proc.returncode == 0, proc.stderr
    assert report["score"] == 0 and report["max_score"] > 0
    assert "nba_par_nation.py is not written yet" in proc.stdout


def test_a_class_graded_against_the_2019_lab(tmp_path):
    import json
    import subprocess
    import sys
    hand_ins = tmp_path / "class"
    shutil.copytree(NBA_DIR / "reference", hand_ins / "Ada Lovelace_1001_assignsubmission_file_")
    proc = subprocess.run([sys.executable, "-m", "grader", "--batch", str(hand_ins), "--out",
                           str(tmp_path / "out"), "--lab", str(NBA_LAB), "--lang", "en"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    [report_file] = (tmp_path / "out" / "students").glob("*/report.json")
    report = json.loads(report_file.read_text(encoding="utf-8"))
    assert report["score"] == report["max_score"] > 0


@pytest.mark.parametrize("options, said", [
    (["--lab", "no_such_lab.toml"], "bad lab file"),
    (["--lab", str(NBA_LAB), "--exercise", "chrono"], "chrono: not an exercise of the lab"),
])
def test_a_lab_the_command_cannot_use_is_a_clear_error(options, said, tmp_path):
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-m", "grader", str(NBA_DIR / "reference"), *options,
                           "--lang", "en"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and said in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_the_order_of_a_player_line_is_the_labs_layout(tmp_path):
    from grader.foot import Player, line_matches
    path = a_lab(tmp_path, lambda t: t.replace(
        'layouts = ["{name}, {club}, {age}", "{name} | {club} | {age} ans"]',
        'layouts = ["{club} | {name} | {age}"]'))
    saved = lab_module._active
    try:
        lab_module.use_lab(path)
        neymar = Player("Neymar", "PSG", 1992, "br", "")
        assert line_matches("PSG | Neymar | 29", neymar, 2021)
        assert not line_matches("Neymar, PSG, 29", neymar, 2021)
        assert not line_matches("PSG | Neymar | 29 ans", neymar, 2021)  # this lab writes no unit
        assert neymar.expected_line(2021) == "PSG | Neymar | 29"
    finally:
        lab_module._active = saved


def test_a_bundle_built_with_a_lab_grades_that_lab(tmp_path):
    """The Gradescope bundle and GitHub Classroom's archive carry the lab and
    its fixture; the bundled grader grades that lab with no option."""
    import subprocess
    import sys
    import zipfile
    bundle = tmp_path / "autograder.zip"
    subprocess.run([sys.executable, "-m", "grader", "--gradescope-bundle", str(bundle), "--lab", str(NBA_LAB)],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    source = tmp_path / "source"
    with zipfile.ZipFile(bundle) as z:
        assert "rubric =" not in z.read("grader/labs/bundled.toml").decode("utf-8")
        # no solution in a bundle, not even another lab's
        assert not [n for n in z.namelist() if "reference/" in n or "student_template/" in n]
        z.extractall(source)
    from conftest import exercise_scores, grade_dir
    proc, report = grade_dir(NBA_DIR / "reference", command=[sys.executable, "-m", "grader"], cwd=source)
    assert proc.returncode == 0, proc.stderr
    scores = exercise_scores(report)
    assert set(scores) == set(read_lab(NBA_LAB).exercises)
    assert all(score == top > 0 for score, top in scores.values()), scores
    repo = tmp_path / "classroom"
    repo.mkdir()
    subprocess.run([sys.executable, "-m", "grader", "--github-classroom", str(repo), "--lab", str(NBA_LAB)],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    with zipfile.ZipFile(repo / ".github" / "tp-grader.zip") as z:
        assert not [n for n in z.namelist() if "reference/" in n or "student_template/" in n]
        assert z.read("tp-grader/grader/labs/bundled/fixtures/nba_2019.txt") == (
            NBA_DIR / "fixtures" / "nba_2019.txt").read_bytes()
    # a checkout carries no bundled lab: its default is 2021's
    assert not (ROOT / "grader" / "labs" / "bundled.toml").exists()


def test_a_field_read_in_the_wrong_place_is_named_in_the_labs_fields(tmp_path):
    """The 2019 variant that prints the height where the club goes (it reads
    the line as in 2021's file) is told which field it printed."""
    from conftest import grade_dir
    from variants import SUBMISSIONS, build, load
    variant = load(SUBMISSIONS / "nba_par_nation_height_as_club")
    proc, report = grade_dir(build(variant, tmp_path / "hand-in"), "--exercise", "joueurs_par_nation",
                             *variant.grading_options())
    assert proc.returncode == 0, proc.stderr
    assert ("printed field 2 of the line (taille): the club is field 3 "
            "(prenom_nom:taille:club:annee_naissance:nation)") in proc.stdout


@pytest.mark.parametrize("server_args, full_marks", [('["{port}", "200"]', True), ('["{port}"]', False)])
def test_the_wine_stock_is_the_labs(tmp_path, server_args, full_marks):
    """The 2019 server takes its stock as a second argument: a lab whose
    statement starts it with 200 bottles grades it with a stock of 200; the
    same lab with the server started on its default 300 fails the stock."""
    from conftest import grade_dir
    text = NBA_LAB.read_text(encoding="utf-8")
    text = text.replace('fixture = "2019-nba/fixtures/nba_2019.txt"',
                        f'fixture = "{NBA_DIR / "fixtures" / "nba_2019.txt"}"')
    text = text.replace("stock = 300", "stock = 200").replace('server_args = ["{port}"]', f"server_args = {server_args}")
    lab = tmp_path / "lab.toml"
    lab.write_text(text, encoding="utf-8")
    proc, report = grade_dir(NBA_DIR / "reference", "--lab", str(lab), "--exercise", "wine_bottles")
    assert proc.returncode == 0, proc.stderr
    status = {t["check"]: t["status"] for t in report["tests"]}
    if full_marks:
        assert report["score"] == report["max_score"], [k for k, v in status.items() if v != "passed"]
        assert "200 bottles delivered in all" in proc.stdout
    else:
        assert status["stock_runs_out"] == "failed"


# The wine messages and the order's range in English: the 2021 reference's
# pair, its messages translated and its range [1, 50], must score full marks.
ENGLISH_WINE = {
    "'Serveur en attente de commande'": "'Server waiting for orders'",
    "'Commande de', commande, 'bouteille(s)'": "'Order of', commande, 'bottle(s)'",
    "'Reste en stock :', stock, 'bouteille(s)'": "'Left in stock:', stock, 'bottle(s)'",
    "'PLUS DE STOCK !'": "'OUT OF STOCK!'",
    "'Service non disponible'": "'Service unavailable'",
    "'Echec commande'": "'Order failed'",
    "recu, 'bouteille(s) recue(s)'": "recu, 'bottle(s) received'",
    "random.randint(1, 99)": "random.randint(1, 50)",
}
ENGLISH_MESSAGES = """order_range = [1, 50]
[wine_bottles.messages]
waiting = "Server waiting for orders"
order = "Order of {n} bottle(s)"
remaining = "Left in stock: {n} bottle(s)"
sold_out = "OUT OF STOCK!"
received = "{n} bottle(s) received"
unavailable = "Service unavailable"
failed = "Order failed"
"""


@pytest.fixture
def english_wine(tmp_path):
    """A lab whose wine programs speak English and order in [1, 50], and the
    reference pair written for it."""
    lab = a_lab(tmp_path, lambda t: t[:t.index("order_range =")] + ENGLISH_MESSAGES)
    pair = tmp_path / "english-pair"
    pair.mkdir()
    for script in ("wine_bottles_server.py", "wine_bottles_client.py"):
        text = (ROOT / "reference" / script).read_text(encoding="utf-8")
        for french, english in ENGLISH_WINE.items():
            text = text.replace(french, english)
        (pair / script).write_text(text, encoding="utf-8")
        (pair / script).chmod(0o755)
    assert "bouteille" not in (pair / "wine_bottles_server.py").read_text().split("print(")[-1]
    return lab, pair


def test_a_lab_with_its_own_wine_messages_and_order_range(english_wine):
    from conftest import grade_dir
    lab, pair = english_wine
    proc, report = grade_dir(pair, "--lab", str(lab), "--exercise", "wine_bottles")
    assert proc.returncode == 0, proc.stderr
    status = {t["check"]: t["status"] for t in report["tests"]}
    assert report["score"] == report["max_score"] > 0, [k for k, v in status.items() if v != "passed"]
    assert "N in [1, 50]" in proc.stdout and "`Order failed`" in proc.stdout
    assert "bouteille" not in proc.stdout and "Commande" not in proc.stdout


def test_the_statements_pair_fails_a_lab_with_other_messages(english_wine):
    """The 2021 reference prints French and orders up to 99: against the
    English lab its messages and its range fail, told in the lab's terms."""
    from conftest import grade_dir
    lab, _pair = english_wine
    proc, report = grade_dir(ROOT / "reference", "--lab", str(lab), "--exercise", "wine_bottles")
    assert proc.returncode == 0, proc.stderr
    status = {t["check"]: t["status"] for t in report["tests"]}
    for check in ("no_server", "one_order", "server_messages", "random_orders"):
        assert status[check] == "failed", check
    assert "the client does not print `Service unavailable`" in proc.stdout
    assert "`Order of N bottle(s)`" in proc.stdout and "outside [1, 50]" in proc.stdout
