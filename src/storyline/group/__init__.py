"""Grouping reports: a multilingual embedding of each lead (`embed`), what a report or a group is known
by and the learned same-event and same-story links (`linking`), and the online story clustering with
events inside each story (`cluster`). Settings: [embedding], [linking], [grouping]."""
