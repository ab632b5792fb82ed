"""Cleaning: mojibake, page leftovers, repeated titles and captions."""

from storyline.prepare.clean import clean_text, split_title


def test_mojibake_fixed_even_beside_correct_quotes():
    assert "Russia’s" in clean_text("It’s said that [Russia‚Äôs] management is ready.")


def test_page_leftovers_and_captions_removed():
    raw = ("The council met on Monday.\n\nExit mobile version\n\nLeave a Reply\n\n"
           "Your email address will not be published. Required fields are marked *\n\n"
           "Shoppers at a market in Bakhmut. (Clodagh Kilcoyne/Reuters)\n\nThe vote passed.")
    assert clean_text(raw) == "The council met on Monday.\n\nThe vote passed."


def test_repeated_title_and_lead_dropped():
    raw = ("Ships wait as dockers strike\n\nThousands of dock workers walked out on Tuesday.\n\n"
           "Ships wait as dockers strike\n\nThousands of dock workers walked out on Tuesday. Ships wait in the bay.")
    title, body = split_title(clean_text(raw), None)
    assert title == "Ships wait as dockers strike"
    assert body == "Thousands of dock workers walked out on Tuesday. Ships wait in the bay."
