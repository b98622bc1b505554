"""`senim init`: the questionnaire asks only what matters and writes a manifest that loads."""

from __future__ import annotations

import os
import subprocess

import yaml

from tests.assessment.assess_helpers import ROOT, SENIM


def _init(tmp_path, answers: list[str], *extra: str):
    env = {**os.environ, "SENIM_HOME": str(tmp_path / "home")}
    return subprocess.run([str(SENIM), "init", "-o", str(tmp_path / "senim.yaml"), *extra],
                          input="\n".join(answers) + "\n", capture_output=True, text=True, env=env, cwd=ROOT, timeout=60)


SPAM = ["Spam filter", "", "Sorts mail.", "Example Mail LLP", "", "small", "KZ", "other.spam_filtering",
        "no", "reduced_efficiency", "none", "no", "no", "no"]


def test_spam_filter_is_not_asked_about_emotions(tmp_path):
    done = _init(tmp_path, SPAM)
    assert done.returncode == 0, done.stderr
    manifest = yaml.safe_load((tmp_path / "senim.yaml").read_text())
    assert manifest["id"] == "spam-filter" and manifest["uses"] == ["other.spam_filtering"]
    assert "Where are emotions recognised?" not in done.stderr
    assert "Which kinds of output?" not in done.stderr  # it generates nothing
    assert "Your role under the EU AI Act" not in done.stderr  # not on the EU market
    assert "emotion_recognition" not in manifest and "synthetic_content" not in manifest
    assert run_validate(tmp_path) == 0
    assert "Kazakhstan" in done.stdout  # the classification is shown at the end


def run_validate(tmp_path) -> int:
    return subprocess.run([str(SENIM), "validate", str(tmp_path / "senim.yaml")], capture_output=True).returncode


def test_workplace_emotion_recognition_is_asked_and_classified_prohibited(tmp_path):
    answers = ["Mood monitor", "mood-monitor", "", "Example Corp LLP", "", "large", "KZ, EU", "deployer",
               "biometrics.emotion_recognition", "yes", "users_significant", "can_override", "no", "profiling",
               "workplace", "no", "no", "no", "no", "no"]
    done = _init(tmp_path, answers, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert "Where are emotions recognised?" in done.stderr
    manifest = yaml.safe_load((tmp_path / "senim.yaml").read_text())
    assert manifest["emotion_recognition"] == {"context": "workplace", "consent": False, "medical_or_safety": False}
    # EU AI Act Art. 5(1)(f): emotion recognition in the workplace is prohibited (no medical or safety reason).
    assert "PROHIBITED" in done.stdout


def test_answers_in_kazakh_and_a_wrong_answer_asked_again(tmp_path):
    answers = ["Чат-бот", "chat-bot", "", "Мысал ЖШС", "", "3", "1", "other.support", "maybe", "иә", "1", "2", "жоқ", "1",
               "жоқ", "жоқ"]
    done = _init(tmp_path, answers, "--lang", "kk")
    assert done.returncode == 0, done.stderr
    assert "қайталап көріңіз" in done.stderr
    manifest = yaml.safe_load((tmp_path / "senim.yaml").read_text(encoding="utf-8"))
    assert manifest["owner"] == {"name": "Мысал ЖШС", "size": "medium"}
    assert manifest["affects_natural_persons"] is True and manifest["capabilities"] == ["interacts_with_people"]


def test_answers_that_end_early_write_nothing(tmp_path):
    done = _init(tmp_path, SPAM[:5])
    assert done.returncode == 2 and done.stderr.strip().splitlines()[-1].startswith("senim: stdin: the answers ended")
    assert not (tmp_path / "senim.yaml").exists()
    (tmp_path / "senim.yaml").write_text("keep me")
    done = _init(tmp_path, SPAM)
    assert done.returncode == 2 and "--force" in done.stderr
    assert (tmp_path / "senim.yaml").read_text() == "keep me"


# The README's pair: 940140000385 is a valid BIN; 940140000386 fails the check digit.
GOOD_BIN, BAD_BIN = "940140000385", "940140000386"


def test_a_piped_bad_bin_stops_at_its_line(tmp_path):
    answers = SPAM[:4] + [BAD_BIN] + SPAM[5:]
    done = _init(tmp_path, answers)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    # One sentence naming the line of the answers it is on, said before any later question is asked.
    assert done.stderr.strip().splitlines()[-1] == (
        f"senim: stdin: line 5: owner.bin: {BAD_BIN} fails the BIN check digit; nothing was written")
    assert "Size of the organisation" not in done.stderr
    assert not (tmp_path / "senim.yaml").exists()


def test_a_typed_bad_bin_is_asked_again_at_once(tmp_path):
    import pty

    answers = SPAM[:4] + [BAD_BIN, GOOD_BIN] + SPAM[5:]
    master, slave = pty.openpty()
    env = {**os.environ, "SENIM_HOME": str(tmp_path / "home")}
    try:
        child = subprocess.Popen([str(SENIM), "init", "-o", str(tmp_path / "senim.yaml")], stdin=slave,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        os.write(master, "".join(a + "\n" for a in answers).encode("utf-8"))  # typed ahead, a line at a time
        stdout, stderr = child.communicate(timeout=60)
    finally:
        os.close(slave)
        os.close(master)
    stderr = stderr.decode("utf-8")
    assert child.returncode == 0, stderr
    complaint = f"{BAD_BIN} fails the BIN check digit; check the number and enter it again."
    assert complaint in stderr
    # The BIN is asked again right after the complaint, before the next question.
    after = stderr[stderr.index(complaint):]
    assert after.index("The organisation's BIN") < after.index("Size of the organisation")
    manifest = yaml.safe_load((tmp_path / "senim.yaml").read_text())
    assert manifest["owner"]["bin"] == GOOD_BIN
