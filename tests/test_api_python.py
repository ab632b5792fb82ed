"""The README's Python API example runs as written, and the API is what the CLI shows."""

import re
import subprocess
import sys

from conftest import ROOT, SAMPLE

from storyline import Storyline


def test_the_readme_python_example_runs(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert len(code.strip().splitlines()) <= 12
    (tmp_path / "data").symlink_to(ROOT / "data")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, timeout=600)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "8 new articles, 0 failures"
    assert lines[1:-1] and all(line.endswith(" claims") and "Valmora" in line for line in lines[1:-1])
    assert lines[-1].startswith("[") and (tmp_path / "news.db").exists()


def test_the_cli_shows_what_the_api_returns(tmp_path):
    db = str(tmp_path / "s.db")
    with Storyline(db) as news:
        news.ingest([SAMPLE])
        titles = [row.title for row in news.stories(limit=100)]
    shown = subprocess.run([sys.executable, "-m", "storyline.cli", "stories", "--db", db],
                           capture_output=True, text=True, cwd=ROOT, env={"COLUMNS": "300", "PATH": ""})
    assert shown.returncode == 0 and titles and all(title[:30] in shown.stdout for title in titles)
