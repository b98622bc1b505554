"""A crafted skops file is refused with a sentence, never a segfault or an
endless loop (issue 17, rows R7 and R29). Each crafted file is a real trained
model's skops file with one array changed, as the red team made them."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from sklearn.ensemble import HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from senim.checks.explain import load_model
from senim.errors import InputError
from tests.explain.explain_helpers import run_senim, small_table

FEATURES = ["income", "debt", "noise"]


def _fit(kind):
    frame, y = small_table()
    model = {"hgb": HistGradientBoostingClassifier(max_iter=5, random_state=0),
             "forest": RandomForestClassifier(n_estimators=3, max_depth=4, random_state=0),
             "knn": make_pipeline(StandardScaler(), KNeighborsClassifier(n_neighbors=5))}[kind]
    return model.fit(frame[FEATURES], y), frame


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("models")
    out = {}
    for kind in ("hgb", "forest", "knn"):
        model, frame = _fit(kind)
        sio.dump(model, folder / f"{kind}.skops")
        out[kind] = folder / f"{kind}.skops"
    frame.to_csv(folder / "rows.csv", index=False)
    out["rows"] = folder / "rows.csv"
    return out


def _members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _write(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, blob in members.items():
            archive.writestr(name, blob)
    return path


def _array_files(schema, cls: str, key: str) -> list[str]:
    """The .npy members holding `key` of every object of class `cls` in the skops schema."""
    found = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("__class__") == cls:
                state = node.get("content", {})
                inner = state.get("content") if isinstance(state, dict) else None
                if isinstance(key, int):  # a state kept as a tuple (the neighbour trees')
                    entry = inner[key] if isinstance(inner, list) else None
                else:
                    entry = inner.get(key) if isinstance(inner, dict) else None
                if isinstance(entry, dict) and "file" in entry:
                    found.append(entry["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    return found


def _crafted(source: Path, target: Path, cls: str, key: str, change) -> Path:
    """`source` with the first `cls`'s array `key` changed by `change(array)` in place."""
    members = _members(source)
    name = _array_files(json.loads(members["schema.json"]), cls, key)[0]
    array = np.load(io.BytesIO(members[name]), allow_pickle=False)
    change(array)
    buffer = io.BytesIO()
    np.save(buffer, array, allow_pickle=False)
    members[name] = buffer.getvalue()
    return _write(target, members)


def _first_split(nodes, leaf_field=None):
    return 0  # the root splits in every fitted tree here


def test_the_unchanged_files_load(saved):
    for kind in ("hgb", "forest", "knn"):
        assert load_model(saved[kind]) is not None


def test_R7_a_child_index_far_out_of_range_is_refused_not_a_segfault(saved, tmp_path):
    evil = _crafted(saved["hgb"], tmp_path / "evil_left.skops", "TreePredictor", "nodes",
                    lambda nodes: nodes["left"].__setitem__(0, 2 ** 31 - 5))
    with pytest.raises(InputError, match="child index is outside the tree"):
        load_model(evil)
    # the red team's reproduction, in a process of its own: before, `Segmentation fault` (rc 139)
    out = run_senim("explain", evil, saved["rows"], "--row", "R3")
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert out.stderr.strip() == (f"senim: {evil}: the model's trees are not as scikit-learn makes them (a left "
                                  "child index is outside the tree's " + out.stderr.split("outside the tree's ")[1].strip())
    assert "Senim does not run a model that could crash or hang it" in out.stderr


def test_R7_a_feature_index_out_of_range_is_refused(saved, tmp_path):
    evil = _crafted(saved["hgb"], tmp_path / "evil_feature.skops", "TreePredictor", "nodes",
                    lambda nodes: nodes["feature_idx"].__setitem__(0, 2 ** 31 - 5))
    with pytest.raises(InputError, match="splits on a feature outside the model's 3"):
        load_model(evil)


