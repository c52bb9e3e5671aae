"""The interactive dshell prompt: the command registry (``commands``), the input language, the session's state,
completion, and the prompt_toolkit application.

Everything but ``app``, ``keys``, ``lexer``, ``panes``, ``attach`` and ``completion.completer`` is free of
prompt_toolkit, so that other front ends (``dshell -c``, the IPython ``%docker`` magic) reuse it.
"""
