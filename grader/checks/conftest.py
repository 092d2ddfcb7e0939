"""The wine exercise's fixtures (grader/kit/wine/). The fixtures every check
may use (`grading`, `sandbox`, `foot_text`) come from the runner's plugins:
the collector and grader/kit/fixtures.py."""
import pytest


# The wine scenarios (grader/kit/wine/), run once per grading and judged by
# several checks of wine_bottles.py. Imported here, not at the top: a lab
# may have no wine exercise, and the other exercises need none of it.


@pytest.fixture(scope="module")
def scenarios(grading):
    from grader.kit.wine.grading import scenarios_of
    with scenarios_of(grading) as futures:
        yield futures


@pytest.fixture(scope="module")
def selling_out(scenarios):
    return scenarios["selling_out"].result()


@pytest.fixture(scope="module")
def queue(scenarios):
    return scenarios["queue"].result()


@pytest.fixture(scope="module")
def queued_at_end(scenarios):
    return scenarios["queued_at_end"].result()


@pytest.fixture(scope="module")
def no_server(scenarios):
    return scenarios["no_server"].result()


@pytest.fixture(scope="module")
def server_gone(scenarios):
    return scenarios["server_gone"].result()
