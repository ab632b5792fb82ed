"""storyline: raw news reports in, cited stories out."""

from importlib.metadata import version

from .api import Result, Story, Storyline, analyse
from .config import Settings
from .config import load as load_settings

__version__ = version("storyline")  # one place: pyproject.toml
__all__ = ["Result", "Settings", "Story", "Storyline", "analyse", "load_settings"]
