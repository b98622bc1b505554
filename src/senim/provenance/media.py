"""Warnings in video and audio, through ffmpeg and espeak-ng.

Video: the band from `banner` is overlaid on every frame (ffmpeg `overlay`),
the sound is copied as it is. Audio: a spoken notice (espeak-ng, which has
Kazakh, Russian and English voices) is put before the first sample.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

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


def video_banner(source: Path, dest: Path, text: str, *, opaque: bool = False) -> None:
    """Copy of the video with the band drawn on every frame (H.264, sound copied);
    `opaque` when it replaces a band drawn before."""
    from senim.provenance import banner

    ffmpeg = _tool("ffmpeg", "ffmpeg")
    info = probe(source)
    video = next((s for s in info["streams"] if s.get("codec_type") == "video"), None)
    if video is None:
        raise InputError(f"{source}: contains no video stream")
    width, height = int(video["width"]), int(video["height"])
    with tempfile.TemporaryDirectory(prefix="senim-video-") as work:
        band_png = Path(work) / "band.png"
        banner.render_band(text, width, height, opaque=opaque).save(band_png)
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


def audio_notice(source: Path, dest: Path, text: str, lang: str, fmt_name: str) -> tuple[float, bool]:
    """Copy of the audio with the notice before it: (notice seconds, spoken?).

    Without a voice for the language (espeak-ng missing, or no such voice),
    the notice is a tone; the caller then keeps the sentence in the metadata
    and says so, because a tone alone does not tell a listener what it means.
    """
    ffmpeg = _tool("ffmpeg", "ffmpeg")
    info = probe(source)
    audio = next((s for s in info["streams"] if s.get("codec_type") == "audio"), None)
    if audio is None:
        raise InputError(f"{source}: contains no audio stream")
    rate = int(audio.get("sample_rate") or 44100)
    channels = int(audio.get("channels") or 1)
    with tempfile.TemporaryDirectory(prefix="senim-audio-") as work:
        notice = Path(work) / "notice.wav"
        spoken = has_voice(lang)
        if spoken:
            spoken_notice(text, lang, notice)
        else:
            warning_tone(notice)
        seconds = float(probe(notice)["format"].get("duration") or 0)
        layout = "mono" if channels == 1 else "stereo" if channels == 2 else f"{channels}c"
        fmt_filter = f"aresample={rate},aformat=sample_rates={rate}:channel_layouts={layout}"
        graph = (f"[1:a]{fmt_filter},apad=pad_dur=0.3[n];[0:a]{fmt_filter}[m];"
                 "[n][m]concat=n=2:v=0:a=1[out]")
        if fmt_name == "WAV":
            codec = ["-c:a", audio.get("codec_name") if str(audio.get("codec_name", "")).startswith("pcm_")
                     else "pcm_s16le", "-f", "wav"]
        elif fmt_name == "MP4":  # an MP4 with sound only
            codec = ["-c:a", "aac", "-b:a", "160k", "-movflags", "+faststart", "-f", "mp4"]
        else:
            codec = ["-c:a", "libmp3lame", "-q:a", "2", "-f", "mp3"]
        _run([ffmpeg, "-nostdin", "-v", "error", "-y", "-i", str(source), "-i", str(notice),
              "-filter_complex", graph, "-map", "[out]", "-map_metadata", "0", *codec, str(dest)],
             f"{source}: ffmpeg could not put the spoken notice before the audio")
    return seconds + 0.3, spoken
