"""The export says whose figure a claim is and what it measures (fields added under EXPORT.md's rule)."""

from storyline import analyse


def test_a_claim_exports_its_subject_and_measure():
    text = ("Shares of Sears Holdings rose 17 percent on Monday after the retailer reported its results. "
            "Kmart shares fell 3 percent on the same day, traders said.")
    document = analyse([{"url": "https://example.com/a", "title": "Retail shares move", "text": text,
                         "published": "2004-11-15"}]).document
    quantities = [c["quantity"] for c in document["claims"]]
    assert quantities and all({"subject", "measure", "unit", "hedge"} <= set(q) for q in quantities)
    assert {(q["subject"], q["measure"], q["value"]) for q in quantities} >= {("Kmart shares", "fall", 3)}
