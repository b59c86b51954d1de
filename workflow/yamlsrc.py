"""Read YAML into plain Python values while remembering the line of every key path.

PyYAML's composer gives nodes with marks; we build the values ourselves so that each value's
path (``("lifecycle", "transitions", 3, "target")``) maps to its 1-based line, and so that nothing
the file says is lost or silently changed:

- duplicate mapping keys, which PyYAML would silently overwrite, are reported;
- timestamps stay the text as written (``2023-09-30 23:59:59``): the loader reads dates itself,
  so an impossible date is a message at its line instead of PyYAML's exception;
- a scalar that YAML reads as something else than text (``1.10``, ``yes``) keeps its written form
  in ``Source.raw``, so messages can quote it and suggest quoting it;
- keys that are not text (``on:`` read as true, ``~:``), merge keys (``<<``), tags outside plain
  YAML, recursive aliases and alias bombs are problems, not crashes.

Pure: only PyYAML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

Path = tuple  # of str | int

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp")}
_TIMESTAMP = _TAG + "timestamp"
MAX_NODES = 200_000  # far above any real definition; stops an alias bomb from hanging the loader


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
    """A parsed YAML document: ``data``, the line of each path, the written text of each scalar
    that is not a string (``raw``), and ``problems`` found while reading. A value that has a
    problem of its own (an unsupported tag, a recursive alias) is None, its path in ``unusable``."""

    name: str
    data: object
    lines: dict = field(default_factory=dict)
    raw: dict = field(default_factory=dict)
    problems: list = field(default_factory=list)  # (line, path, message)
    unusable: set = field(default_factory=set)  # paths whose value is None because of a problem above

    def line(self, path: Path) -> int | None:
        """Line of ``path``, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def written(self, path: Path, value) -> str:
        """``value`` as it is written in the file at ``path``."""
        return self.raw.get(tuple(path), str(value))


def parse(text: str, name: str = "<string>") -> Source:
    """Parse ``text``; a YAML syntax error becomes a problem with its line, and ``data`` is None."""
    src = Source(name, None)
    loader = None
    try:
        loader = yaml.SafeLoader(text)  # already reads the text: a forbidden character raises here
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        src.problems.append((_error_line(exc, text), (), f"YAML tidak dapat dibaca: {_problem(exc)}"))
        return src
    except RecursionError:
        src.problems.append((1, (), "YAML tidak dapat dibaca: susunan bersarang terlalu dalam"))
        return src
    finally:
        if loader is not None:
            loader.dispose()
    if node is None or (node.tag == _TAG + "null" and isinstance(node, yaml.ScalarNode)):
        src.problems.append((1, (), "berkas kosong"))
        return src
    walker = _Walker(src, loader)
    try:
        src.data = walker.walk(node, ())
    except _TooLarge:
        src.data = None
        src.problems.append((1, (), f"YAML terlalu besar: lebih dari {MAX_NODES} nilai (alias berantai?)"))
    except RecursionError:
        src.data = None
        src.problems.append((1, (), "YAML tidak dapat dibaca: susunan bersarang terlalu dalam"))
    return src


def _error_line(exc: yaml.YAMLError, text: str) -> int | None:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if mark is not None:
        return mark.line + 1
    position = getattr(exc, "position", None)  # ReaderError: a character YAML does not allow
    return text[:position].count("\n") + 1 if isinstance(position, int) else None


# PyYAML's messages, said in Indonesian; the English original follows in brackets, for searching.
_SAID = (
    (r"mapping values are not allowed", "tanda ':' tidak boleh di sini; periksa indentasi, atau beri tanda "
                                        "kutip pada teks yang berisi ': '"),
    (r"found character '\\t'|found a tab character",
     "karakter tab tidak boleh dipakai; pakai spasi untuk indentasi"),
    (r"found character '(.+)' that cannot start",
     "karakter '{0}' tidak boleh mengawali nilai; beri tanda kutip"),
    (r"expected ',' or '(.)', but got '(.*)'", "diharapkan ',' atau '{0}' (kurung belum ditutup?), "
                                               "tetapi ditemukan '{1}'"),
    (r"found unexpected end of stream", "berkas berakhir sebelum tanda kutip ditutup"),
    (r"found unknown escape character '(.*)'",
     "karakter escape '\\{0}' tidak dikenal dalam teks bertanda kutip"),
    (r"found undefined alias '(.*)'", "alias '*{0}' tidak dikenal: anchor '&{0}' belum ditulis"),
    (r"found duplicate anchor", "anchor yang sama ditulis dua kali"),
    (r"but found another document", "berkas berisi lebih dari satu dokumen YAML (pemisah '---')"),
    (r"unacceptable character #x(\w+)", "berkas berisi karakter yang tidak diizinkan (#x{0})"),
    (r"expected <block end>, but found", "indentasi tidak konsisten: kunci atau butir daftar tidak sejajar"),
    (r"expected '<document start>'", "indentasi tidak konsisten di tingkat teratas berkas"),
    (r"expected the node content, but found '(.*)'", "nilai yang diharapkan tidak ada; ditemukan '{0}'"),
    (r"block sequence entries are not allowed", "butir daftar ('- ') tidak boleh di sini; periksa indentasi"),
    (r"could not find expected ':'", "tanda ':' yang diharapkan tidak ditemukan"),
    (r"found undefined tag handle", "tag YAML tidak dikenal"),
    (r"expected alphabetic or numeric character", "nama anchor atau alias harus berupa huruf atau angka"),
)


