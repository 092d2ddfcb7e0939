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
