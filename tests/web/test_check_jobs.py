"""The checks as jobs: a personal-data scan and a fairness check of an uploaded
data file, and a report rendered as PDF, from the API and from the pages
(without JavaScript: a form, a redirect to the job, its page when done).

Expected values come from elsewhere: the IINs' check digits worked by hand,
the fairness numbers from Fairlearn on the same rows, the PDF's text from
poppler's pdftotext."""

from __future__ import annotations

import json
import subprocess

import pytest

from web_helpers import BANK, wait_job

# IINs with their check digits worked by hand (weights 1..11 on the first eleven digits, mod 11):
# 9 0 0 1 0 1 3 0 0 0 0 -> 9 + 4 + 6 + 21 = 40, 40 mod 11 = 7
# 8 5 0 7 1 2 4 0 0 0 1 -> 8 + 10 + 28 + 5 + 12 + 28 + 11 = 102, 102 mod 11 = 3
IIN_A, IIN_B = "900101300007", "850712400013"
PEOPLE_CSV = (f"id,iin,email,city\nr1,{IIN_A},aigerim@example.kz,Almaty\nr2,{IIN_B},,Astana\n"
              "r3,,,Shymkent\n").encode()


def _decisions() -> tuple[bytes, dict]:
    """A decision log of 200 rows, and its columns as lists (for Fairlearn)."""
    rows = {"sex": [], "repaid": [], "approved": []}
    for i in range(200):
        sex = "F" if i % 2 else "M"
        repaid = 1 if i % 3 else 0
        approved = 1 if (i % 5 < (2 if sex == "F" else 3)) or (repaid and i % 7 == 0) else 0
        rows["sex"].append(sex)
        rows["repaid"].append(repaid)
        rows["approved"].append(approved)
    lines = ["sex,repaid,approved"] + [f"{s},{r},{a}" for s, r, a in zip(rows["sex"], rows["repaid"], rows["approved"])]
    return ("\n".join(lines) + "\n").encode(), rows


def _ledger_entry(world, seq: int, headers: dict) -> dict:
    found = world.client.get(f"/api/v1/ledger/entries/{seq}/proof", headers=headers)
    assert found.status_code == 200, found.text
    return found.json()["entry"]


def test_a_scan_of_an_uploaded_csv_gives_counts_in_words_and_is_kept_as_evidence(world):
    c, h = world.client, world.token("engineer")
    system = world.own["system"]
    sent = c.post(f"/api/v1/systems/{system}/scans", headers=h, data={"obligation": "kz.principle.data_protection"},
                  files={"file": ("клиенты.csv", PEOPLE_CSV, "text/csv")})
    assert sent.status_code == 202, sent.text
    job = wait_job(world, sent.json()["id"], h)
    result = job["result"]
    assert result["by_type"] == {"email": 1, "kz_iin": 2} and result["findings"] == 3
    assert result["distinct_people"] == 2  # one IIN, one person
    assert any("клиенты.csv" in line for line in result["words"]["en"])
    assert len(result["words"]["kk"]) == len(result["words"]["ru"]) == len(result["words"]["en"])
    everything = json.dumps(job, ensure_ascii=False)
    assert IIN_A not in everything and IIN_B not in everything and "aigerim@" not in everything
    # kept as evidence of the obligation named, its record the check's evidence record
    evidence = c.get(f"/api/v1/evidence/{result['evidence']}", headers=h).json()
    assert evidence["obligation"] == "kz.principle.data_protection" and evidence["media_type"] == "application/json"
    record = c.get(f"/api/v1/evidence/{result['evidence']}/file", headers=h)
    assert record.json()["check"] == "personal_data.scan" and IIN_A not in record.text
    entry = _ledger_entry(world, result["ledger_seq"], h)
    assert entry["kind"] == "evidence.added" and entry["actor"]["user"] == f"engineer@{BANK}.kz"
    assert entry["actor"]["via"].startswith("token:")


