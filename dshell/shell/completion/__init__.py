"""Completion: context analysis (``context``), fuzzy matching (``matching``), live daemon names (``live``),
the candidate engine (``engine``, front-end free) and the prompt_toolkit adapter (``completer``)."""
