"""`python -m storyline.cli`: the same commands as the `storyline` script."""

from . import app

app()
