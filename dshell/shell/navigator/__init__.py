"""The full-screen navigator (`open _N`): the explorer's model (`dshell.explorer.Browser`) drawn by `view`, moved
by `keys`, run by `app`."""
