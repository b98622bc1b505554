#!/usr/bin/env bash
# Demo, personal data (KZ AI law principles and the Personal Data Law; EU AI
# Act Art. 10): where personal data sits in the support chatbot's logs, then
# a pseudonymised copy that keeps one pseudonym per person across files.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=out/scan
mkdir -p "$OUT"
LOGS=examples/support-chatbot/logs

echo "== senim scan $LOGS (summary, mass-processing threshold 100 for the demo)"
senim scan "$LOGS" --mass-threshold 100 --evidence "$OUT/scan-evidence.json"
echo
echo "== senim scan --format jsonl (first 3 findings, values masked)"
senim scan "$LOGS/chat-2026-03-02.jsonl" --format jsonl > "$OUT/chat-findings.jsonl"
head -n 3 "$OUT/chat-findings.jsonl"
echo
echo "== senim redact: keyed pseudonyms (the key from SENIM_PSEUDONYM_KEY)"
export SENIM_PSEUDONYM_KEY=${SENIM_PSEUDONYM_KEY:-demo-key-not-for-production-use}
senim redact "$LOGS" -o "$OUT/redacted" --mode pseudonym --force  # its own output of an earlier run
head -n 2 "$OUT/redacted/tickets.csv"
echo
echo "== CI gate: senim scan --fail-on kz_iin on the redacted copy (exit 0: no IIN left)"
senim scan "$OUT/redacted" --fail-on kz_iin,payment_card --format summary >/dev/null && echo "clean"
echo
