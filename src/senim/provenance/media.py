"""Warnings in video and audio, through ffmpeg and espeak-ng.

Video: the band from `banner` is overlaid on every frame (ffmpeg `overlay`),
the sound is copied as it is. Audio: a spoken notice (espeak-ng, which has
Kazakh, Russian and English voices) is put before the first sample; in
several languages, one voice after the other.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Sequence

from senim.errors import InputError

ESPEAK_VOICES = {"kk": "kk", "ru": "ru", "en": "en"}
TIMEOUT = 600


def _tool(name: str, package: str) -> str:
    found = shutil.which(name)
    if not found:
        raise InputError(f"{name}: not installed; install the Debian package {package}")
    return found


def _run(args: list[str], what: str) -> subprocess.CompletedProcess:
    try:
        done = subprocess.run(args, capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise InputError(f"{what}: took longer than {TIMEOUT} s and was stopped") from None
    if done.returncode != 0:
        lines = [line for line in done.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
        reason = lines[-1].strip() if lines else f"exit code {done.returncode}"
        raise InputError(f"{what}: {reason}")
    return done


def probe(path: Path) -> dict:
    """Streams of a media file (ffprobe); InputError if ffmpeg cannot read it."""
    ffprobe = _tool("ffprobe", "ffmpeg")
    done = _run([ffprobe, "-v", "error", "-show_streams", "-show_format", "-of", "json", str(path)],
                f"{path}: cannot be read as media")
    info = json.loads(done.stdout or b"{}")
    if not info.get("streams"):
        raise InputError(f"{path}: contains no audio or video stream")
    return info


def video_banner(source: Path, dest: Path, text: str | Sequence[str], *, opaque: bool = False,
                 rows: int = 0) -> None:
    """Copy of the video with the band drawn on every frame (H.264, sound copied);
    `text` is the warning or one text per language (a row each); `opaque` when
    it replaces a band drawn before (of `rows` languages)."""
    from senim.provenance import banner

    ffmpeg = _tool("ffmpeg", "ffmpeg")
    info = probe(source)
    video = next((s for s in info["streams"] if s.get("codec_type") == "video"), None)
    if video is None:
        raise InputError(f"{source}: contains no video stream")
    width, height = int(video["width"]), int(video["height"])
    with tempfile.TemporaryDirectory(prefix="senim-video-") as work:
        band_png = Path(work) / "band.png"
        banner.render_band(text, width, height, opaque=opaque, rows=rows).save(band_png)
        _run([ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(source), "-i", str(band_png),
              "-filter_complex", "[0:v][1:v]overlay=0:main_h-overlay_h:format=auto,format=yuv420p[v]",
              "-map", "[v]", "-map", "0:a?", "-c:v", "libx264", "-preset", "veryfast", "-crf", "18",
              "-c:a", "copy", "-movflags", "+faststart", "-f", "mp4", str(dest)],
             f"{source}: ffmpeg could not draw the warning on the video")


def has_voice(lang: str) -> bool:
    """Whether espeak-ng is installed here with a voice for `lang`."""
    espeak = shutil.which("espeak-ng")
    voice = ESPEAK_VOICES.get(lang)
    if not espeak or not voice:
        return False
    done = subprocess.run([espeak, f"--voices={voice}"], capture_output=True, text=True, timeout=30)
    return any(line.split()[1:2] == [voice] for line in done.stdout.splitlines()[1:])


def spoken_notice(text: str, lang: str, dest: Path) -> None:
    """The notice as speech in a WAV file."""
    espeak = _tool("espeak-ng", "espeak-ng")
    _run([espeak, "-v", ESPEAK_VOICES[lang], "-s", "150", "-w", str(dest), text], f"espeak-ng voice {lang}")


def warning_tone(dest: Path) -> None:
    """Three short beeps: the fallback when no voice speaks the language."""
    ffmpeg = _tool("ffmpeg", "ffmpeg")
    beeps = "sine=frequency=880:duration=1.5:sample_rate=22050,volume='if(lt(mod(t,0.5),0.25),1,0)':eval=frame"
    _run([ffmpeg, "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", beeps, "-c:a", "pcm_s16le", str(dest)],
         "ffmpeg warning tone")


def audio_notice(source: Path, dest: Path, text: str | Sequence[str], lang: str | Sequence[str],
                 fmt_name: str) -> tuple[float, tuple[str, ...]]:
    """Copy of the audio with the notice before it: (notice seconds, the
    languages no voice spoke).

    `text` and `lang` are one sentence and its language, or one sentence per
    language, spoken one after the other in each language's voice. Without a
    voice for a language (espeak-ng missing, or no such voice), its part of the
    notice is a tone; the caller then keeps the sentence in the metadata and
    says so, because a tone alone does not tell a listener what it means.
    """
    ffmpeg = _tool("ffmpeg", "ffmpeg")
    info = probe(source)
    audio = next((s for s in info["streams"] if s.get("codec_type") == "audio"), None)
    if audio is None:
        raise InputError(f"{source}: contains no audio stream")
    rate = int(audio.get("sample_rate") or 44100)
    channels = int(audio.get("channels") or 1)
    texts = [text] if isinstance(text, str) else list(text)
    langs = [lang] if isinstance(lang, str) else list(lang)
    unvoiced = tuple(code for code in langs if not has_voice(code))
    with tempfile.TemporaryDirectory(prefix="senim-audio-") as work:
        notices, seconds = [], 0.0
        for n, (sentence, code) in enumerate(zip(texts, langs)):
            notice = Path(work) / f"notice-{n}.wav"
            if code in unvoiced:
                warning_tone(notice)
            else:
                spoken_notice(sentence, code, notice)
            seconds += float(probe(notice)["format"].get("duration") or 0) + 0.3
            notices.append(notice)
        layout = "mono" if channels == 1 else "stereo" if channels == 2 else f"{channels}c"
        fmt_filter = f"aresample={rate},aformat=sample_rates={rate}:channel_layouts={layout}"
        # each part of the notice, then 0.3 s of silence, then the next; the audio itself last
        graph = "".join(f"[{n + 1}:a]{fmt_filter},apad=pad_dur=0.3[n{n}];" for n in range(len(notices)))
        graph += (f"[0:a]{fmt_filter}[m];" + "".join(f"[n{n}]" for n in range(len(notices)))
                  + f"[m]concat=n={len(notices) + 1}:v=0:a=1[out]")
        if fmt_name == "WAV":
            codec = ["-c:a", audio.get("codec_name") if str(audio.get("codec_name", "")).startswith("pcm_")
                     else "pcm_s16le", "-f", "wav"]
        elif fmt_name == "MP4":  # an MP4 with sound only
            codec = ["-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart", "-f", "mp4"]
        else:
            codec = ["-c:a", "libmp3lame", "-q:a", "2", "-f", "mp3"]
        inputs = [arg for notice in notices for arg in ("-i", str(notice))]
        _run([ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(source), *inputs,
              "-filter_complex", graph, "-map", "[out]", "-map_metadata", "0", *codec, str(dest)],
             f"{source}: ffmpeg could not put the spoken notice before the audio")
    return seconds, unvoiced
