"""Full-text search for the portal, behind an adapter so that Whoosh stays replaceable.

The app feeds `SearchIndex` plain dicts and gets ids back; `normalize` is the text normalisation
applied to documents and queries alike.
"""

from .analysis import normalize
from .index import SearchIndex, TextMatch

__all__ = ["SearchIndex", "TextMatch", "normalize"]
