"""Checks that a skops file's fitted arrays are what scikit-learn would have made.

The type list (model.TRUSTED_TYPES) says which classes may be built; it says
nothing of the arrays inside them. scikit-learn's compiled prediction code
trusts those arrays: a child index past the end of a tree reads out of
bounds (a segfault), a child that points back up loops for ever, and SHAP's
tree code sizes its buffers by the depth the tree declares. So before a
loaded model is used, every tree in it is checked here:

- the archive first (`check_archive`): the number of members, their total
  uncompressed size (a zip bomb is refused before anything is inflated),
  and each array's declared shape against its stored size;
- then each tree (`check_model`): child indices in range and greater than
  their parent's (scikit-learn numbers a child after its parent, which also
  rules out cycles), features in range, the declared depth and node count
  true, array shapes consistent; the same for histogram-boosting predictors
  and the neighbour trees (KD and ball trees).

Each problem is one sentence naming the file.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from senim.errors import InputError

MAX_MEMBERS = 100_000
MAX_UNCOMPRESSED = 1 << 30  # 1 GiB of arrays inflated: far beyond a credit model, far below a bomb
MAX_RATIO = 200  # inflated/stored; numpy arrays of real models compress a few times, bombs thousands
MAX_FILE = 1 << 30


def check_archive(path: Path) -> None:
    """Refuse a skops archive that would inflate past the bounds, or whose
    arrays' headers do not match their sizes, before skops reads any of it."""
    import numpy as np

    if path.stat().st_size > MAX_FILE:
        raise InputError(f"{path}: the model file is more than {MAX_FILE >> 20} MB; a skops file is at most that")
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise InputError(f"{path}: is not a readable skops file ({type(error).__name__})") from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise InputError(f"{path}: holds {len(members):,} files; a skops file holds at most {MAX_MEMBERS:,}")
        total = sum(m.file_size for m in members)
        stored = sum(m.compress_size for m in members)
        if total > MAX_UNCOMPRESSED:
            raise InputError(f"{path}: would inflate to {total / 1e6:,.0f} MB; a skops model is at most "
                             f"{MAX_UNCOMPRESSED >> 20} MB uncompressed (a decompression bomb?)")
        if total > (1 << 20) and total > MAX_RATIO * max(stored, 1):
            raise InputError(f"{path}: would inflate {total // max(stored, 1):,} times its size; a skops model "
                             f"compresses at most {MAX_RATIO} times (a decompression bomb?)")
        for member in members:
            if member.filename.endswith(".npy"):
                _check_npy_header(path, archive, member, np)


def _check_npy_header(path: Path, archive: zipfile.ZipFile, member: zipfile.ZipInfo, np) -> None:
    from numpy.lib import format as npy

    try:
        with archive.open(member) as stream:
            version = npy.read_magic(stream)
            if version == (1, 0):
                shape, _, dtype = npy.read_array_header_1_0(stream)
            elif version == (2, 0):
                shape, _, dtype = npy.read_array_header_2_0(stream)
            else:
                raise ValueError(f"npy version {version}")
            header = stream.tell() if stream.seekable() else None
    except (ValueError, OSError, zipfile.BadZipFile, EOFError, SyntaxError, TypeError) as error:
        raise InputError(f"{path}: {member.filename}: not a readable array ({type(error).__name__})") from None
    if dtype.hasobject:
        return  # skops stores object arrays its own way and refuses what it does not trust
    count = 1
    for side in shape:
        if side < 0:
            raise InputError(f"{path}: {member.filename}: declares a negative array size")
        count *= side
    expected = count * dtype.itemsize
    if header is not None and member.file_size - header != expected:
        raise InputError(f"{path}: {member.filename}: declares shape {tuple(shape)} of {dtype} "
                         f"({expected:,} bytes) but holds {member.file_size - header:,} bytes")


def check_model(model: Any, path: Path) -> None:
    """Every tree inside a loaded estimator (pipelines and ensembles included) checked."""
    n_features = getattr(model, "n_features_in_", None)
    for found, owner in _trees(model, set(), 0):
        features = getattr(owner, "n_features_in_", n_features)
        kind = type(found).__name__
        if kind == "Tree":
            _check_tree(found, path, features)
        elif kind == "TreePredictor":
            _check_predictor(found, owner, path, features)
        elif kind in ("KDTree", "BallTree"):
            _check_neighbours(found, path)


def _trees(value: Any, seen: set[int], depth: int):
    """(tree, the estimator holding it) for every tree reachable from `value`."""
    if id(value) in seen or depth > 50:
        return
    seen.add(id(value))
    kind = type(value).__name__
    if kind in ("Tree", "TreePredictor", "KDTree", "BallTree"):
        yield value, None
        return
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _tree_items(item, None, seen, depth)
        return
    if isinstance(value, dict):
        for item in value.values():
            yield from _tree_items(item, None, seen, depth)
        return
    if type(value).__module__.startswith("sklearn") and hasattr(value, "__dict__"):
        for item in vars(value).values():
            yield from _tree_items(item, value, seen, depth)


def _tree_items(item: Any, owner: Any, seen: set[int], depth: int):
    for tree, holder in _trees(item, seen, depth + 1):
        yield tree, holder if holder is not None else owner


def _bad(path: Path, problem: str) -> InputError:
    return InputError(f"{path}: the model's trees are not as scikit-learn makes them ({problem}); "
                      "Senim does not run a model that could crash or hang it")


