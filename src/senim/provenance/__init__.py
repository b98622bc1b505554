"""Labels for synthetic content: C2PA credentials, XMP marks, visible and spoken warnings.

    from senim.provenance import label_file, verify_file
    label_file("in.png", "out.png", key=load_signing_key()[0], lang="kk")
    verify_file("out.png")["valid"]
"""

from senim.provenance.keys import init_keys, load_signing_key
from senim.provenance.label import label_file, label_tree
from senim.provenance.verify import audit_folder, verify_file

__all__ = ["audit_folder", "init_keys", "label_file", "label_tree", "load_signing_key", "verify_file"]
