"""Workflow commands' modules (``run``, ``cp``, ``build``, ``login``/``logout``, ``diff``): short, visible compositions
of spec ops, each op's outcome stored; declared in ``shell.commands`` (``workflows``, ``results``)."""
