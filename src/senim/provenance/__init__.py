"""Labels for synthetic content: C2PA credentials, XMP marks, visible and spoken warnings.

    from senim.provenance import label_file, verify
    label_file("in.png", "out.png", key=load_signing_key()[0], lang="kk")
    verify("out.png").state          # valid | untrusted | invalid | none

Names are imported on first use, so that importing a submodule
(`senim.provenance.formats`) does not load the others.
"""

_EXPORTS = {
    "init_keys": "senim.provenance.keys",
    "load_signing_key": "senim.provenance.keys",
    "label_file": "senim.provenance.label",
    "label_tree": "senim.provenance.label",
    "verify": "senim.provenance.verification",
    "LabelCheck": "senim.provenance.verification",
    "STATES": "senim.provenance.verification",
    "verify_file": "senim.provenance.verification",
    "audit_folder": "senim.provenance.verification",
    "folder_verdict": "senim.provenance.verification",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> object:
    import importlib

    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'senim.provenance' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
