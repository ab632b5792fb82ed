"""Analysing a story, pure functions over the dataclasses in `models`: one story's whole analysis
(`story`), the disputes and agreements between its statements (`disputes`), its timeline and summary
(`timeline`, `summary`), what a reader's correction means and how it is replayed (`corrections`), and
the claim check of reports against a claim (`check`). Settings: [disputes], [timeline], [summaries],
[checking]."""
