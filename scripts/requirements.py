"""python scripts/requirements.py PYPROJECT [EXTRA...]: the requirements of
pyproject.toml (its dependencies, then those of each extra named), one a
line, for `pip install -r`. scripts/bootstrap.sh installs these and a .pth
naming the checkout, instead of `pip install -e`, which writes
tp_grader.egg-info into the checkout (impossible when another user owns it)."""
import sys

try:
    import tomllib
except ImportError:  # Python < 3.11: tomli, else pip's own copy of it
    try:
        import tomli as tomllib
    except ImportError:
        from pip._vendor import tomli as tomllib


def requirements(pyproject: str, extras: list[str]) -> list[str]:
    with open(pyproject, "rb") as f:
        project = tomllib.load(f)["project"]
    found = list(project.get("dependencies", []))
    for extra in extras:
        found += project.get("optional-dependencies", {})[extra]
    return found


if __name__ == "__main__":
    print("\n".join(requirements(sys.argv[1], sys.argv[2:])))