def test_the_scan_page_works_without_javascript_and_shows_the_summary(world):
    c, h = world.client, world.cookie("compliance")
    system = world.own["system"]
    form = c.get(f"/systems/{system}/checks", headers=h)
    assert form.status_code == 200 and f'action="/systems/{system}/scan"' in form.text
    sent = c.post(f"/systems/{system}/scan", headers=h, files={"file": ("people.txt", f"ИИН {IIN_A}\n".encode())},
                  follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].startswith("/jobs/")
    number = int(sent.headers["location"].rsplit("/", 1)[1])
    job = wait_job(world, number, world.token("compliance"))
    assert job["result"]["by_type"] == {"kz_iin": 1} and job["result"]["evidence"] is None
    entry = _ledger_entry(world, job["result"]["ledger_seq"], world.token("compliance"))
    assert entry["kind"] == "check.recorded" and entry["actor"]["user"] == f"compliance@{BANK}.kz"
    assert IIN_A not in json.dumps(entry, ensure_ascii=False)
    verdict = c.get("/api/v1/ledger/verify", headers=world.token("compliance")).json()
    assert verdict["ok"] is True, verdict  # the new kind of entry verifies as every other does
    shown = c.get(f"/jobs/{number}", headers={**h, "cookie": h["cookie"] + "; senim_lang=ru"})
    assert shown.status_code == 200 and job["result"]["words"]["ru"][-1] in shown.text
    assert IIN_A not in shown.text and "hx-get" not in shown.text  # done: no more polling


def test_a_scan_refuses_what_is_not_a_data_file_and_the_auditor(world):
    c = world.client
    system = world.own["system"]
    refused = c.post(f"/api/v1/systems/{system}/scans", headers=world.token("engineer"),
                     files={"file": ("a.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")})
    assert refused.status_code == 415 and refused.json()["errors"][0]["field"] == "file"
    wrong = c.post(f"/api/v1/systems/{system}/scans", headers=world.token("engineer"), data={"obligation": "kz.nope"},
                   files={"file": ("a.csv", PEOPLE_CSV, "text/csv")})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "obligation"
    assert c.post(f"/api/v1/systems/{system}/scans", headers=world.token("auditor"),
                  files={"file": ("a.csv", PEOPLE_CSV, "text/csv")}).status_code == 403
    assert c.get(f"/systems/{system}/checks", headers=world.cookie("auditor")).status_code == 403


@pytest.mark.parametrize("limit", [None, 0.05])
def test_fairness_of_an_uploaded_log_matches_fairlearn(world, limit):
    from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference

    blob, rows = _decisions()
    c, h = world.client, world.token("engineer")
    fields = {"target": "repaid", "prediction": "approved", "sensitive": "sex", "obligation":
              "kz.principle.fairness_equality", **({"max_difference": str(limit)} if limit is not None else {})}
    sent = c.post(f"/api/v1/systems/{world.own['system']}/fairness", headers=h, data=fields,
                  files={"file": ("decisions.csv", blob, "text/csv")})
    assert sent.status_code == 202, sent.text
    result = wait_job(world, sent.json()["id"], h)["result"]
    dpd = demographic_parity_difference(rows["repaid"], rows["approved"], sensitive_features=rows["sex"])
    eod = equalized_odds_difference(rows["repaid"], rows["approved"], sensitive_features=rows["sex"])
    assert result["fairness"]["disparities"]["demographic_parity_difference"] == pytest.approx(dpd, abs=1e-9)
    assert result["fairness"]["disparities"]["equalized_odds_difference"] == pytest.approx(eod, abs=1e-9)
    expected = None if limit is None else ("fail" if max(dpd, eod) > limit else "pass")
    assert result["verdict"] == expected
    record = c.get(f"/api/v1/evidence/{result['evidence']}/file", headers=h).json()
    assert record["check"] == "fairness" and record["inputs"]["data"]["path"] == "decisions.csv"
    shown = c.get(f"/jobs/{sent.json()['id']}", headers=world.cookie("engineer"))
    assert "demographic_parity_difference" in shown.text


@pytest.mark.parametrize("field", ["target", "prediction", "sensitive"])
def test_a_missing_fairness_column_is_a_422_at_its_field(world, field):
    blob, _rows = _decisions()
    fields = {"target": "repaid", "prediction": "approved", "sensitive": "sex", field: "no_such_column"}
    c = world.client
    sent = c.post(f"/api/v1/systems/{world.own['system']}/fairness", headers=world.token("engineer"), data=fields,
                  files={"file": ("decisions.csv", blob, "text/csv")})
    assert sent.status_code == 422, sent.text
    problem = sent.json()["errors"][0]
    assert problem["field"] == field and "no_such_column" in problem["problem"]
    page = c.post(f"/systems/{world.own['system']}/fairness", headers=world.cookie("engineer"), data=fields,
                  files={"file": ("decisions.csv", blob, "text/csv")})
    assert page.status_code == 422 and f"<code>{field}</code>" in page.text
    assert 'value="no_such_column"' in page.text and 'aria-invalid="true"' in page.text  # kept, at its field
    empty = c.post(f"/api/v1/systems/{world.own['system']}/fairness", headers=world.token("engineer"),
                   data={**fields, field: ""}, files={"file": ("decisions.csv", blob, "text/csv")})
    assert empty.status_code == 422 and empty.json()["errors"][0]["field"] == field


