"""storyline: raw news reports in, cited stories out."""

from importlib.metadata import PackageNotFoundError, version

from .api import Result, Story, Storyline, analyse
from .config import Settings
from .config import load as load_settings

try:
    __version__ = version("storyline")  # written in one place: pyproject.toml
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "unknown"
__all__ = ["Result", "Settings", "Story", "Storyline", "analyse", "load_settings"]
