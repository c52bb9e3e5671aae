"""The interactive dshell prompt: parsing, completion, execution and the prompt_toolkit application.

``parse``, ``values``, ``words``, ``session`` and ``completion`` (except ``completion.completer``) are free
of prompt_toolkit so that other front ends (an IPython ``%docker`` magic) can reuse them.
"""
