"""The Dask engine on a real local cluster of worker processes gives the local engine's JSON."""

from __future__ import annotations

import json

import polars as pl
import pytest

from senim.checks.fairness import assess

from tests.fairness.fairness_data import DATASETS, run_senim, with_group_lacking_positives


@pytest.fixture(scope="module")
def cluster():
    from dask.distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local


@pytest.fixture()
def folder(tmp_path):
    """A folder of Parquet files with several row groups each: many partitions."""
    frame = pl.concat([DATASETS["intersectional"](), with_group_lacking_positives().select(
        pl.col("sex"), pl.lit("18-24").alias("age_band"), pl.col("region"), "y", "pred", "score")])
    parts = tmp_path / "log"
    parts.mkdir()
    for i, part in enumerate(frame.iter_slices(3000)):
        part.write_parquet(parts / f"part-{i:02}.parquet", row_group_size=700)
    return parts


def test_cluster_gives_identical_json(cluster, folder):
    kwargs = dict(target="y", prediction="pred", sensitive=["sex", "age_band", "region"], score="score",
                  bootstrap=300, seed=9)
    local = assess(folder, **kwargs)
    distributed = assess(folder, cluster=cluster.scheduler_address, **kwargs)
    assert json.dumps(distributed, sort_keys=True) == json.dumps(local, sort_keys=True)
    assert any("no_positives" in g["warnings"] for g in local["groups"])


def test_cli_workers_option_gives_identical_output(folder):
    args = ["fairness", folder, "--target", "y", "--prediction", "pred", "--sensitive", "sex,region",
            "--format", "json", "--bootstrap", "100"]
    local = run_senim(*args)
    distributed = run_senim(*args, "--workers", "2")
    assert local.returncode == 0 and distributed.returncode == 0, distributed.stderr
    assert distributed.stdout == local.stdout


def test_cluster_reports_a_truncated_file_as_bad_input(cluster, folder):
    victim = sorted(folder.iterdir())[1]
    victim.write_bytes(victim.read_bytes()[:-200])
    from senim.errors import InputError

    with pytest.raises(InputError, match="cannot be read"):
        assess(folder, target="y", prediction="pred", sensitive=["sex"], cluster=cluster.scheduler_address)


def test_cluster_counts_a_csv_file_too(cluster, tmp_path):
    frame = DATASETS["numeric_groups"]()
    path = tmp_path / "log.csv"
    frame.write_csv(path)
    kwargs = dict(target="y", prediction="pred", sensitive=["band"], score="score", bootstrap=100)
    assert assess(path, cluster=cluster.scheduler_address, **kwargs) == assess(path, **kwargs)
