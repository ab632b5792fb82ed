"""storyline: raw news reports in, cited stories out."""

from .api import Result, Story, Storyline, analyse
from .config import Settings
from .config import load as load_settings

__version__ = "0.1.0"
__all__ = ["Result", "Settings", "Story", "Storyline", "analyse", "load_settings"]
