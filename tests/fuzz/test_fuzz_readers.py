"""Every reader of outside input, fuzzed: a sentence or a result, never a traceback
(issue 17, "Done when": 20 seconds in `make test`, at least 2 minutes in `make bench`)."""

from __future__ import annotations

import pytest

from tests.fuzz.harness import PROFILES, READERS, fuzz


@pytest.mark.parametrize("reader", sorted(READERS))
def test_fuzz_reader_refuses_with_a_sentence_or_reads(reader):
    assert fuzz(reader, PROFILES["test"]) >= 1