def test_fairness_reads_parquet_and_json_lines_by_their_content(world, tmp_path):
    import polars as pl

    blob, rows = _decisions()
    frame = pl.DataFrame(rows)
    frame.write_parquet(tmp_path / "d.parquet")
    jsonl = "".join(json.dumps(dict(zip(rows, values))) + "\n" for values in zip(*rows.values())).encode()
    h = world.token("engineer")
    for name, content in (("log", (tmp_path / "d.parquet").read_bytes()), ("log", jsonl)):  # no suffix to go by
        sent = world.client.post(f"/api/v1/systems/{world.own['system']}/fairness", headers=h,
                                 data={"target": "repaid", "prediction": "approved", "sensitive": "sex"},
                                 files={"file": (name, content, "application/octet-stream")})
        assert sent.status_code == 202, sent.text
        groups = wait_job(world, sent.json()["id"], h)["result"]["fairness"]["groups"]
        assert sorted(g["n"] for g in groups) == [100, 100]


def test_the_report_as_pdf_is_a_job_whose_file_poppler_reads(world, tmp_path):
    c, h = world.client, world.token("auditor")  # reading a report: the auditor may
    number = world.own["assessment"]
    sent = c.post(f"/api/v1/assessments/{number}/pdf", headers=h)
    assert sent.status_code == 202, sent.text
    job = wait_job(world, sent.json()["id"], h)
    got = c.get(f"/api/v1/jobs/{job['id']}/file", headers=h)
    assert got.status_code == 200 and got.content.startswith(b"%PDF-")
    assert got.headers["content-type"] == "application/pdf" and ".pdf" in got.headers["content-disposition"]
    (tmp_path / "r.pdf").write_bytes(got.content)
    words = subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True, check=True)
    assert world.own["system"] in words.stdout
    # the page: a form, then the job's page, which offers the file once done
    page = c.post(f"/assessments/{number}/pdf", headers=world.cookie("auditor"), follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/jobs/")
    second = int(page.headers["location"].rsplit("/", 1)[1])
    wait_job(world, second, h)
    shown = c.get(f"/jobs/{second}", headers=world.cookie("auditor"))
    assert f'href="/jobs/{second}/file"' in shown.text
    assert c.get(f"/jobs/{second}/file", headers=world.cookie("auditor")).content.startswith(b"%PDF-")
    # a job with no file: 422 at the job
    none = c.get(f"/api/v1/jobs/{world.own['job']}/file", headers=h)
    assert none.status_code == 422 and none.json()["errors"][0]["field"] == "job_id"


def test_with_a_cluster_named_the_checks_run_on_dask(world, monkeypatch):
    """`senim serve --cluster ADDRESS` (jobs.CLUSTER): the scan and the fairness check
    send their work to that scheduler, with the same results."""
    from dask.distributed import LocalCluster
    from fairlearn.metrics import demographic_parity_difference

    from senim.registry import jobs

    blob, rows = _decisions()
    c, h = world.client, world.token("engineer")
    system = world.own["system"]
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster:
        monkeypatch.setattr(jobs, "CLUSTER", cluster.scheduler_address)
        scan = c.post(f"/api/v1/systems/{system}/scans", headers=h, data={"obligation": "kz.principle.data_protection"},
                      files={"file": ("people.csv", PEOPLE_CSV, "text/csv")})
        fair = c.post(f"/api/v1/systems/{system}/fairness", headers=h,
                      data={"target": "repaid", "prediction": "approved", "sensitive": "sex",
                            "obligation": "kz.principle.fairness_equality"},
                      files={"file": ("decisions.csv", blob, "text/csv")})
        scanned = wait_job(world, scan.json()["id"], h)["result"]
        measured = wait_job(world, fair.json()["id"], h)["result"]
        ran = len(cluster.scheduler.transition_log)
    assert ran > 0  # the scheduler saw the tasks
    assert scanned["by_type"] == {"email": 1, "kz_iin": 2}
    dpd = demographic_parity_difference(rows["repaid"], rows["approved"], sensitive_features=rows["sex"])
    assert measured["fairness"]["disparities"]["demographic_parity_difference"] == pytest.approx(dpd, abs=1e-9)
    for result in (scanned, measured):
        record = c.get(f"/api/v1/evidence/{result['evidence']}/file", headers=h).json()
        assert record["parameters"]["engine"] == "dask", record["parameters"]
