"""Preparing a report: page leftovers and mojibake cleaned (`clean`), its language told (`language`),
its copy signature taken (`copies`: syndicated copies point to their original), and its text parsed by
the spaCy pipeline of its language (`parse`). Settings: [cleaning], [copies], [parsing]."""
