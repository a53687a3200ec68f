"""The seed papers' models as data and as :class:`networkx.DiGraph` objects.

Each model lives once, in a human-editable YAML file in ``sme_teach/frameworks/data/``.
:func:`load` validates the file and returns a directed graph whose nodes carry
``layer``, ``label``, ``definition``, ``source`` and (for seed constructs) ``quote``,
and whose edges carry ``rationale`` — the sentence that states the link.

>>> from sme_teach import frameworks
>>> "alliance_fsa" in frameworks.available()
True
"""

from ._load import available, layer_nodes, load, load_file, nodes_frame, edges_frame
from ._stated import stated_links

__all__ = ["available", "load", "load_file", "layer_nodes", "nodes_frame", "edges_frame", "stated_links"]
