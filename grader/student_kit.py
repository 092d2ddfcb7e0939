"""The students' kit (./grade.sh --student-kit DIR): what an instructor puts
on the course page so that students grade their own work before handing it
in, without the solutions.

    DIR/tp-grader.pyz   the grader and its dependencies, one file:
                        python3 tp-grader.pyz tp_python
    DIR/tp_python/      the lab's template, with the lab's data file
    DIR/LISEZMOI.md     for the students, in French
    DIR.zip             the same, one archive to upload

The .pyz is a zipapp, the standard library's format: a plain python3 (3.9
or later, on Linux x86-64) runs it as it is, with nothing installed. Its
__main__.py (KIT_MAIN) unpacks the grader once into
~/.cache/tp-grader/kit-<checksum> (a compiled module, psutil's, cannot be
imported from a zip, and the grader hands its own files to the programs it
runs), then runs it from there. shiv does the same, but would be one more
tool for the instructor to install.

The dependencies are pip's choice for CPython 3.9, the oldest Python the
kit runs on: pure Python, or compiled for every version since (psutil's
abi3 wheel), or with a pure-Python fallback (MarkupSafe). pip evaluates
their markers for the Python that runs it, so the backports 3.9 needs
(tomli, exceptiongroup...) are added here from the packages' own metadata.
watchfiles is left out: it is compiled for one version of Python, and
--watch reads the scripts twice a second without it (watch.py).

The kit holds no solution, no test and no variant: the wheel is built
without them (bundling.NOT_IN_A_WHEEL). It holds the grader's stand-ins
(fakes/), written for the grader: working programs, a producer of I.4 among
them, which a self-check that judges the consumer alone cannot do without. Its rubric is the active one
(--rubric, or the lab's) without a seed: the instructor's grading seed
stays theirs, and the checks kept for grading time stay kept (a student's
run leaves them out)."""
from __future__ import annotations

import hashlib
import re
import shutil
import sys
import tempfile
import zipapp
from pathlib import Path

from .bundling import BundleError, grader_wheel, installed_files, pip
from .i18n import _
from .lab import STATEMENT_LAB_FILE, active_lab
from .paths import PROJECT_DIR
from .rubric import active_rubric_file

PYZ = "tp-grader.pyz"
TEMPLATE_FOLDER = "tp_python"
README = "LISEZMOI.md"
OLDEST_PYTHON = (3, 9)
# The machines of a lab room: what pip chooses compiled wheels for.
PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_17_x86_64")
LEFT_OUT = ("watchfiles",)  # see the module's text


def lab_template() -> Path:
    """The active lab's template: student_template/ for the statement's lab,
    else the folder named like the lab file (labs/2019-nba/student_template)."""
    lab = active_lab()
    if lab.path == STATEMENT_LAB_FILE.resolve():
        return PROJECT_DIR / "student_template"
    return lab.path.parent / lab.path.stem / "student_template"


def kit_rubric() -> str:
    """The active rubric's text without its seed (a top-level key starts a line)."""
    text = active_rubric_file().read_text(encoding="utf-8")
    return re.sub(r"(?m)^seed\s*=.*\n?", "", text)


