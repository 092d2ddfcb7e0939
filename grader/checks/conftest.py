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


def _result_of(name: str):
    """The fixture `name`: the result of that scenario (its future's)."""
    @pytest.fixture(scope="module", name=name)
    def result(scenarios):
        return scenarios[name].result()
    return result


# pytest finds a conftest's fixtures among its module's names
selling_out, queue, queued_at_end, no_server, server_gone = (
    _result_of(name) for name in ("selling_out", "queue", "queued_at_end", "no_server", "server_gone"))
