"""Each scored audit is encoded by orjson: the same bytes as the json module, and never a failure where it refuses."""

from __future__ import annotations

import json

from qactl.results import Shared, encode_audit


def _stdlib(a) -> bytes:
    return json.dumps(a, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def test_an_audit_is_the_json_modules_bytes():
    answer = Shared.of({"answer": "Partially", "points": 1, "max": 2, "applies": True}, ("Partially", 1))
    audit = {
        "row": 7,
        "ref": "0a1b2c3d4e5f",
        "status": "scored",
        "score": 86.3,
        "grade": "Good",
        "audit_date": "2025-12-01",
        "sections": {"Voice": {"score": 66.7, "grade": "Requires Improvement"}},
        "answers": {"q1": answer, "q2": answer},
        "milestones": {},
        "fields": {"team": "Équipe Nord", "size": 3, "ok": True, "none": None},
        "comments": {"notes": 'Zoë’s plan — “good”\nline two \\ "quoted" \u2028'},
        "errors": [],
    }
    assert encode_audit(audit) == _stdlib(audit)


def test_what_orjson_refuses_is_encoded_by_the_json_module():
    # an integer field beyond 64 bits (a number typed into an integer question): orjson refuses it, the json module not
    audit = {"row": 2, "fields": {"count": 10**30}, "errors": []}
    assert encode_audit(audit) == b'{"row":2,"fields":{"count":1000000000000000000000000000000},"errors":[]}'