def write_kit(dest: Path) -> list[Path]:
    """Write the kit into `dest` (a new or empty folder) and `dest`.zip;
    returns the two."""
    template = lab_template()
    if not template.is_dir():
        raise BundleError(_("no template for this lab: {folder} does not exist").format(folder=template))
    lab = active_lab()
    if dest.exists() and any(dest.iterdir()):
        raise BundleError(_("{folder} is not empty").format(folder=dest))
    dest.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="tp-grader-kit-build-") as tmp:
        work = Path(tmp)
        wheel = grader_wheel(work, kit_rubric())
        lib = work / "lib"
        _install(wheel, lib)
        _write_pyz(lib, work / "app", dest / PYZ)
        unpacked_bytes = sum(f.stat().st_size for f in installed_files(lib))
    shutil.copytree(template, dest / TEMPLATE_FOLDER, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(lab.data.fixture, dest / TEMPLATE_FOLDER / lab.data.name)
    (dest / README).write_text(STUDENTS_README.format(
        pyz=PYZ, folder=TEMPLATE_FOLDER, data=lab.data.name, oldest="%d.%d" % OLDEST_PYTHON,
        size=round(unpacked_bytes / 2**20)), encoding="utf-8")
    archive = Path(shutil.make_archive(str(dest), "zip", root_dir=dest.parent, base_dir=dest.name))
    return [dest, archive]


def _install(wheel: Path, lib: Path) -> None:
    """The grader and its dependencies in `lib`, each in a version that runs
    on OLDEST_PYTHON. pip filters the versions of an index that says what
    Python each needs (PyPI does), not those of a folder of wheels
    (--find-links): a version that asks for a later Python is held back,
    and all is installed again."""
    held_back: dict[str, str] = {}  # distribution -> the version it must stay below
    constraints = lib.parent / "constraints.txt"
    for _round in range(8):
        shutil.rmtree(lib, ignore_errors=True)
        constraints.write_text("".join(f"{name}<{below}\n" for name, below in held_back.items()))
        # no bytecode: the student's Python makes its own
        target = ["--target", str(lib), "--no-compile", "--only-binary=:all:", "--python-version",
                  "%d.%d" % OLDEST_PYTHON, "--implementation", "cp", "-c", str(constraints)]
        for platform in PLATFORMS:
            target += ["--platform", platform]
        pip(sys.executable, "install", *target, "--no-deps", str(wheel))
        pip(sys.executable, "install", *target, *_requirements(lib, wanted_by="tp-grader"))
        for _backports in range(5):  # the backports of the backports
            missing = _missing_backports(lib)
            if not missing:
                break
            pip(sys.executable, "install", *target, *missing)
        too_new = too_new_for(OLDEST_PYTHON, lib)
        if not too_new:
            return
        for name, version in too_new.items():
            held_back[name] = _below(version)
    raise BundleError(_("pip found no version of {names} for Python {version}").format(
        names=", ".join(sorted(too_new)), version="%d.%d" % OLDEST_PYTHON))


def too_new_for(python: tuple[int, int], lib: Path) -> dict[str, str]:
    """The distributions in `lib` whose Requires-Python leaves out `python`: name -> version."""
    from packaging.specifiers import SpecifierSet
    found = {}
    for name in _distributions(lib):
        meta = _metadata(lib, name)
        needs = meta.get("Requires-Python", [""])[0]
        if needs and not SpecifierSet(needs).contains("%d.%d.0" % python):
            found[name] = meta["Version"][0]
    return found


def _below(version: str) -> str:
    """The bound that leaves out `version`'s release series: 9.1.1 -> 9.1, 9.0.0 -> 9."""
    from packaging.version import Version
    release = Version(version).release
    series = "%d.%d" % (release[0], release[1] if len(release) > 1 else 0)
    return series if Version(series) < Version(version) else str(release[0])


def _requirements(lib: Path, wanted_by: str) -> list[str]:
    """What the distribution `wanted_by`, installed in `lib`, requires (its
    markers left out: they would be evaluated for the Python building the
    kit), but LEFT_OUT."""
    from packaging.requirements import Requirement
    wanted = []
    for line in _metadata(lib, wanted_by).get("Requires-Dist", []):
        req = Requirement(line)
        if req.name.lower() not in LEFT_OUT and not (req.marker and "extra" in str(req.marker)):
            req.marker = None
            wanted.append(str(req))
    return wanted


def _missing_backports(lib: Path) -> list[str]:
    """What the packages in `lib` require on Python 3.9 (their markers
    evaluated for it) that is not there."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    oldest = "%d.%d" % OLDEST_PYTHON
    environment = {"python_version": oldest, "python_full_version": oldest + ".0", "extra": "",
                   "implementation_name": "cpython", "platform_python_implementation": "CPython",
                   "sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                   "platform_machine": "x86_64"}
    installed = {canonicalize_name(name) for name in _distributions(lib)}
    missing = []
    for name in _distributions(lib):
        for line in _metadata(lib, name).get("Requires-Dist", []):
            req = Requirement(line)
            if (canonicalize_name(req.name) not in installed and req.name.lower() not in LEFT_OUT
                    and req.marker is not None and req.marker.evaluate(environment)):
                req.marker = None
                missing.append(str(req))
    return sorted(set(missing))


def _distributions(lib: Path) -> list[str]:
    return [d.name.split("-")[0] for d in sorted(lib.glob("*.dist-info"))]


def _metadata(lib: Path, name: str) -> dict[str, list[str]]:
    """The METADATA fields of the distribution `name` installed in `lib`."""
    from packaging.utils import canonicalize_name
    for d in lib.glob("*.dist-info"):
        if canonicalize_name(d.name.split("-")[0]) == canonicalize_name(name):
            fields: dict[str, list[str]] = {}
            for line in (d / "METADATA").read_text(encoding="utf-8").split("\n\n")[0].splitlines():
                key, sep, value = line.partition(": ")
                if sep:
                    fields.setdefault(key, []).append(value)
            return fields
    raise BundleError(_("{name} was not installed").format(name=name))


def _write_pyz(lib: Path, app: Path, pyz: Path) -> None:
    """The zipapp: the files of `lib` under lib/, and the __main__.py that
    unpacks them, named by their checksum (a new kit unpacks anew)."""
    files = installed_files(lib)
    digest = hashlib.sha256()
    for f in files:
        digest.update(str(f.relative_to(lib)).encode() + b"\0" + f.read_bytes())
    app.mkdir()
    (app / "__main__.py").write_text(KIT_MAIN.replace("@KIT_ID@", digest.hexdigest()[:16])
                                     .replace("@OLDEST@", repr(OLDEST_PYTHON)), encoding="utf-8")
    shutil.copytree(lib, app / "lib", ignore=shutil.ignore_patterns("bin", "__pycache__"))
    zipapp.create_archive(app, pyz, interpreter="/usr/bin/env python3", compressed=True)
    pyz.chmod(0o755)  # ./tp-grader.pyz runs it too


# Runs with the student's python3, whatever its version: no f-string, so that
# an old one reaches the version test and says it in words.
KIT_MAIN = '''# tp-grader, the students' kit: python3 tp-grader.pyz DOSSIER [options]
# (written by ./grade.sh --student-kit; see grader/student_kit.py)
import os
import shutil
import sys
import tempfile
import zipfile

KIT_ID = "@KIT_ID@"
OLDEST = @OLDEST@


def stop(message):
    sys.stderr.write("tp-grader : " + message + "\\n")
    sys.exit(2)


def places():
    """Where the grader may be unpacked: the user's cache, else /tmp."""
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    yield os.path.join(cache, "tp-grader")
    yield os.path.join(tempfile.gettempdir(), "tpgrader-kit-%d" % os.getuid())


def unpacked(archive):
    """The folder holding the grader, unpacked from `archive` on first use."""
    problems = []
    for root in places():
        target = os.path.join(root, "kit-" + KIT_ID)
        if os.path.isfile(os.path.join(target, ".complete")):
            return target
        try:
            os.makedirs(root, exist_ok=True)
            work = tempfile.mkdtemp(prefix=".kit-unpacking-", dir=root)
        except OSError as e:
            problems.append("%s (%s)" % (root, e.strerror))
            continue
        try:
            with zipfile.ZipFile(archive) as z:
                for name in z.namelist():
                    if name.startswith("lib/") and not name.endswith("/"):
                        z.extract(name, work)
            open(os.path.join(work, "lib", ".complete"), "w").close()
            if os.path.isdir(target) and not os.path.isfile(os.path.join(target, ".complete")):
                shutil.rmtree(target, ignore_errors=True)  # a half-made one of an older kit
            try:
                os.rename(os.path.join(work, "lib"), target)
            except OSError:
                pass  # another run unpacked it meanwhile
        except (OSError, zipfile.BadZipFile) as e:
            problems.append("%s (%s)" % (root, getattr(e, "strerror", None) or e))
        finally:
            shutil.rmtree(work, ignore_errors=True)
        if os.path.isfile(os.path.join(target, ".complete")):
            return target
    stop("impossible de décompresser le correcteur : " + "; ".join(problems))


def main():
    if sys.version_info[:2] < OLDEST:
        stop("il faut Python %d.%d ou plus récent (celui-ci est %d.%d) : essayez python3.%d ou "
             "une version plus récente" % (OLDEST + sys.version_info[:2] + (OLDEST[1],)))
    if not sys.platform.startswith("linux"):
        stop("le correcteur fonctionne sous Linux (les machines de TP), pas sous " + sys.platform)
    import platform
    if platform.machine() not in ("x86_64", "AMD64"):
        stop("ce kit est fait pour les processeurs x86-64, pas " + platform.machine())
    archive = os.path.abspath(os.path.dirname(__file__))  # the .pyz itself
    lib = unpacked(archive)
    sys.path.insert(0, lib)
    # for the grader's own python processes (a class grading's, the sandbox's holder)
    os.environ["PYTHONPATH"] = os.pathsep.join([lib] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])
    from grader.command import main as grade
    sys.exit(grade(sys.argv[1:]))


