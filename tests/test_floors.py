"""The house's floors, read from the imports (every import, at the top of a file or inside a
function): no package imports one above it, and no two files import each other, however long the
way round. From the ground up:

    config → store → crawler, indicators, browser → scoring → reports, notify → web → govaudit →
    samplefarm
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOORS = [("config",), ("store",), ("crawler", "indicators", "browser"), ("scoring",),
          ("reports", "notify"), ("web",), ("govaudit",), ("samplefarm",)]
FLOOR = {pkg: i for i, pkgs in enumerate(FLOORS) for pkg in pkgs}


def import_graph(root: Path, packages) -> dict[str, set[str]]:
    """Module → the project modules it imports (`from pkg import sub` names the module pkg.sub)."""
    files = {}
    for pkg in packages:
        for path in (root / pkg).rglob("*.py"):
            parts = path.relative_to(root).with_suffix("").parts
            files[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in files.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        graph[name] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[:len(package.split(".")) - node.level + 1]
                    base = ".".join(up + ([node.module] if node.module else []))
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in files else base
                           for a in node.names]
            else:
                continue
            for target in targets:
                while target and target not in files:   # `import a.b.c` of a name inside a.b
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def upward(graph) -> list[str]:
    return sorted(f"{src} → {dst}" for src, dsts in graph.items() for dst in dsts
                  if FLOOR[dst.split(".")[0]] > FLOOR[src.split(".")[0]])


def circles(graph) -> list[str]:
    found, state = [], {}            # state: 1 = on the current path, 2 = done

    def visit(name: str, path: list[str]) -> None:
        state[name] = 1
        for dst in sorted(graph[name]):
            if state.get(dst) == 1:
                found.append(" → ".join(path[path.index(dst):] + [dst]))
            elif dst not in state:
                visit(dst, path + [dst])
        state[name] = 2
    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    return found


def test_every_package_is_on_a_floor():
    tops = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "tests"}
    assert tops == set(FLOOR)


def test_no_import_points_up_a_floor():
    assert upward(import_graph(ROOT, FLOOR)) == []


def test_no_import_circle_between_files():
    assert circles(import_graph(ROOT, FLOOR)) == []


def test_an_upward_import_and_a_circle_are_seen(tmp_path):
    """The two checks can fail: an arrow up and a circle through three files are found."""
    for name, body in {"config/__init__.py": "", "config/a.py": "from store import b\n",
                       "store/__init__.py": "", "store/b.py": "from . import c\n",
                       "store/c.py": "import config.a\n"}.items():
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(body, encoding="utf-8")
    graph = import_graph(tmp_path, ["config", "store"])
    assert upward(graph) == ["config.a → store.b"]
    assert circles(graph) == ["config.a → store.b → store.c → config.a"]
