#!/usr/bin/env bash
# Re-creates the tiny sample media of this example (already committed):
# a still of a "presenter", a 2-second clip, a short synthetic voice, a web
# page and a post. Needs ffmpeg, espeak-ng and the project's Python.
set -euo pipefail
cd "$(dirname "$0")/media"
PY="${PYTHON:-../../../.venv/bin/python}"
"$PY" - <<'PY'
from PIL import Image, ImageDraw
img = Image.new("RGB", (480, 270), (40, 70, 110))
d = ImageDraw.Draw(img)
d.rectangle((0, 200, 480, 270), fill=(25, 40, 60))
d.ellipse((190, 40, 290, 150), fill=(225, 190, 160))           # face
d.ellipse((215, 80, 230, 92), fill=(30, 30, 30)); d.ellipse((250, 80, 265, 92), fill=(30, 30, 30))
d.arc((220, 105, 260, 130), 20, 160, fill=(120, 40, 40), width=4)
d.rectangle((170, 150, 310, 270), fill=(60, 60, 70))            # jacket
img.save("presenter.png", optimize=True)
PY
ffmpeg -nostdin -v error -y -loop 1 -i presenter.png -f lavfi -i "sine=frequency=220:duration=2" \
  -vf "scale=320:180,zoompan=z='1+0.002*on':d=1:s=320x180:fps=12" -t 2 -r 12 \
  -c:v libx264 -preset veryslow -crf 30 -pix_fmt yuv420p -c:a aac -b:a 32k -shortest -movflags +faststart clip.mp4
espeak-ng -v ru -s 160 -w voice.wav "Добрый вечер. Я не говорил этих слов: это синтетический голос."
ffmpeg -nostdin -v error -y -i voice.wav -ar 16000 -ac 1 voice16.wav && mv voice16.wav voice.wav