try:
    main()
except KeyboardInterrupt:  # Ctrl-C while unpacking: what was unpacked is removed
    sys.exit(130)
'''


STUDENTS_README = """# Vérifier son TP avant de le rendre

Ce kit contient le correcteur automatique du TP et de quoi commencer :

- `{pyz}` : le correcteur, en un seul fichier ;
- `{folder}/` : les scripts du TP à compléter, avec les consignes de l'énoncé
  en commentaire, et le fichier de données `{data}` ;
- ce fichier.

Il ne contient ni les solutions ni la graine de la correction finale.

## Ce qu'il faut

Linux (les machines de TP, ou une machine virtuelle) sur processeur x86-64, avec
Python {oldest} ou plus récent : `python3 --version` le dit. Rien à installer,
pas besoin des droits d'administrateur.

## Lancer la correction

Dans le dossier du kit :

```sh
python3 {pyz} {folder}
```

Remplacez `{folder}` par le dossier où sont vos scripts (`~/tp_python`,
par exemple) : le correcteur travaille sur une copie, il ne modifie jamais
vos fichiers. Au premier lancement, il se décompresse dans
`~/.cache/tp-grader/` ({size} Mo ; on peut effacer ce dossier, il sera
refait), ce qui prend quelques secondes de plus.

Options utiles :

- `--exercise joueurs_par_nation` : un seul exercice (les noms sont dans le
  rapport et dans `--help`) ;
- `--details` : chaque vérification échouée en entier ;
- `--lang en` : le rapport en anglais ;
- `--watch` : corrige une fois, puis de nouveau chaque exercice dont vous
  enregistrez un script ; Ctrl-C pour arrêter.

## Lire le rapport

Pour chaque exercice, le rapport donne une note. Pour chaque vérification
échouée, il dit ce qui a été lancé (la commande), ce qui était attendu, ce
qui est sorti (avec les différences quand c'est utile) et un indice. Si une
même cause fait échouer plusieurs vérifications, elle est dite une fois.
Vos programmes tournent dans un bac à sable, avec une date du jour fixée et
une horloge accélérée : les temps d'attente de l'énoncé passent plus vite.

## Ce que la correction finale ajoute

- Votre enseignant peut garder des vérifications pour la correction : votre
  rapport ne les fait pas, ses totaux disent « (vérifications visibles
  seulement) » et sa dernière ligne dit combien de points sont gardés.
- À la correction, les fichiers de données générés, les dates du jour et les
  tirages au hasard sont d'autres : un programme qui calcule ses réponses
  réussit les deux ; un programme qui affiche les réponses de vos propres
  essais, non.

## En cas de problème

- `python3: command not found` ou une version trop ancienne : essayez
  `python3.11 {pyz} ...` (ou la version installée), ou demandez à votre
  enseignant.
- « le correcteur est en panne » : ce n'est pas votre faute ; envoyez le
  message à votre enseignant.
"""
