import pytest

from tests.fairness.fairness_data import DATASETS, with_group_lacking_positives


@pytest.fixture(params=[*DATASETS, "lacking_positives"])
def dataset(request):
    """(name, frame, sensitive columns) of each generated decision log."""
    frame = with_group_lacking_positives() if request.param == "lacking_positives" else DATASETS[request.param]()
    sensitive = [c for c in frame.columns if c not in ("y", "pred", "score")]
    return request.param, frame, sensitive