def test_R7_a_node_cycle_is_refused_not_an_endless_loop(saved, tmp_path):
    def cycle(nodes):
        inner = int(nodes["left"][0])
        nodes["left"][inner] = 0  # the root's child leads back to the root
        nodes["is_leaf"][inner] = 0
        nodes["right"][inner] = inner

    evil = _crafted(saved["hgb"], tmp_path / "evil_cycle.skops", "TreePredictor", "nodes", cycle)
    with pytest.raises(InputError, match="points back to its parent or above"):
        load_model(evil)


@pytest.mark.parametrize("field, value, words", [
    ("left_child", 10 ** 6, "left child index is outside"),
    ("right_child", 0, "right child points back"),
    ("feature", 99, "splits on feature 99 of 3"),
])
def test_R7_a_decision_tree_with_bad_nodes_is_refused(saved, tmp_path, field, value, words):
    evil = _crafted(saved["forest"], tmp_path / "evil_tree.skops", "Tree", "nodes",
                    lambda nodes: nodes[field].__setitem__(0, value))
    with pytest.raises(InputError, match=words):
        load_model(evil)


def test_R7_a_tree_deeper_than_it_declares_is_refused(saved, tmp_path):
    members = _members(saved["forest"])
    schema = json.loads(members["schema.json"])

    def lower(node):  # the first Tree's max_depth, as SHAP sizes its buffers by it
        if isinstance(node, dict):
            if node.get("__class__") == "Tree":
                entry = node["content"]["content"]["max_depth"]
                entry["content"] = "1"
                entry["__id__"] = 1  # skops shares equal values by id: this one is ours alone
                return True
            return any(lower(v) for v in node.values())
        if isinstance(node, list):
            return any(lower(v) for v in node)
        return False

    assert lower(schema)
    members["schema.json"] = json.dumps(schema).encode()
    evil = _write(tmp_path / "shallow.skops", members)
    with pytest.raises(InputError, match="declares depth 1 but is"):
        load_model(evil)


def test_R7_a_neighbour_tree_index_out_of_range_is_refused(saved, tmp_path):
    evil = _crafted(saved["knn"], tmp_path / "evil_knn.skops", "KDTree", 1,  # (data, idx_array, ...)
                    lambda idx: idx.__setitem__(0, 2 ** 40))
    with pytest.raises(InputError, match="not an ordering of its points"):
        load_model(evil)


def test_R29_a_decompression_bomb_is_refused_before_it_is_inflated(saved, tmp_path):
    members = _members(saved["hgb"])
    buffer = io.BytesIO()
    np.save(buffer, np.zeros(64 << 20, dtype=np.uint8))  # 64 MB of zeros: deflates about a thousandfold
    members["bomb.npy"] = buffer.getvalue()
    evil = _write(tmp_path / "zipbomb.skops", members)
    assert evil.stat().st_size < 1 << 20
    with pytest.raises(InputError, match="a decompression bomb"):
        load_model(evil)


def test_R29_an_archive_past_the_total_bound_is_refused_by_its_directory(saved, tmp_path):
    # a central directory may declare any size; the bound is read from it, before any inflating
    from senim.checks.explain import structure

    members = _members(saved["hgb"])
    evil = _write(tmp_path / "big.skops", members)
    total = sum(len(b) for b in members.values())
    original, structure.MAX_UNCOMPRESSED = structure.MAX_UNCOMPRESSED, total - 1
    try:
        with pytest.raises(InputError, match="would inflate to"):
            load_model(evil)
    finally:
        structure.MAX_UNCOMPRESSED = original


def test_R29_an_array_whose_header_lies_about_its_size_is_refused(saved, tmp_path):
    members = _members(saved["hgb"])
    name = next(n for n in members if n.endswith(".npy"))
    header = members[name]
    members[name] = header.replace(b"'shape': (", b"'shape': (1000000, ", 1) if b"'shape': (" in header else header
    evil = _write(tmp_path / "lying.skops", members)
    with pytest.raises(InputError, match="declares shape"):
        load_model(evil)
