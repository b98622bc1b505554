"""Markdown front matter, read with bounds: the YAML between the first two `---` lines.

Front matter comes from whoever wrote the file, so it is read as untrusted
input: at most MAX_BYTES of YAML, at most MAX_NODES nodes once its aliases
are followed (a 600-byte alias bomb otherwise grows to gigabytes), at most
MAX_DEPTH levels, and the keys Senim reads must hold text. Anything else is
one sentence naming the file and line, never a traceback or a hang.
"""

from __future__ import annotations

import re

from senim.errors import InputError

MAX_BYTES = 64 * 1024  # a front matter of a few lines; far beyond any real one
MAX_NODES = 10_000
MAX_DEPTH = 32

FRONT_MATTER = re.compile(r"\A---\r?\n(.*?\r?\n)?---\r?\n", re.S)

# The keys Senim writes and reads back; each must be text.
TEXT_KEYS = ("digital_source_type", "ai_generator", "c2pa_manifest", "ai_warning")


def split(text: str) -> tuple[str | None, str]:
    """(the front matter's YAML or None, the body after it)."""
    match = FRONT_MATTER.match(text)
    if not match:
        return None, text
    return match.group(1) or "", text[match.end():]


def _kind(node) -> str:
    import yaml

    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "a number" if node.tag.endswith((":int", ":float")) else f"a {node.tag.rsplit(':', 1)[-1]} value"


def _loader():
    import yaml

    # LibYAML's scanner where present: PyYAML's own looks ahead quadratically in deep
    # flow collections (a second for 1,000 brackets).
    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _check_depth(front: str, name: str) -> None:
    """Refuse deep nesting from the event stream, before the composer's recursion
    (thousands of levels would otherwise take seconds to end in a RecursionError)."""
    import yaml

    depth = 0
    for event in yaml.parse(front, Loader=_loader()):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                raise InputError(f"front matter is nested more than {MAX_DEPTH} levels deep",
                                 file=name, line=event.start_mark.line + 2)
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1


def _check_size(root, name: str) -> None:
    """Count the nodes as a reader would see them, aliases followed, without building anything."""
    import yaml

    count = 0
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise InputError(f"front matter is too large once its YAML aliases are expanded "
                             f"(over {MAX_NODES:,} values)", file=name, line=root.start_mark.line + 2)
        if depth > MAX_DEPTH:
            raise InputError(f"front matter is nested more than {MAX_DEPTH} levels deep",
                             file=name, line=node.start_mark.line + 2)
        if isinstance(node, yaml.MappingNode):
            stack.extend((part, depth + 1) for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


def load(front: str, name: str) -> dict:
    """The front matter as a mapping; InputError for anything a reader should not trust."""
    import yaml

    size = len(front.encode("utf-8"))
    if size > MAX_BYTES:
        raise InputError(f"front matter is {size:,} bytes; at most {MAX_BYTES:,} are read", file=name, line=2)
    try:
        _check_depth(front, name)
        # Composing keeps an alias as a reference to its anchor's node, so it costs
        # what the text costs; only constructing would expand it.
        root = yaml.compose(front, Loader=_loader())
    except yaml.YAMLError as error:
        if "nesting depth" in str(error):  # LibYAML's own limit, met before ours when the text scans ahead
            raise InputError(f"front matter is nested more than {MAX_DEPTH} levels deep", file=name, line=2) from None
        line = getattr(getattr(error, "problem_mark", None), "line", 0) + 2
        raise InputError("front matter is not valid YAML", file=name, line=line) from None
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        raise InputError(f"front matter is {_kind(root)}, not a YAML mapping", file=name, line=2)
    _check_size(root, name)
    for key_node, value_node in root.value:
        if not isinstance(key_node, yaml.ScalarNode) or key_node.value not in TEXT_KEYS:
            continue
        if not isinstance(value_node, yaml.ScalarNode) or value_node.tag not in (
                "tag:yaml.org,2002:str", "tag:yaml.org,2002:null"):
            raise InputError(f"front matter: {key_node.value} is {_kind(value_node)}; it must be text",
                             file=name, line=value_node.start_mark.line + 2)
    try:
        loaded = _loader()(front)
        try:
            data = loaded.get_single_data()
        finally:
            loaded.dispose()
    except (yaml.YAMLError, RecursionError, TypeError, ValueError) as error:
        # e.g. a mapping used as a key, or a date no calendar holds
        raise InputError(f"front matter cannot be read ({type(error).__name__})", file=name, line=2) from None
    return data if isinstance(data, dict) else {}
