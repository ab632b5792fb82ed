"""Two clean runs and more of the same input, under different hash seeds and none, must export the same
bytes: prints each run's export digest and time, and whether all are identical.

usage: python bench/determinism.py [--corpora gvc ecbplus] [--seeds 1 2 unset]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data"


def export_digest(inputs: list[Path], hash_seed: str, folder: Path) -> tuple[str, float]:
    """sha256 of the JSON export of a fresh store holding the inputs, and the seconds it took."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONHASHSEED"}
    if hash_seed != "unset":
        env["PYTHONHASHSEED"] = hash_seed
    db, out = folder / f"{hash_seed}.db", folder / f"{hash_seed}.json"
    started = time.perf_counter()
    for command in (["ingest", *map(str, inputs)], ["export", "--format", "json", "-o", str(out)]):
        subprocess.run([sys.executable, "-m", "storyline.cli", *command, "--db", str(db)], cwd=ROOT, env=env,
                       check=True, capture_output=True)
    return hashlib.sha256(out.read_bytes()).hexdigest(), time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpora", nargs="+", default=["gvc", "ecbplus"])
    parser.add_argument("--seeds", nargs="+", default=["1", "2", "unset"])
    args = parser.parse_args()
    inputs = [DATA / f"{name}-dev.jsonl" for name in args.corpora]
    digests = set()
    with tempfile.TemporaryDirectory() as folder:
        for hash_seed in args.seeds:
            digest, seconds = export_digest(inputs, hash_seed, Path(folder))
            digests.add(digest)
            print(f"PYTHONHASHSEED={hash_seed:6} export sha256 {digest[:16]}  {seconds:6.1f} s", flush=True)
    print(f"{' + '.join(args.corpora)}: {len(args.seeds)} runs, "
          f"{'byte-identical exports' if len(digests) == 1 else f'{len(digests)} different exports'}")
    sys.exit(0 if len(digests) == 1 else 1)


if __name__ == "__main__":
    main()
