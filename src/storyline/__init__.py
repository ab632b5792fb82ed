"""storyline: raw news reports in, cited stories out."""

__version__ = "0.1.0"
