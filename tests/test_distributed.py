"""A Monte Carlo on a local Dask cluster gives exactly the in-process result (same seed)."""

from __future__ import annotations

import numpy as np
import pytest

import prioritizer as px
from prioritizer.analysis.montecarlo import monte_carlo

distributed = pytest.importorskip("distributed", reason="install the [distributed] extra")


def test_monte_carlo_on_a_local_dask_cluster(bank: px.Scenario) -> None:
    local = monte_carlo(bank, draws=40, seed=5, chunk_size=10)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        remote = monte_carlo(bank, draws=40, seed=5, chunk_size=10, executor=client.get_executor())
    assert np.array_equal(local.selections, remote.selections)
    assert local.to_dict() == remote.to_dict()
