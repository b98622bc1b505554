"""Benchmark: `senim scan --format jsonl` against Presidio's analyzer.

Generates (once) 64 MB and 256 MB of mixed Kazakh, Russian and English chat
text with planted identifiers and look-alikes in bench/data/ (two seeds, no
text repeated), then times in one run:
- the whole command `senim scan FILE --format jsonl > OUT` (median of 5), with
  the peak memory of its process tree (sampled from /proc), on both texts (on
  the larger one start-up weighs less, as on a data lake);
- Presidio's AnalyzerEngine without NER, on a blank spaCy pipeline (Presidio at
  its fastest), over a 1 MB slice of the same text (median of 3): once with
  every predefined recognizer, once with PatternRecognizer instances only.
Prints a Markdown section; `bench/run.sh` saves it in bench/results/scan.md.
"""

from __future__ import annotations

import os
import random
import statistics
import string
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data"
TEXT = DATA / "pd_chat_64mb_10pct.txt"
# A larger text of the same kind: start-up (interpreter, Typer, worker
# processes: ~0.1 s) weighs less, as on a data lake.
BIG = DATA / "pd_chat_256mb_10pct.txt"
BIG_SIZE = 256 << 20
SIZE = 64 << 20
SLICE = 1 << 20
RUNS = 5  # the machine is shared: medians of several runs
PRESIDIO_RUNS = 3
PLANTED_SHARE = 0.1  # one line in ten carries an identifier, a look-alike or a name
SENIM = Path(sys.executable).parent / "senim"

FILLER = [
    "Сәлеметсіз бе, менің өтінішім бойынша жауап күтемін",
    "Здравствуйте, подскажите пожалуйста статус заявки",
    "Hello, I would like to check the status of my request",
    "банк картасы бойынша төлем өтпей тұр, көмектесіңізші",
    "платёж не прошёл, деньги списались дважды, верните",
    "the payment failed twice yesterday evening, please help",
    "рахмет, бәрі түсінікті", "спасибо, всё понятно", "thanks, that helps a lot",
    "жеткізу 3 күнге созылды, 2 данасы келмеді",
    "доставка заняла 5 дней, пришло 2 из 3 коробок",
    "order took 4 days and 1 box was missing",
]
NAMES = ["Иванов Пётр Сергеевич", "Айгерим Нурланова", "Серик Ахметов", "Aigerim Sadykova", "Мария Петрова"]


def _iin_check(d11: str):
    k = sum(int(a) * b for a, b in zip(d11, range(1, 12))) % 11
    if k == 10:
        k = sum(int(a) * b for a, b in zip(d11, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2])) % 11
    return None if k == 10 else k


def _plant(r: random.Random) -> str:
    digits = lambda n: "".join(r.choice(string.digits) for _ in range(n))  # noqa: E731
    kind = r.randrange(8)
    if kind == 0:
        while True:
            body = "%02d%02d%02d%d%s" % (r.randint(40, 99), r.randint(1, 12), r.randint(1, 28), r.choice((3, 4)), digits(4))
            k = _iin_check(body)
            if k is not None:
                return "ИИН " + body + str(k)
    if kind == 1:
        return "тел. +7 7%s %s %s %s" % (digits(2), digits(3), digits(2), digits(2))
    if kind == 2:
        return "8 (7%s) %s-%s-%s" % (digits(2), digits(3), digits(2), digits(2))
    if kind == 3:
        return "email: client%d@mail.kz" % r.randint(1, 99999)
    if kind == 4:
        return "карта 4%s" % digits(15)  # mostly a wrong Luhn digit: a look-alike
    if kind == 5:
        return "заказ №%s" % digits(12)  # an order number: a look-alike
    if kind == 6:
        return r.choice(NAMES)
    return "IP %d.%d.%d.%d" % tuple(r.randint(1, 254) for _ in range(4))


