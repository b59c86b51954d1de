"""Read YAML into plain Python values while remembering the line of every key path.

PyYAML's composer gives nodes with marks; we construct scalars ourselves so that each value's
path (``("lifecycle", "transitions", 3, "target")``) maps to its 1-based line. Duplicate mapping
keys, which PyYAML would silently overwrite, are reported. Pure: only PyYAML.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

Path = tuple  # of str | int


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@dataclass
class Source:
    """A parsed YAML document: ``data`` and the line of each path; ``problems`` found while reading."""

    name: str
    data: object
    lines: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # (line, path, message)

    def line(self, path: Path) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)


def parse(text: str, name: str = "<string>") -> Source:
    """Parse ``text``; a YAML syntax error becomes a problem with its line, and ``data`` is None."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        src = Source(name, None)
        src.problems.append((line, (), f"YAML tidak dapat dibaca: {problem}"))
        return src
    finally:
        loader.dispose()
    src = Source(name, None)
    if node is None:
        src.problems.append((1, (), "berkas kosong"))
        return src
    src.data = _walk(node, (), src, loader)
    return src


def _walk(node, path: Path, src: Source, loader):
    src.lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        out: dict = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int)):
                src.problems.append((key_node.start_mark.line + 1, path, f"kunci tidak sah: {key!r}"))
                continue
            key = str(key)
            child = path + (key,)
            if key in out:
                src.problems.append((key_node.start_mark.line + 1, child, f"kunci '{key}' tertulis dua kali"))
                continue
            out[key] = _walk(value_node, child, src, loader)
            src.lines[child] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_walk(n, path + (i,), src, loader) for i, n in enumerate(node.value)]
    return loader.construct_object(node, deep=True)
