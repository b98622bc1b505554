"""The local engine: scan files for personal data with every core.

Work is cut into tasks (a byte range of a text file, a block of a stream, a
CSV file, a Parquet row group). A task runs anywhere (this process, a worker
process, a Dask worker) and returns findings located *within the task*; the
parent puts tasks back in order and turns local places into 1-based lines and
0-based code-point offsets. Code points are counted in the line decoded as
UTF-8 with each undecodable byte counted as one replacement character, so
offsets after bad bytes stay right.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from typing import BinaryIO, Callable, Iterable, Iterator

from senim.checks.personal_data import sources as src
from senim.checks.personal_data import tables
from senim.checks.personal_data.engine import TYPES, engine_for
from senim.checks.personal_data.findings import Finding, head, locate, tail
from senim.errors import InputError, ParameterError

__all__ = ["Finding", "Stitcher", "plan", "run_task", "scan", "locate"]


# ---------------------------------------------------------------- in a task

def scan_bytes(data: bytes, limit: int, what: tuple):
    found = engine_for(*what).scan(data, limit)
    return locate(data, found, limit)


def render_within(data: bytes, found: list, limit: int, show_values: bool):
    """JSON Lines of a text task's findings, placed within the task, written by
    the worker: what only the parent knows (the file's path, the line and column
    where the task starts) is added there, so the parent never reads the text.

    Returns (lines, tails, first, counts, newlines, tail_cp): lines[i], the
    0-based line of finding i within the task; tails[i], its JSON after the
    line number as UTF-8; first, (start, end, rest of the JSON) of findings on
    the task's first line, whose columns move when a line spans two tasks;
    findings per type; newlines; code points after the last newline."""
    from senim.checks.personal_data.findings import quote, tail_parts

    lines, tails, first = [], [], []
    line = 0
    cursor = 0
    cp_at = 0
    pos = 0
    count = data.count
    rfind = data.rfind
    parts = {}  # (type, confidence, valid, its class) -> the JSON around the value, and the mask
    add_line, add_tail = lines.append, tails.append
    for b_start, b_end, type_, confidence, value, valid in found:
        newlines = count(b"\n", cursor, b_start)
        if newlines:
            line += newlines
            pos, cp_at = rfind(b"\n", cursor, b_start) + 1, 0
        cursor = b_start
        if pos != b_start:
            cp_at += len(data[pos:b_start].decode("utf-8", "replace"))
            pos = b_start
        cp_end = cp_at + len(value)  # the value is its span decoded
        key = (type_, confidence, valid, confidence.__class__)  # 1 and 1.0 are written apart
        got = parts.get(key)
        if got is None:
            got = parts[key] = tail_parts(type_, confidence, valid, show_values)
        before, after, masker = got
        rest = before + quote(value if masker is None else masker(value)) + after
        if line == 0:
            first.append((cp_at, cp_end, rest))
        add_line(line)
        add_tail(f', "start": {cp_at}, "end": {cp_end}, {rest}')
    counts: dict[str, int] = {}
    if found:
        from collections import Counter

        counts = dict(Counter(f[2] for f in found))
    total_newlines = line + count(b"\n", cursor, limit)
    last = data.rfind(b"\n", 0, limit)
    tail_cp = len(data[last + 1:limit].decode("utf-8", "replace"))
    # one encoding for the whole task; no JSON string holds a raw NUL
    encoded = "\0".join(tails).encode("utf-8").split(b"\0") if tails else []
    return lines, encoded, first, counts, total_newlines, tail_cp


def run_task(task: tuple):
    """Scan one task; picklable in and out, so it runs in any process.
    `what` in a task is (types, recognizers): what to look for."""
    kind = task[0]
    if kind == "render":
        _, inner, show_values = task
        if inner[0] == "range":
            _, index, path, start, end, what = inner
            data, limit = src.read_range(path, start, end), end - start
        else:
            _, index, data, limit, what = inner
        found = engine_for(*what).scan(data, limit)
        return index, "rendered", render_within(data, found, limit, show_values)
    if kind == "range":
        _, index, path, start, end, what = task
        data = src.read_range(path, start, end)
        return index, "text", scan_bytes(data, end - start, what)
    if kind == "bytes":
        _, index, data, limit, what = task
        return index, "text", scan_bytes(data, limit, what)
    if kind == "csv":
        _, index, path, separator, compressed, what = task
        engine = engine_for(*what)
        findings, rows = [], 0
        for frame in tables.csv_batches(path, separator, compressed):
            findings.extend(tables.frame_findings(frame, engine, rows, header=not rows))
            rows += frame.height
        return index, "table", (tables.masked_labels(findings), rows)
    if kind == "parquet":
        _, index, path, group, row_offset, what = task
        frame = tables.parquet_group(path, group)
        # every row group scans the column names, to mask the ones that hold
        # data; only the first reports them
        findings = tables.masked_labels(tables.frame_findings(frame, engine_for(*what), row_offset, header=True))
        if group:
            findings = [f for f in findings if f[0]]
        return index, "table", (findings, frame.height)
    if kind == "frame":
        _, index, frame, what = task
        findings = tables.frame_findings(frame, engine_for(*what), 0, header=True)
        return index, "table", (tables.masked_labels(findings), frame.height)
    raise AssertionError(kind)


# ---------------------------------------------------------------- in the parent

def _stream_tasks(index: int, stream, what, chunk: int) -> Iterator[tuple]:
    carry = b""
    while True:
        block = stream.read(chunk)
        data = carry + block
        if not block:
            if data:
                yield ("bytes", index, data, len(data), what)
            return
        cut = src.cut_point(data)
        if cut is None:  # no line end yet: read on
            carry = data
            continue
        yield ("bytes", index, data[:cut + src.OVERLAP], cut, what)
        carry = data[cut:]


def plan(sources: list[src.Source], what: tuple, notes: list[str], chunk: int = src.CHUNK,
         stdin: BinaryIO | None = None) -> Iterator[tuple]:
    """The tasks of a scan, in output order. Binary files, pipes and devices
    inside folders are skipped with a note. The source "-" is read from
    `stdin`, a binary stream the caller gives."""
    for index, source in enumerate(sources):
        if source.kind == "stdin":
            if stdin is None:
                raise ParameterError("'-' is read from the stream `stdin` gives; none was given", field="stdin")
            yield from _stream_tasks(index, stdin, what, chunk)
            continue
        if source.kind == "stream":  # a binary file object or bytes given to the library
            yield from _stream_tasks(index, source.data, what, chunk)
            continue
        if source.kind == "frame":
            yield ("frame", index, source.data, what)
            continue
        if source.kind == "special":
            notes.append(("special", source.path))
            continue
        try:
            if src.is_binary(source.path):
                notes.append(("binary", source.path))
                continue
        except OSError as error:
            raise InputError(f"{source.path}: cannot be read ({error.strerror})") from None
        if source.kind == "text":
            for start, end in src.chunks(source.path, chunk):
                yield ("range", index, source.path, start, end, what)
        elif source.kind == "z-text":
            codec = src.compression_of(source.path)
            try:
                with src.open_compressed(source.path, codec) as stream:
                    yield from _stream_tasks(index, stream, what, chunk)
            except src.decompression_errors() as error:
                raise InputError(f"{source.path}: not a readable {codec} file "
                                 f"({tables.masked_message(str(error).splitlines()[0] if str(error) else type(error).__name__)})") from None
        elif source.kind in ("csv", "tsv", "z-csv", "z-tsv"):
            separator = "\t" if source.kind.endswith("tsv") else ","
            yield ("csv", index, source.path, separator, src.compression_of(source.path), what)
        elif source.kind == "parquet":
            import pyarrow.parquet as pq

            try:
                meta = pq.ParquetFile(source.path).metadata
            except Exception as error:
                raise InputError(f"{source.path}: not a readable Parquet file "
                                 f"({tables.masked_message(str(error).splitlines()[0])})") from None
            offset = 0
            for group in range(meta.num_row_groups):
                yield ("parquet", index, source.path, group, offset, what)
                offset += meta.row_group(group).num_rows


def render_plan(tasks: Iterator[tuple], show_values: bool) -> Iterator[tuple]:
    """Text tasks wrapped so that workers write the JSON Lines themselves."""
    for task in tasks:
        yield ("render", task, show_values) if task[0] in ("range", "bytes") else task


class Stitcher:
    """Turns task results, in order, into findings with file places."""

    def __init__(self, sources: list[src.Source]):
        self.sources = sources
        self.current = -1
        self.line = 0  # 0-based line index at the start of the next text task
        self.column = 0  # code points already on that line
        self.rows: dict[int, int] = {}  # source index -> lines or rows seen
        self.blocks: list[bytes] = []  # JSON Lines written by workers (render mode), UTF-8
        self.rendered: dict[str, int] = {}  # findings per type in those lines

    def _finish(self, path: str, lines: list[int], tails: list[bytes], first: list) -> bytes:
        """A worker's JSON Lines with the path and the file's line numbers put in."""
        start_of_line = (head(path) + '"line": ').encode("utf-8")
        base = self.line + 1
        out = []
        if first and self.column:  # a line that began in the previous task
            out = [start_of_line + f'{base}, "start": {start + self.column}, "end": {end + self.column}, {rest}'.encode("utf-8")
                   for start, end, rest in first]
        skip = len(out)
        out.extend(b"%s%d%s" % (start_of_line, base + line, rest) for line, rest in zip(lines[skip:], tails[skip:]))
        return b"".join(out)

    def _advance(self, index: int, newlines: int, tail_cp: int) -> None:
        """Past a task's text: `newlines` more lines, and `tail_cp` code points into the last."""
        if newlines:
            self.line += newlines
            self.column = tail_cp
        else:
            self.column += tail_cp
        self.rows[index] = self.line + (1 if self.column else 0)

    def feed(self, result) -> Iterator[Finding]:
        index, kind, payload = result
        path = self.sources[index].path
        if index != self.current:
            self.current, self.line, self.column = index, 0, 0
        if kind == "rendered":
            lines, tails, first, counts, newlines, tail_cp = payload
            self.blocks.append(self._finish(path, lines, tails, first))
            for type_, n in counts.items():
                self.rendered[type_] = self.rendered.get(type_, 0) + n
            self._advance(index, newlines, tail_cp)
            yield None  # a mark for the writer: blocks are waiting
        elif kind == "text":
            located, newlines, tail_cp = payload
            for line, start, end, type_, confidence, value, valid in located:
                shift = self.column if line == 0 else 0
                yield Finding(path, self.line + line + 1, None, None, start + shift, end + shift, type_, confidence,
                              value, valid)
            self._advance(index, newlines, tail_cp)
        else:
            findings, rows = payload
            for row, column, start, end, type_, confidence, value, valid in findings:
                yield Finding(path, None, row, column, start, end, type_, confidence, value, valid)
            self.rows[index] = self.rows.get(index, 0) + rows


