"""An ingest that can be started at a known moment: loads its models, says "ready", waits for a
line on stdin, then ingests. Lets a test kill it during the work rather than during start-up."""

import sys

from storyline import Storyline
from storyline.group import embed
from storyline.prepare.parse import english

if __name__ == "__main__":
    english()
    embed.embed_leads(["warm up"])
    print("ready", flush=True)
    sys.stdin.readline()
    Storyline(sys.argv[1]).ingest(sys.argv[2:])
    print("done", flush=True)
