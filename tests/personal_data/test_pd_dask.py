"""The Dask engine on a real local cluster of worker processes gives exactly
the local engine's findings."""

import polars as pl
import pyarrow.parquet as pq
from pd_corpus import make_corpus
from pd_helpers import senim

from senim.checks.personal_data.dask_engine import scan_on_cluster
from senim.checks.personal_data.scanner import Stitcher, scan


def test_dask_engine_equals_local_engine(tmp_path):
    from distributed import Client, LocalCluster

    from senim.checks.personal_data.recognizers import load

    lines, labels = make_corpus(lines=2500, seed=5)
    lines[7] += ", клиент CUST-00012345"  # an organisation's own identifier, found by its recognizer
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "chat.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    frame = pl.DataFrame({"message": lines[:1200], "n": list(range(1200))})
    pq.write_table(frame.to_arrow(), tmp_path / "logs" / "messages.parquet", row_group_size=300)
    frame.head(400).write_csv(tmp_path / "logs" / "messages.csv")
    paths = [str(tmp_path / "logs")]

    local_stitch = Stitcher([])
    local = list(scan(paths, workers=2, stitcher=local_stitch))
    assert len(local) > len(labels)  # the text alone carries every label, the tables more

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        remote_stitch = Stitcher([])
        remote = list(scan_on_cluster(paths, client=client, chunk=64 * 1024, stitcher=remote_stitch))
        assert len(client.nthreads()) == 2
        # the command line, --cluster ADDRESS, against the same cluster
        cli_remote = senim("scan", *paths, "--format", "jsonl", "--cluster", cluster.scheduler_address)
        # an organisation's recognizers travel to the workers as their spec
        spec = load({"recognizers": [{"name": "customer_number", "pattern": "CUST-[0-9]{8}"}]})
        custom_remote = list(scan_on_cluster(paths, client=client, recognizers=spec))
    custom_local = list(scan(paths, workers=2, recognizers=spec))
    assert custom_remote == custom_local
    assert [f.value for f in custom_local if f.type == "customer_number"] == ["CUST-00012345"] * 3  # text, CSV, Parquet
    cli_local = senim("scan", *paths, "--format", "jsonl")
    assert cli_remote.returncode == cli_local.returncode == 0, cli_remote.stderr
    assert cli_remote.stdout == cli_local.stdout and cli_local.stdout.count(b"\n") == len(local)
    assert remote == local
    assert remote_stitch.rows == local_stitch.rows == {0: 2500, 1: 400, 2: 1200}  # chat.txt, messages.csv, messages.parquet
