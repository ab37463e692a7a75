"""Functions of at most 80 lines and modules under 800 (HELPER rules, issue #26): a longer one
is split by responsibility. Migrations are generated and left out."""

import ast
from pathlib import Path

import dangbo

SRC = Path(dangbo.__file__).parent
MAX_FUNCTION_LINES = 80
MAX_MODULE_LINES = 799


def long_functions(source: str, limit: int = MAX_FUNCTION_LINES) -> list[tuple[str, int]]:
    """(name, lines) of the functions and methods of `source` longer than `limit` lines,
    from the `def` line to the last line of the body."""
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > limit
    ]


def test_no_function_is_longer_than_80_lines():
    found = [
        f"{path.relative_to(SRC)}: {name} ({lines} lines)"
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        for name, lines in long_functions(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_no_module_reaches_800_lines():
    found = [
        f"{path.relative_to(SRC)}: {lines} lines"
        for path in sorted(SRC.rglob("*.py"))
        if "migrations" not in path.parts
        and (lines := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert found == []


def test_a_long_function_is_found():
    body = "".join(f"    x{n} = {n}\n" for n in range(80))
    assert long_functions(f"def long():\n{body}") == [("long", 81)]
    method = body.replace("    ", "        ")
    assert long_functions(f"class A:\n    async def f(self):\n{method}") == [("f", 81)]
    assert long_functions(f"def short():\n{body[: body.index('    x78')]}    pass\n") == []
