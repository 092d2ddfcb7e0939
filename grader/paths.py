"""Where the grader finds its data files."""
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
FIXTURES_DIR = PROJECT_DIR / "fixtures"
FOOT_FIXTURE = FIXTURES_DIR / "foot_2020.txt"
FAKES_DIR = Path(__file__).resolve().parent / "fakes"
