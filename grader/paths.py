"""Where the grader finds its data files.

Every file the grader reads at run time is inside the package, so that an
installed wheel (`pip install .`) finds it as a checkout does. The top-level
`fixtures` folder of a checkout is a link to `grader/fixtures`: one file."""
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent  # a checkout; site-packages for an installed wheel
FAKES_DIR = PACKAGE_DIR / "fakes"


def is_checkout() -> bool:
    """The grader runs from its source tree (grade.sh, an editable install),
    not from an installed wheel."""
    return (PROJECT_DIR / "pyproject.toml").is_file() and (PROJECT_DIR / "grade.sh").is_file()


# Hidden from student programs: the grader's own files. In a checkout, all of
# it (the reference solutions, the tests); installed, the package only (its
# site-packages holds other projects, none of the student's business).
GRADER_FILES = PROJECT_DIR if is_checkout() else PACKAGE_DIR


# Never in a platform bundle: solutions (another lab's reference, under
# grader/labs/) and bytecode. Students read some bundles (GitHub Classroom).
NOT_BUNDLED = ("__pycache__", "reference", "student_template")


def bundled_files(names) -> list[Path]:
    """The files of the checkout's `names` (files or folders) that a
    platform bundle carries; a missing name is an error (an installed
    grader is not a checkout)."""
    files: list[Path] = []
    for name in names:
        p = PROJECT_DIR / name
        if not p.exists():
            raise FileNotFoundError(2, "no such file", str(p))
        files += ([f for f in sorted(p.rglob("*"))
                   if f.is_file() and not set(f.relative_to(p).parts) & set(NOT_BUNDLED)]
                  if p.is_dir() else [p])
    return files
