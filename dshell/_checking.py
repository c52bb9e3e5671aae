"""``TYPE_CHECKING`` without importing typing, whose import costs a ``dshell -c`` a twentieth of its time: the
modules a one-shot command loads take their typing names inside ``if TYPE_CHECKING:`` and this flag from here
(type checkers read a ``TYPE_CHECKING`` of any origin as true). ``tests/shell/test_oneshot.py`` keeps typing out
of that path."""

TYPE_CHECKING = False
