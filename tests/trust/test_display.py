"""trust/display.py: a row per model input, whatever shape a stored trust score has."""

from __future__ import annotations

from newsprism.trust.display import reading, short, trust_rows


def test_one_row_per_input_with_the_component_on_its_first() -> None:
    score = {
        "value": 0.43,
        "components": [
            {
                "name": "claim_profile",
                "value": {"named_share": 0.3846, "denial_share": 0.0},
                "weight": {"named_share": -0.3388, "denial_share": 6.7143},
                "contribution": -0.0411,
                "evidence": ["sentences.1", "sentences.2"],
            },
            {"name": "persuasion", "value": 47.8261, "weight": 0.0057, "contribution": 0.2188},
        ],
    }
    rows = trust_rows(score)
    assert [(r.component, r.input, r.value, r.weight) for r in rows] == [
        ("claim_profile", "named_share", "0.385", "-0.339"),
        ("", "denial_share", "0", "6.71"),
        ("persuasion", "", "47.8", "0.0057"),
    ]
    assert rows[0].contribution == "-0.0411" and rows[1].contribution == ""
    assert rows[0].evidence == ("sentences.1", "sentences.2") and rows[1].evidence == ()


def test_evidence_splits_into_spans_and_documents() -> None:
    (row,) = trust_rows(
        {
            "components": [
                {
                    "name": "corroboration",
                    "value": 1.0,
                    "evidence": ["doc:a.b", "sentences.4", "doc:<x>", "no-dot"],
                }
            ]
        }
    )
    assert row.span_ids == ("sentences.4",)
    assert row.document_ids == ("a.b", "<x>")


def test_missing_inputs_say_why() -> None:
    score = {
        "components": [
            {"name": "corroboration", "value": {"grade_supported_share": None}, "weight": {}},
            {"name": "source_prior", "value": None, "details": {"reason": "no domain"}},
            {"name": "empty", "value": {}},
        ]
    }
    values = [r.value for r in trust_rows(score)]
    assert values == ["not graded", "unknown (no domain)", "unknown"]


def test_malformed_scores_give_no_rows_rather_than_fail() -> None:
    assert trust_rows({"components": {"<script>": 1}}) == []
    assert trust_rows({"components": ["text", 3, None]}) == []
    assert trust_rows({}) == []


def test_reading_and_short() -> None:
    assert reading(0.8) == "reads as credible" and reading(0.3) == "reads as not credible"
    assert reading(0.5) == "reads as credible, near the cut"
    assert reading(0.49) == "reads as not credible, near the cut"
    assert reading(None) == "" and reading(True) == "" and reading("high") == ""
    assert short({"a": 0.123456, "b": None}) == "a=0.123, b="
