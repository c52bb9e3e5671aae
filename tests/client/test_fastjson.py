"""Answers decoded by msgspec when installed are exactly what json.loads gives, on many random documents
(integers past 64 bits, floats at the ends of their range, repeated keys, escapes, what json alone accepts);
without msgspec the stdlib decodes."""

from __future__ import annotations

import json
import math
import random
from typing import Any

import pytest

from dshell import _fastjson

ATOMS = ["0", "-0", "1", "-1", "18446744073709551616", "-9223372036854775809", "1" + "0" * 400, "1e400", "-1e400",
         "1.5e-400", "0.1", "1E5", "1e+5", "2.5E-3", "-0.0", "123456789012345678901234567890.5", "true", "false",
         "null", "NaN", "Infinity", "-Infinity", '"a"', '""', '"\\ud800"', '"\\udc00\\ud800"', '"\\u0000"', '"é"',
         '"\\n\\t\\"\\\\\\/"', '"\x01"', '"\x7f"', "01", "1.", ".5", "+1", '"\\x"', "[1,]", '{"a":1,}',
         '{"a":1,"a":2}', " 1 ", "\n[1]\n", "[1] [2]", '{"a" :1}', "\ufeff[1]", "1e5000", "-", "[", "]", '"\xff"',
         "tru", "1_0", "0x10", '"a\u2028b"', "[" * 3000 + "]" * 3000]


def _doc(rng: random.Random, depth: int = 0) -> str:
    pick = rng.random()
    if depth > 4 or pick < 0.4:
        return rng.choice(ATOMS)
    if pick < 0.7:
        return "[" + ",".join(_doc(rng, depth + 1) for _ in range(rng.randint(0, 4))) + "]"
    keys = ['"a"', '"b"', '"\\u0061"', '"é"', '""', "1"]
    return "{" + ",".join(f"{rng.choice(keys)}:{_doc(rng, depth + 1)}" for _ in range(rng.randint(0, 4))) + "}"


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (a == b and math.copysign(1, a) == math.copysign(1, b)) or (a != a and b != b)
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def _outcome(decode: Any, raw: bytes) -> Any:
    try:
        return decode(raw)
    except (ValueError, RecursionError) as exc:
        return type(exc)


@pytest.mark.parametrize("stdlib", [False, True])
def test_every_answer_is_what_json_loads_gives(monkeypatch, stdlib: bool) -> None:
    if stdlib:
        monkeypatch.setattr(_fastjson, "_decode", json.loads)
    else:
        monkeypatch.setattr(_fastjson, "_decode", None)
        monkeypatch.setattr(_fastjson, "_json_bytes", _fastjson.PAYS)
        _fastjson.loads(b"{}")
        assert _fastjson._decode is not json.loads, "msgspec is a test dependency: the fast path must be tested"
    rng = random.Random(25)
    for _ in range(8000):
        raw = _doc(rng).encode("utf-8", "surrogatepass")
        expected, got = _outcome(json.loads, raw), _outcome(_fastjson.loads, raw)
        if isinstance(expected, type):
            assert got is expected or (issubclass(got, ValueError) and issubclass(expected, ValueError)), raw[:80]
        else:
            assert _same(got, expected), raw[:80]


def test_a_big_document_leaves_the_collector_as_it_found_it() -> None:
    import gc

    big = b"[" + b",".join(b'{"Id": "%d"}' % i for i in range(100_000)) + b"]"
    assert len(big) > _fastjson.BIG and gc.isenabled()
    assert len(_fastjson.loads(big)) == 100_000 and gc.isenabled()
    with pytest.raises(ValueError):
        _fastjson.loads(big[:-1])  # cut short: json's error, the collector on again
    assert gc.isenabled()
    gc.disable()
    try:
        _fastjson.loads(big)
        assert not gc.isenabled()  # paused by someone else: left paused
    finally:
        gc.enable()


def test_msgspec_is_imported_once_json_has_decoded_what_its_import_costs() -> None:
    """A one-shot command's small answers never import msgspec (~20 ms); a big answer does, and is decoded by
    it from then on."""
    import subprocess
    import sys

    code = ("import sys; from dshell import _fastjson as f\n"
            "for _ in range(50): f.loads(b'[' + b'1,' * 20000 + b'1]')\n"
            "print('msgspec' in sys.modules)\n"
            "f.loads(b'[' + b'1,' * (f.PAYS // 2) + b'1]')\n"
            "print('msgspec' in sys.modules, f._decode is not __import__('json').loads)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.split() == ["False", "True", "True"]
