"""The trusted-list workflow is data of the law pack: its periods agree with
the application pack's timeline (both from the Minister's Order of 10 April
2026: review 10 working days, publication 5, a corrected application 5),
and every period carries its citation and confidence."""

from senim.law.pack import legal_data
from senim.registry.trusted_list import workflow


def test_the_workflows_periods_are_the_orders_and_the_packs_timeline():
    flow = workflow()
    periods = {m["deadline"]["id"]: m["deadline"]["working_days"] for m in flow["transitions"]
               if isinstance(m["deadline"], dict)}
    assert periods == {"review": 10, "documents": None, "resubmission": 5, "publication": 5}
    timeline = {step["id"]: step["working_days"] for step in legal_data("application-packs")["trusted_list"]["timeline"]}
    assert {k: v for k, v in periods.items() if v is not None} == timeline


def test_every_move_names_its_side_and_every_period_its_ref_and_confidence():
    flow = workflow()
    assert [s["id"] for s in flow["states"]] == ["submitted", "under_review", "documents_requested", "listed", "refused"]
    by = {m["id"]: m["by"] for m in flow["transitions"]}
    assert by == {"submit": "owner", "start_review": "reviewer", "request_documents": "reviewer",
                  "resubmit": "owner", "list": "reviewer", "refuse": "reviewer"}
    for move in flow["transitions"]:
        assert set(move["title"]) == {"kk", "ru", "en"}
        if isinstance(move["deadline"], dict):
            assert move["deadline"]["ref"] and move["deadline"]["confidence"] in ("confirmed", "secondary", "unverified")
            assert set(move["deadline"]["title"]) == {"kk", "ru", "en"}
    finals = [s["id"] for s in flow["states"] if s.get("final")]
    assert finals == ["listed", "refused"]
    assert not any(set(m["from_states"]) & set(finals) for m in flow["transitions"])  # nothing moves a final application
