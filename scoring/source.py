"""Ruleset files as YAML that remembers where every value was written, and `extends:` inheritance.

The people editing rulesets are provincial offices: an error must name the file and the line, also when
the line is in the file a ruleset extends. So mappings load as LDict and lists as LList, each knowing its
file and line and the line of every key or item; inheritance merges them without losing that.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

import config

RULESET_DIR = config.path("rulesets")
MEASUREMENTS_FILE = "measurements.yaml"   # the known measurement keys, not a ruleset


class SourceError(ValueError):
    """A ruleset file that cannot be read or merged; Chinese, naming the file and line."""


Where = tuple[str, int]      # (file, 1-based line)


class LDict(dict):
    """A YAML mapping with its position and the position of each key."""
    where: Where = ("", 0)
    key_where: dict

    def at(self, key: Any) -> Where:
        return getattr(self, "key_where", {}).get(key, self.where)


class LList(list):
    """A YAML sequence with its position and the position of each item."""
    where: Where = ("", 0)
    item_where: list

    def at(self, index: int) -> Where:
        items = getattr(self, "item_where", [])
        return items[index] if 0 <= index < len(items) else self.where


def where_of(node: Any, key: Any = None) -> Where | None:
    """The (file, line) of a node or of one of its keys/items, None when unknown."""
    if isinstance(node, (LDict, LList)):
        return node.at(key) if key is not None else node.where
    return None


def _loader_for(src: str):
    class Loader(yaml.SafeLoader):
        pass

    def mapping(loader, node):
        loader.flatten_mapping(node)
        out = LDict()
        out.where, out.key_where = (src, node.start_mark.line + 1), {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in out:
                raise SourceError(f"规则集文件 {src}：第 {line} 行：字段 {key} 重复"
                                  f"（第 {out.key_where[key][1]} 行已有）")
            out[key] = loader.construct_object(value_node, deep=True)
            out.key_where[key] = (src, line)
        return out

    def sequence(loader, node):
        out = LList(loader.construct_object(n, deep=True) for n in node.value)
        out.where = (src, node.start_mark.line + 1)
        out.item_where = [(src, n.start_mark.line + 1) for n in node.value]
        return out

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, sequence)
    return Loader


def bundled_rulesets() -> list[str]:
    return sorted(p.stem for p in RULESET_DIR.glob("*.yaml") if p.name != MEASUREMENTS_FILE)


def locate(name: str, relative_to: Path | None = None) -> Path | None:
    """A bundled ruleset name, or a file path (relative to the file that names it)."""
    if name in bundled_rulesets():
        return RULESET_DIR / f"{name}.yaml"
    path = Path(name)
    if not path.is_absolute() and relative_to is not None and (relative_to / path).is_file():
        return relative_to / path
    return path if path.is_file() else None


def read_yaml(path: Path) -> Any:
    src = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"规则集文件 {src}：无法读取（{exc}）") from exc
    try:
        return yaml.load(text, Loader=_loader_for(src))  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else 0
        raise SourceError(f"规则集文件 {src}：第 {line} 行：YAML 格式错误（{exc.problem}）") from exc
    except yaml.YAMLError as exc:
        raise SourceError(f"规则集文件 {src}：YAML 格式错误（{exc}）") from exc


def load_document(path: Path, chain: tuple[Path, ...] = ()) -> Any:
    """The file's mapping with every `extends:` parent merged under it."""
    data = read_yaml(path)
    if not isinstance(data, LDict) or "extends" not in data:
        return data
    parent_name = data["extends"]
    src, line = data.at("extends")
    chain = (*chain, path.resolve())
    if not isinstance(parent_name, str) or not parent_name.strip():
        raise SourceError(f"规则集文件 {src}：第 {line} 行：extends 应为规则集名称或文件路径")
    parent = locate(parent_name.strip(), path.parent)
    if parent is None:
        raise SourceError(f"规则集文件 {src}：第 {line} 行：extends 指向的规则集 {parent_name} 不存在"
                          f"（内置规则集：{'、'.join(bundled_rulesets())}）")
    if parent.resolve() in chain:
        loop = " → ".join(p.name for p in (*chain, parent.resolve()))
        raise SourceError(f"规则集文件 {src}：第 {line} 行：extends 形成循环（{loop}）")
    base = load_document(parent, chain)
    child = LDict((k, v) for k, v in data.items() if k != "extends")
    child.where, child.key_where = data.where, dict(data.key_where)
    return merge(base, child)


def merge(base: Any, child: Any) -> Any:
    """Child values override the parent's: mappings merge key by key (`key: null` deletes one),
    lists of rules merge by id (a new id is added, `remove: true` drops the parent's rule), any
    other list is replaced."""
    if isinstance(base, dict) and isinstance(child, dict):
        out = LDict(base)
        out.where = getattr(child, "where", getattr(base, "where", ("", 0)))
        out.key_where = {**getattr(base, "key_where", {}), **getattr(child, "key_where", {})}
        for key, value in child.items():
            if value is None and key in base:    # `key: null` in the child deletes the parent's key
                del out[key]
            else:
                out[key] = merge(base[key], value) if key in base else value
        return out
    if _id_list(base) and _id_list(child):
        by_id = {item["id"]: (item, child.at(i) if isinstance(child, LList) else ("", 0))
                 for i, item in enumerate(child)}
        out = LList()
        out.where, out.item_where = getattr(child, "where", ("", 0)), []
        for i, item in enumerate(base):
            if item["id"] in by_id:
                patch, at = by_id.pop(item["id"])
                if patch.get("remove") is True:
                    continue
                out.append(merge(item, patch))
                out.item_where.append(at)
            else:
                out.append(item)
                out.item_where.append(base.at(i) if isinstance(base, LList) else ("", 0))
        for patch, at in by_id.values():
            out.append(patch)
            out.item_where.append(at)
        return out
    return child


def _id_list(x: Any) -> bool:
    return isinstance(x, list) and all(isinstance(i, dict) and "id" in i for i in x)