def _check_tree(tree: Any, path: Path, n_features: Any) -> None:
    import numpy as np

    count = int(tree.node_count)
    left, right = np.asarray(tree.children_left), np.asarray(tree.children_right)
    feature = np.asarray(tree.feature)
    if count < 1 or not (len(left) == len(right) == len(feature) == count):
        raise _bad(path, f"a tree of {count} nodes has arrays of other lengths")
    if np.asarray(tree.threshold).shape[0] != count or np.asarray(tree.value).shape[0] != count:
        raise _bad(path, "the thresholds or values are not one a node")
    _check_links(path, left, right, count, leaf=-1)
    internal = left != -1
    if n_features is not None and int(tree.n_features) != int(n_features):
        raise _bad(path, f"a tree reads {tree.n_features} features, the model {n_features}")
    used = feature[internal]
    if used.size and (used.min() < 0 or used.max() >= int(tree.n_features)):
        raise _bad(path, f"a node splits on feature {int(used.max() if used.max() >= 0 else used.min())} "
                         f"of {tree.n_features}")
    depth = _depth(left, right, internal)
    if depth > int(tree.max_depth):
        raise _bad(path, f"a tree declares depth {tree.max_depth} but is {depth} deep")


def _check_links(path: Path, left, right, count: int, leaf: int | None, is_leaf=None) -> None:
    """Children in range and numbered after their parent (so no cycle, no way back up)."""
    import numpy as np

    index = np.arange(count)
    if is_leaf is None:
        internal = left != leaf
        if np.any((left == leaf) != (right == leaf)):
            raise _bad(path, "a node has one child")
    else:
        internal = ~is_leaf
    for side, name in ((left, "left"), (right, "right")):
        kids = side[internal].astype(np.int64)
        if kids.size and (kids.min() < 0 or kids.max() >= count):
            raise _bad(path, f"a {name} child index is outside the tree's {count} nodes")
        if kids.size and np.any(kids <= index[internal]):
            raise _bad(path, f"a {name} child points back to its parent or above (a cycle)")


def _depth(left, right, internal) -> int:
    """The depth of the tree: children come after parents, so one pass in order suffices."""
    import numpy as np

    levels = np.zeros(len(left), dtype=np.int64)
    for node in np.flatnonzero(internal):  # increasing: a parent's level is final before its children's
        levels[left[node]] = levels[right[node]] = levels[node] + 1
    return int(levels.max()) if len(levels) else 0


def _check_predictor(predictor: Any, owner: Any, path: Path, n_features: Any) -> None:
    import numpy as np

    from sklearn.ensemble._hist_gradient_boosting.common import PREDICTOR_RECORD_DTYPE

    nodes = getattr(predictor, "nodes", None)
    if not isinstance(nodes, np.ndarray) or nodes.dtype != PREDICTOR_RECORD_DTYPE or nodes.ndim != 1 or not len(nodes):
        raise _bad(path, "a histogram-boosting tree's nodes are not scikit-learn's node records")
    count = len(nodes)
    is_leaf = nodes["is_leaf"].astype(bool)
    _check_links(path, nodes["left"], nodes["right"], count, leaf=None, is_leaf=is_leaf)
    internal = ~is_leaf
    used = nodes["feature_idx"][internal]
    if n_features is not None and used.size and (used.min() < 0 or used.max() >= int(n_features)):
        raise _bad(path, f"a node splits on a feature outside the model's {n_features}")
    categorical = internal & nodes["is_categorical"].astype(bool)
    for name in ("raw_left_cat_bitsets", "binned_left_cat_bitsets"):
        bitsets = getattr(predictor, name, None)
        if not isinstance(bitsets, np.ndarray) or bitsets.ndim != 2 or bitsets.shape[1] != 8:
            raise _bad(path, f"{name} is not an array of 8-word bitsets")
        if categorical.any() and nodes["bitset_idx"][categorical].max() >= bitsets.shape[0]:
            raise _bad(path, "a categorical split names a bitset that is not there")
    if categorical.any():
        flags = getattr(owner, "is_categorical_", None)
        if flags is None or np.any(~np.asarray(flags, dtype=bool)[nodes["feature_idx"][categorical]]):
            raise _bad(path, "a categorical split is on a feature the model does not call categorical")


def _check_neighbours(tree: Any, path: Path) -> None:
    import numpy as np

    try:
        data, idx, node_data, bounds = tree.get_arrays()
    except Exception as error:  # the tree's own reader of its arrays
        raise _bad(path, f"a neighbour tree's arrays cannot be read ({type(error).__name__})") from None
    n = np.asarray(data).shape[0]
    idx = np.asarray(idx)
    if idx.shape != (n,) or not np.array_equal(np.sort(idx), np.arange(n)):
        raise _bad(path, "a neighbour tree's index is not an ordering of its points")
    starts, ends = node_data["idx_start"], node_data["idx_end"]
    if len(node_data) == 0 or np.any(starts < 0) or np.any(ends > n) or np.any(starts > ends):
        raise _bad(path, "a neighbour tree's node points outside its data")
    if np.asarray(bounds).ndim != 3 or np.asarray(bounds).shape[1] != len(node_data):
        raise _bad(path, "a neighbour tree's bounds are not one a node")
    levels = len(node_data)
    if levels & (levels + 1):  # 2^k - 1 nodes, as scikit-learn allocates them
        raise _bad(path, f"a neighbour tree has {levels} nodes, not a full binary tree's")