def _problem(exc: yaml.YAMLError) -> str:
    english = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    if context and context.startswith("found"):  # e.g. "found duplicate anchor 'x'; first occurrence"
        english = context.split(";")[0]
    for pattern, said in _SAID:
        m = re.search(pattern, str(exc))
        if m:
            return f"{said.format(*m.groups())} ({english})"
    return english


def _short(tag: str) -> str:
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


class _TooLarge(Exception):
    pass


class _Walker:
    def __init__(self, src: Source, loader: yaml.SafeLoader):
        self.src = src
        self.loader = loader
        self.active: set[int] = set()  # ids of the collection nodes being walked, to catch `&a [*a]`
        self.count = 0

    def problem(self, node, path: Path, message: str) -> None:
        self.src.problems.append((node.start_mark.line + 1, path, message))

    def unusable(self, node, path: Path, message: str) -> None:
        self.problem(node, path, message)
        self.src.unusable.add(path)

    def walk(self, node, path: Path):
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooLarge
        self.src.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, path)
        if id(node) in self.active:
            return self.unusable(node, path, "alias merujuk ke dirinya sendiri (berulang tanpa akhir)")
        if node.tag not in (_TAG + "map", _TAG + "seq"):
            return self.unusable(node, path, f"tag YAML '{_short(node.tag)}' tidak didukung")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.mapping(node, path)
            return [self.walk(n, path + (i,)) for i, n in enumerate(node.value)]
        finally:
            self.active.discard(id(node))

    def mapping(self, node, path: Path) -> dict:
        out: dict = {}
        for key_node, value_node in node.value:
            key = self.key(key_node, path)
            if key is None:
                continue
            child = path + (key,)
            if key in out:
                self.problem(key_node, child, f"kunci '{key}' tertulis dua kali")
                continue
            out[key] = self.walk(value_node, child)
            self.src.lines[child] = key_node.start_mark.line + 1
        return out

    def key(self, node, path: Path) -> str | None:
        """The key as text, or None (with a problem) for a key that cannot name anything."""
        if node.tag == _TAG + "merge":
            self.problem(node, path, "penggabungan YAML '<<' tidak didukung; tulis kuncinya satu per satu")
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.problem(node, path, "kunci tidak sah: kunci harus berupa teks, bukan daftar atau pemetaan")
            return None
        value, wrong = self.construct(node)
        if wrong:
            self.problem(node, path, wrong)
            return None
        if isinstance(value, bool):
            self.problem(node, path + (node.value,), f"kunci '{node.value}' dibaca YAML sebagai nilai "
                                                     f"benar/salah; tulis dengan tanda kutip: '{node.value}'")
            return None
        if value is None:
            self.problem(node, path, "kunci tidak sah: None (kunci kosong atau '~')")
            return None
        # A number key is kept as written: `1.10:` names "1.10", not "1.1".
        key = value if isinstance(value, str) else node.value
        if not key.strip():
            self.problem(node, path, "kunci tidak boleh kosong")
            return None
        return key

    def scalar(self, node, path: Path):
        value, wrong = self.construct(node)
        if wrong:
            return self.unusable(node, path, wrong)
        if not isinstance(value, str) and value is not None:
            self.src.raw[path] = node.value
        return value

    def construct(self, node) -> tuple[object, str | None]:
        """``(value, None)``, or ``(None, message)`` for a scalar YAML cannot give us."""
        if node.tag not in _SCALAR_TAGS:
            return None, f"tag YAML '{_short(node.tag)}' tidak didukung"
        if node.tag == _TIMESTAMP:
            return node.value, None
        try:
            return self.loader.construct_object(node, deep=True), None
        except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError, OverflowError):
            shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
            return None, f"nilai '{shown}' tidak sesuai dengan tag {_short(node.tag)}"
