#!/usr/bin/env bash
# Demo, labels for synthetic content (KZ AI law Art. 21, EU AI Act Art. 50):
# label a deepfake still in Kazakh, verify it, show that a tampered copy
# fails, then label a whole folder (video, voice, page, post) and audit it.
set -euo pipefail
cd "$(dirname "$0")/../.."
OUT=out/provenance
rm -rf "$OUT"; mkdir -p "$OUT"
export SENIM_HOME="$PWD/$OUT/senim-home"   # the demo's own test key, not yours
MEDIA=examples/deepfake-video/media

echo "== provenance: label a synthetic image (Kazakh banner, XMP, C2PA)"
senim label "$MEDIA/presenter.png" -o "$OUT/presenter.png" --lang kk --generator "FaceSwap demo"
echo "== provenance: verify it against the local test CA"
senim verify "$OUT/presenter.png" --trust-anchors "$SENIM_HOME/keys/c2pa-local-ca.pem"

echo "== provenance: change one byte of pixel data in a copy, then verify"
python - "$OUT/presenter.png" "$OUT/tampered.png" <<'PY'
import struct, sys, zlib
data = bytearray(open(sys.argv[1], "rb").read())
at = data.index(b"IDAT") - 4
(n,) = struct.unpack(">I", data[at:at + 4])
data[at + 8 + n // 2] ^= 1                     # one pixel-data byte
data[at + 8 + n:at + 12 + n] = struct.pack(">I", zlib.crc32(bytes(data[at + 4:at + 8 + n])) & 0xFFFFFFFF)
open(sys.argv[2], "wb").write(data)
PY
if senim verify "$OUT/tampered.png"; then
  echo "unexpected: the tampered copy passed" >&2; exit 1
else
  echo "(exit $? as expected: the tampered copy is reported invalid)"
fi

echo "== provenance: label a folder (video banner on every frame, spoken notice, text marks) in Russian"
senim label "$MEDIA" -o "$OUT/labelled" --lang ru --generator "Demo video model"
cp "$OUT/tampered.png" "$OUT/labelled/"
cp "$MEDIA/presenter.png" "$OUT/labelled/unlabelled-presenter.png"
echo "== provenance: audit the folder"
senim verify "$OUT/labelled" --report || echo "(exit $?: the audit found files that are unlabelled or altered)"