def make_text(path: Path = TEXT, size: int = SIZE, seed: int = 2026) -> None:
    if path.exists() and path.stat().st_size >= size:
        return
    DATA.mkdir(parents=True, exist_ok=True)
    r = random.Random(seed)
    tmp = path.with_suffix(".tmp")
    written = 0
    with open(tmp, "w", encoding="utf-8") as out:
        while written < size:
            lines = []
            for _ in range(2000):
                parts = [r.choice(FILLER)]
                if r.random() < PLANTED_SHARE:
                    parts.append(_plant(r))
                parts.append(r.choice(FILLER))
                lines.append(", ".join(parts))
            block = "\n".join(lines) + "\n"
            out.write(block)
            written += len(block.encode("utf-8"))
    tmp.replace(path)


def _tree_rss(root: int) -> int:
    """Resident memory of `root` and all its descendants, in bytes."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            pid, ppid = int(entry), int(fields[1])
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
            children.setdefault(ppid, []).append(pid)
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, ()))
    return total


def time_senim(output: Path, text: Path = TEXT) -> tuple[float, int, int]:
    with open(output, "wb") as out:
        start = time.perf_counter()
        process = subprocess.Popen([str(SENIM), "scan", str(text), "--format", "jsonl"], stdout=out)
        peak = 0
        done = threading.Event()

        def sample():
            nonlocal peak
            while not done.is_set():
                peak = max(peak, _tree_rss(process.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample)
        sampler.start()
        code = process.wait()
        elapsed = time.perf_counter() - start
        done.set()
        sampler.join()
    if code != 0:
        raise SystemExit(f"senim scan exited {code}")
    with open(output, "rb") as f:
        findings = sum(1 for _ in f)
    return elapsed, peak, findings


def presidio_analyzer():
    import logging

    import spacy

    logging.getLogger("tldextract").setLevel(logging.CRITICAL)  # it tries the network, then uses its snapshot
    from presidio_analyzer import AnalyzerEngine
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank-en"}])
    engine.nlp = {"en": spacy.blank("en")}  # no model download: a blank pipeline
    analyzer = AnalyzerEngine(nlp_engine=engine, supported_languages=["en"])
    analyzer.registry.remove_recognizer("SpacyRecognizer")
    return analyzer


def time_presidio(strict: bool) -> tuple[float, int, int, list[str]]:
    """Presidio on the slice. strict=False: every predefined recognizer but
    spaCy's NER (its phone recognizer, which wraps the phonenumbers library,
    included, as phones are among what senim finds); strict=True: only
    instances of PatternRecognizer (no phones)."""
    from presidio_analyzer import PatternRecognizer

    analyzer = presidio_analyzer()
    if strict:
        for recognizer in list(analyzer.registry.recognizers):
            if not isinstance(recognizer, PatternRecognizer):
                analyzer.registry.remove_recognizer(recognizer.name)
    with open(TEXT, "rb") as f:
        raw = f.read(SLICE)
    text = raw[: raw.rfind(b"\n") + 1].decode("utf-8")
    lines = text.splitlines()
    blocks = ["\n".join(lines[i:i + 100]) for i in range(0, len(lines), 100)]
    analyzer.analyze(text=blocks[0], language="en")  # warm-up
    times = []
    for _ in range(PRESIDIO_RUNS):
        start = time.perf_counter()
        found = sum(len(analyzer.analyze(text=block, language="en")) for block in blocks)
        times.append(time.perf_counter() - start)
    elapsed = statistics.median(times)
    names = sorted(r.name for r in analyzer.registry.recognizers)
    return elapsed, len(text.encode("utf-8")), found, names


def profile(size: int = 16 << 20) -> list[tuple[str, float]]:
    """CPU time (ms, best of 3, one process) of each phase of the scan on
    `size` bytes of the text, cut into the command's 2 MB tasks."""
    from senim.checks.personal_data import scanner
    from senim.checks.personal_data.engine import TYPES, engine_for

    with open(TEXT, "rb") as f:
        data = f.read(size)
    tasks, pos = [], 0
    while pos < len(data):
        cut = data.find(b"\n", pos + (2 << 20))
        cut = len(data) if cut < 0 else cut + 1
        tasks.append(data[pos:cut])
        pos = cut
    engine = engine_for(TYPES)
    scratches, context_scratch = engine._scratches()
    databases = [(g, db, sc) for (db, g), sc in zip(engine.databases, scratches)]

    def best(run) -> float:
        times = []
        for _ in range(3):
            start = time.process_time()
            run()
            times.append(time.process_time() - start)
        return min(times) * 1000

    phases = []
    for only, database, scratch in databases:
        label = "identifiers (start of match)" if only is None else engine.groups[only].candidate.name
        phases.append((f"Hyperscan pass: {label}",
                       best(lambda: [database.scan(t, match_event_handler=lambda *a: None, scratch=scratch) for t in tasks])))
    phases.append(("Hyperscan pass: context words", best(lambda: [engine.context_database.scan(
        t, match_event_handler=lambda *a: None, scratch=context_scratch) for t in tasks])))
    whole_candidates = best(lambda: [engine._raw(t) for t in tasks])
    passes = sum(ms for _, ms in phases)
    phases.append(("matches to candidate arrays (callbacks, NumPy, starts of names and e-mails)", whole_candidates - passes))
    whole_scan = best(lambda: [engine.scan(t) for t in tasks])
    phases.append(("validation and overlaps (NumPy for 12-digit numbers and Kazakh phones, Python for the rest)",
                   whole_scan - whole_candidates))
    found = [engine.scan(t) for t in tasks]
    phases.append(("JSON Lines of the findings (places, masks)", best(
        lambda: [scanner.render_within(t, f, len(t), False) for t, f in zip(tasks, found)])))
    return phases


