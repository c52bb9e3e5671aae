"""Stream panes: ``tail``/``logs``/``events``/``stats`` output above the prompt, fed in the background.

``model`` and the formatters are free of prompt_toolkit; ``view``, ``layout``, ``keys`` and ``commands``
put panes in the shell's prompt_toolkit application.
"""
