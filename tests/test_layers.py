"""The tree reads as the pipeline, and its layers hold: cli and web -> api -> run -> stages -> store,
with the foundation (settings, dataclasses, text helpers) beneath all. An import that climbs a layer,
a shell that reaches the store or the scheduling itself, or a store that knows a stage's types fails
here, naming the module and the import."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "storyline"
FOUNDATION = {"config", "models", "text", "textindex", "logs", "processes", "__init__"}
STAGES = {"read", "prepare", "dates", "extract", "group", "analysis", "present"}
LAYER = {"store": 1, **dict.fromkeys(STAGES, 2), "run": 3, "api": 4, "cli": 5, "web": 5}
# the shells (cli, web) see persistence and scheduling only through the api
SHELL_FORBIDDEN = {"store", "run"}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, dotted name under storyline) of every storyline module or name this module imports."""
    name = module_name(path)
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            elif node.module and node.module.split(".")[0] == "storyline":
                target = node.module.partition(".")[2]
            else:
                continue
            found += [(node.lineno, f"{target}.{alias.name}".strip(".")) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.partition(".")[2]) for alias in node.names
                      if alias.name.split(".")[0] == "storyline"]
    return found


def top(dotted: str) -> str:
    return dotted.split(".")[0] if dotted else "__init__"


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_package_and_module_has_a_layer():
    tops = {top(module_name(path)) for path in MODULES}
    assert tops - FOUNDATION - set(LAYER) == set()


@pytest.mark.parametrize("path", MODULES, ids=lambda p: module_name(p) or "storyline")
def test_no_import_climbs_a_layer(path: Path):
    own = top(module_name(path))
    if own in FOUNDATION:
        wrong = [(line, target) for line, target in imports(path)
                 if top(target) not in FOUNDATION and own != "__init__"]
    else:
        wrong = [(line, target) for line, target in imports(path)
                 if top(target) not in FOUNDATION and LAYER[top(target)] > LAYER[own]]
    if own in ("cli", "web"):
        wrong += [(line, target) for line, target in imports(path) if top(target) in SHELL_FORBIDDEN]
    assert wrong == [], f"{module_name(path)} imports above its layer (or past the api): {wrong}"


def test_the_store_knows_no_stage_type():
    """Storage keeps rows: the groups, link profiles and corrections it stores are read and written as
    plain data by the stages that own them."""
    wrong = [(module_name(path), line, target) for path in MODULES if top(module_name(path)) == "store"
             for line, target in imports(path) if top(target) in STAGES]
    assert wrong == []


def test_no_module_is_over_500_lines_and_few_sit_at_the_top():
    sizes = {module_name(p) or "storyline": len(p.read_text(encoding="utf-8").splitlines()) for p in MODULES}
    assert {m: n for m, n in sizes.items() if n > 500} == {}
    assert len([p for p in MODULES if p.parent == PACKAGE]) <= 10


def test_the_readme_map_names_every_package_and_top_level_module():
    readme = (PACKAGE.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## How it works"):readme.index("\n## ", readme.index("## How it works") + 1)]
    packages = {p.name + "/" for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    modules = {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    assert {name for name in packages | modules if f"`{name}" not in section} == set()