REAL_NAMES = ROOT / "tests" / "personal_data" / "pd_real_names.txt"
NAME_TEMPLATES = ["Вчера {} пришёл в отделение.", "Клиент: {}, просит перезвонить", "Өтініш берген {} мырза",
                  "Dear {}, thank you"]


def names() -> list[tuple]:
    """Names: senim's person_name detector and natasha's NER (the `names`
    extra), on the shipped list of real names (in the test's sentences) for
    recall, and on a slice of the chat text, where only the planted NAMES are
    names, for precision and speed."""
    from senim.checks.personal_data import scan_text

    people = [line.strip() for line in REAL_NAMES.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    sentences = [NAME_TEMPLATES[i % len(NAME_TEMPLATES)].format(n) for i, n in enumerate(people)]
    with open(TEXT, "rb") as f:
        raw = f.read(64 << 10)
    chat = raw[: raw.rfind(b"\n") + 1].decode("utf-8").splitlines()

    def senim_names(lines):
        found = scan_text("\n".join(lines) + "\n", types=["person_name"])
        return [(f.line - 1, f.value) for f in found]

    from natasha import Doc, NewsEmbedding, NewsNERTagger, Segmenter

    segmenter, tagger = Segmenter(), NewsNERTagger(NewsEmbedding())  # loaded before the clock starts

    def natasha_names(lines):
        out = []
        for i, line in enumerate(lines):
            doc = Doc(line)
            doc.segment(segmenter)
            doc.tag_ner(tagger)
            out.extend((i, span.text.rstrip(".,")) for span in doc.spans if span.type == "PER")
        return out

    rows = []
    for label, find in (("senim person_name", senim_names), ("natasha 1.6 NER (PER)", natasha_names)):
        got = set(find(sentences))
        recall = sum((i, n) in got for i, n in enumerate(people)) / len(people)
        start = time.process_time()
        spans = find(chat)
        elapsed = time.process_time() - start
        right = sum(1 for _, text in spans if text in NAMES)
        rows.append((label, recall, len(people), right / len(spans) if spans else 1.0, len(spans),
                     len(raw) / elapsed / 1e6))
    return rows


def main() -> None:
    from importlib.metadata import version

    make_text()
    make_text(BIG, BIG_SIZE, seed=2027)
    size = TEXT.stat().st_size
    big_size = BIG.stat().st_size
    out = DATA / "pd_scan.jsonl"
    big_out = DATA / "pd_scan_256mb.jsonl"
    # the two sizes alternate, so that a busy spell of the machine hits both
    runs, big_runs = [], []
    for _ in range(RUNS):
        runs.append(time_senim(out))
        big_runs.append(time_senim(big_out, BIG))
    median = statistics.median(r[0] for r in runs)
    peak = max(r[1] for r in runs)
    findings = runs[0][2]
    big_median = statistics.median(r[0] for r in big_runs)
    big_peak = max(r[1] for r in big_runs)
    big_mbs = big_size / big_median / 1e6
    presidio = {strict: time_presidio(strict) for strict in (False, True)}
    senim_mbs = size / median / 1e6
    print("## Personal-data scan (`senim scan`) vs Presidio\n")
    print(f"Text: {size / 1e6:.1f} MB of generated kk/ru/en chat lines, one line in {round(1 / PLANTED_SHARE)} "
          f"with a planted identifier, look-alike or name (`{TEXT.relative_to(ROOT)}`), {os.cpu_count()} cores.\n")
    print("| tool | what is timed | input | median time | MB/s | ratio senim / tool | peak memory | findings |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| senim {version('senim')} (Hyperscan {version('hyperscan')}), every core | whole command, {RUNS} runs | "
          f"{size / 1e6:.1f} MB | {median:.2f} s | {senim_mbs:.1f} | 1 | {peak / 2**20:.0f} MiB | {findings} |")
    print(f"| same, on another text of the kind (`{BIG.name}`) | whole command, {RUNS} runs | {big_size / 1e6:.1f} MB | "
          f"{big_median:.2f} s | {big_mbs:.1f} | 1 | {big_peak / 2**20:.0f} MiB | {big_runs[0][2]} |")
    for strict, label in ((False, "predefined recognizers without NER (phones by phonenumbers)"),
                          (True, "PatternRecognizer instances only (no phones)")):
        elapsed, p_bytes, p_found, _names = presidio[strict]
        mbs = p_bytes / elapsed / 1e6
        print(f"| Presidio analyzer {version('presidio-analyzer')}, {label}, blank spaCy | "
              f"`analyze()` on 100-line blocks, median of {PRESIDIO_RUNS} runs | {p_bytes / 1e6:.2f} MB | {elapsed:.2f} s | {mbs:.3f} | "
              f"**{senim_mbs / mbs:.0f}×** ({big_mbs / mbs:.0f}× on {big_size / 1e6:.0f} MB) | n/a | {p_found} |")
    print(f"\nTarget of issue 4: senim ≥ 300× Presidio. Command: `senim scan {TEXT.relative_to(ROOT)} --format jsonl "
          f"> {out.relative_to(ROOT)}`; runs: {', '.join(f'{r[0]:.2f} s' for r in runs)} "
          f"({BIG.name}: {', '.join(f'{r[0]:.2f} s' for r in big_runs)}). "
          f"Peak memory is the resident set of the command's whole process tree, sampled every 50 ms.")
    print(f"Presidio recognizers (first row): {', '.join(presidio[False][3])}.\n")
    print("### Names: the shipped detector and natasha's NER\n")
    print("| detector | recall, shipped real names | precision on the chat text (spans) | MB/s, one process |")
    print("|---|---|---|---|")
    for label, recall, n, precision, spans, speed in names():
        print(f"| {label} | {recall:.3f} of {n} | {precision:.3f} ({spans}) | {speed:.3g} |")
    print()
    phases = profile()
    total = sum(ms for _, ms in phases)
    print("### Where the time goes (CPU time of one process on 16 MB of the text, best of 3)\n")
    print("| phase | ms | share |")
    print("|---|---|---|")
    for label, ms in phases:
        print(f"| {label} | {ms:.1f} | {ms / total:.0%} |")
    print(f"| all | {total:.1f} | {16 / 1.048576 / (total / 1000):.0f} MB/s per core |\n")


if __name__ == "__main__":
    main()