def scan(
    paths: list[str],
    types: Iterable[str] = TYPES,
    *,
    workers: int | None = None,
    include: tuple[str, ...] = (),
    exclude: tuple[str, ...] = (),
    notes: list[str] | None = None,
    progress: Callable[[int], None] | None = None,
    stitcher: Stitcher | None = None,
    chunk: int = src.CHUNK,
    render: bool | None = None,
    recognizers: str = "",
    sources: list | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[Finding]:
    """Findings in every file under `paths` (or in `sources`, already
    discovered), in file order then place order ("-" is the binary stream
    `stdin`). `recognizers` is the spec of an organisation's own
    (`recognizers.load`)."""
    what = (chosen_types(types, recognizers), recognizers)
    sources = src.discover(list(paths), include, exclude) if sources is None else sources
    notes = [] if notes is None else notes
    stitcher = stitcher or Stitcher(sources)
    stitcher.sources = sources
    tasks = plan(sources, what, notes, chunk, stdin)
    if render is not None:  # JSON Lines for text are written by the workers into stitcher.blocks
        tasks = render_plan(tasks, render)
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        results: Iterable = map(run_task, tasks)
        yield from _drain(results, stitcher, progress)
        return
    import multiprocessing

    # A parent that has loaded Polars (or any thread pool) can deadlock its
    # forked children: then workers come from a fork server, a clean process
    # that has loaded only the engine (callers need the __main__ guard).
    if "polars" in sys.modules or "pyarrow" in sys.modules:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["senim.checks.personal_data.scanner"])
    else:
        context = multiprocessing.get_context("fork")
    with context.Pool(workers) as pool:
        yield from _drain(_bounded(pool, tasks, 3 * workers), stitcher, progress)


def chosen_types(types: Iterable[str], recognizers: str = "") -> tuple[str, ...]:
    """The shipped types among `types`, in their order (custom kinds are
    chosen by their recognizers)."""
    wanted = set(types)
    return tuple(t for t in TYPES if t in wanted)


def _bounded(pool, tasks: Iterator[tuple], window: int):
    """Results in task order with at most `window` tasks in flight, so that a
    stream (standard input, a compressed file) is never read far ahead of the workers."""
    from collections import deque

    pending: deque = deque()
    for task in tasks:
        pending.append(pool.apply_async(run_task, (task,)))
        if len(pending) >= window:
            yield pending.popleft().get()
    while pending:
        yield pending.popleft().get()


def _drain(results, stitcher: Stitcher, progress) -> Iterator[Finding]:
    for result in results:
        yield from stitcher.feed(result)
        if progress is not None:
            progress(1)
