"""Presenting: the JSON export of the contract, Markdown and a self-contained HTML report (`export`),
coverage by outlet and events as dated phases (`coverage`), and the coverage chart as SVG (`chart`).
Settings: [presenting]."""
