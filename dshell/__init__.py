def load_ipython_extension(ipython: object) -> None:
    """``%load_ext dshell``: the ``%docker`` and ``%%docker`` magics (imported only now, so ``import dshell``
    stays cheap)."""
    from dshell.magic import load_ipython_extension as load

    load(ipython)  # type: ignore[arg-type]
