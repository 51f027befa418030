"""Read a fact file: the only module that parses YAML.

YAML is composed into nodes with PyYAML's safe loader and turned into plain
Python data here, so that every value keeps its line and column, duplicate keys
are caught (PyYAML would silently keep the last one), no tag can construct a
Python object, and alias bombs and deep nesting stop with a clear message.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import stat
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .errors import FactFileError, Location, Problem, located
from .facts import FORBIDDEN_CHARACTERS, ENTITY_KINDS, FactFile, FactSet, RelationKind, character_name

MAX_BYTES = 20 * 1024 * 1024
MAX_NODES = 2_000_000
MAX_DEPTH = 64

_SCALAR_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:int",
    "tag:yaml.org,2002:float",
    "tag:yaml.org,2002:bool",
    "tag:yaml.org,2002:null",
    "tag:yaml.org,2002:timestamp",
}


class Marks(dict):
    """Value path -> (line, column), handed out as Locations (made only when asked for)."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file

    def __getitem__(self, key: tuple[Any, ...]) -> Location:
        line, column = dict.__getitem__(self, key)
        return Location(self.file, line, column)

    def get(self, key: tuple[Any, ...], default: Any = None) -> Any:
        return self[key] if key in self else default


class _Builder:
    """Builds plain data straight from the YAML event stream, recording where each value stands.

    One pass, no recursion: nesting depth, alias expansion, tags and duplicate keys are
    checked as the events arrive.
    """

    def __init__(self, file: str):
        self.file = file
        self.marks = Marks(file)
        self.nodes = 0
        self.resolver = yaml.resolver.Resolver()
        self.resolved: dict[str, str] = {}
        self.anchors: dict[str, tuple[Any, int]] = {}

    def where(self, event: yaml.Event) -> tuple[int, int]:
        return (event.start_mark.line + 1, event.start_mark.column + 1)

    def fail(self, event: yaml.Event, message: str, hint: str) -> FactFileError:
        return FactFileError(Problem(Location(self.file, *self.where(event)), message, hint))

    def count(self, event: yaml.Event, amount: int = 1) -> None:
        self.nodes += amount
        if self.nodes > MAX_NODES:
            raise self.fail(event, f"the document expands to more than {MAX_NODES:,} values",
                            "a fact file never needs that many; remove repeated YAML aliases (*name)")

    def run(self, events) -> Any:
        stack: list[list[Any]] = []  # [container, path, pending key, start event, anchor, nodes at start]
        root: list[Any] = []
        documents = 0

        def path_of_next() -> tuple[Any, ...]:
            if not stack:
                return ()
            container, path, key = stack[-1][0], stack[-1][1], stack[-1][2]
            return path + ((len(container),) if isinstance(container, list) else (key,))

        def emit(value: Any, event: yaml.Event) -> None:
            if not stack:
                root.append(value)
                return
            frame = stack[-1]
            container = frame[0]
            if isinstance(container, list):
                container.append(value)
            elif frame[2] is None:  # this value is a key
                if isinstance(value, (list, dict)) or (value is None and not getattr(event, "value", "")):
                    raise self.fail(event, "a key must be plain text", "write the key as a simple word")
                # a key is the text as written: 'yes:' is the key 'yes', '1:' the key '1'
                key = event.value if isinstance(event, yaml.ScalarEvent) else str(value)
                if key == "<<" and isinstance(event, yaml.ScalarEvent) and event.implicit[0]:
                    raise self.fail(event, "YAML merge keys ('<<') are not supported",
                                    "write the keys out in full (an alias may stand for a whole value)")
                if key in container:
                    first = self.marks.get(frame[1] + (key,))
                    where = f" (first at line {first.line})" if first else ""
                    raise self.fail(event, f"duplicate key '{key}'{where}",
                                    "YAML keeps only the last value; remove or rename one of them")
                self.marks[frame[1] + (key,)] = self.where(event)
                frame[2] = key
            else:
                container[frame[2]] = value
                frame[2] = None

        def is_key() -> bool:
            return bool(stack) and isinstance(stack[-1][0], dict) and stack[-1][2] is None

        for event in events:
            if isinstance(event, yaml.DocumentStartEvent):
                documents += 1
                if documents > 1:
                    raise self.fail(event, "the file holds more than one YAML document ('---')",
                                    "keep one document per fact file")
                continue
            if isinstance(event, (yaml.StreamStartEvent, yaml.StreamEndEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, yaml.AliasEvent):
                if event.anchor not in self.anchors:
                    raise self.fail(event, "YAML syntax error: an alias (*name) refers to an anchor (&name) that "
                                           "is not defined", "define the anchor first, or write the value out")
                value, size = self.anchors[event.anchor]
                self.count(event, size)
                if not is_key():
                    self.marks.setdefault(path_of_next(), self.where(event))
                emit(value, event)
            elif isinstance(event, yaml.ScalarEvent):
                if not is_key():
                    self.count(event)
                    self.marks.setdefault(path_of_next(), self.where(event))
                value = self.scalar(event)
                if event.anchor:
                    self.anchors[event.anchor] = (value, 1)
                emit(value, event)
            elif isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                self.count(event)
                mapping = isinstance(event, yaml.MappingStartEvent)
                tag = event.tag
                if tag is None or tag == "!":
                    tag = self.resolver.resolve(yaml.MappingNode if mapping else yaml.SequenceNode, None, event.implicit)
                if tag != ("tag:yaml.org,2002:map" if mapping else "tag:yaml.org,2002:seq"):
                    raise self.tag_error(event, tag)
                if is_key():
                    raise self.fail(event, "a key must be plain text", "write the key as a simple word")
                if len(stack) >= MAX_DEPTH:
                    raise self.fail(event, f"values are nested more than {MAX_DEPTH} levels deep",
                                    "a fact file is at most a few levels deep; check the brackets")
                path = path_of_next()
                self.marks.setdefault(path, self.where(event))
                stack.append([{} if mapping else [], path, None, event, event.anchor, self.nodes])
            elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                container, _, _, start, anchor, before = stack.pop()
                if anchor:
                    self.anchors[anchor] = (container, self.nodes - before + 1)
                emit(container, start)
        return root[0] if root else None

    def tag_error(self, event: yaml.Event, tag: str) -> FactFileError:
        tag = tag.replace("tag:yaml.org,2002:", "!!")
        return self.fail(event, f"the YAML tag {tag} is not allowed (tags are never executed)",
                         "remove the tag; write plain text, numbers, lists and mappings")

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:  # quoted or block text: always a string
                tag = "tag:yaml.org,2002:str"
            else:
                tag = self.resolved.get(event.value)
                if tag is None:
                    tag = resolve_plain(event.value)
                    self.resolved[event.value] = tag
        if tag not in _SCALAR_TAGS:
            raise self.tag_error(event, tag)
        if tag in ("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"):
            value = event.value
            forbidden = FORBIDDEN_CHARACTERS.search(value)
            if forbidden:
                char = forbidden.group()
                raise self.fail(event, f"the character {character_name(char)} is not allowed",
                                    "a fact file holds printable text; remove it (it may come from a '\\' "
                                    "escape in double quotes)")
            return value
        if resolve_plain(event.value) != tag:  # an explicit !!int, !!bool... on a value that is not one
            raise self.fail(event, f"'{event.value}' is not {_TAG_NAMES[tag]}",
                            "remove the tag and write the value plainly (put text in quotes)")
        if tag == "tag:yaml.org,2002:null":
            return None
        if tag == "tag:yaml.org,2002:bool":
            return event.value in ("true", "True", "TRUE")
        if tag == "tag:yaml.org,2002:int":
            if len(event.value) > 1000:  # Python refuses to convert over 4,300 digits; no figure needs 1,000
                raise self.fail(event, f"a number of {len(event.value.lstrip('+-')):,} digits",
                                "the largest figure quizgen prints is 10^15; write it in a larger unit")
            return int(event.value)
        return float(event.value.lower().replace(".inf", "inf").replace(".nan", "nan"))


# Plain (unquoted) values are read as the YAML 1.2 core schema reads them, with numbers narrowed to
# plain decimals: 'yes', 'no', 'on', 'off', '0476', '0x7B6', '1:30' and '=' are text, as they look;
# only true/false (and True, TRUE...) are booleans and only null, ~ and nothing are null.
_CORE = (
    (re.compile(r"^(?:null|Null|NULL|~|)$"), "tag:yaml.org,2002:null"),
    (re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), "tag:yaml.org,2002:bool"),
    (re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), "tag:yaml.org,2002:int"),
    (re.compile(r"^[-+]?(?:\.[0-9]+|(?:0|[1-9][0-9]*)\.[0-9]*)(?:[eE][-+]?[0-9]+)?$|^[-+]?(?:0|[1-9][0-9]*)[eE][-+]?[0-9]+$"
                r"|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"), "tag:yaml.org,2002:float"),
)


_TAG_NAMES = {"tag:yaml.org,2002:null": "null", "tag:yaml.org,2002:bool": "true or false",
              "tag:yaml.org,2002:int": "a whole number", "tag:yaml.org,2002:float": "a number"}


def resolve_plain(value: str) -> str:
    """The tag of a plain scalar: null, bool, int, float or (everything else) str."""
    for pattern, tag in _CORE:
        if pattern.match(value):
            return tag
    return "tag:yaml.org,2002:str"


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 fact file, turning every OS problem into a located error."""
    hint_path = "check the path; the default fact file is ./facts.yaml"
    if not path.exists():
        raise FactFileError(located(display, None, None, "file not found", hint_path))
    if path.is_dir():
        raise FactFileError(located(display, None, None, "is a directory, not a fact file",
                                    "name the YAML file inside it, e.g. facts.yaml"))
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise FactFileError(located(display, None, None,
                                        f"file is {size / 1e6:.0f} MB; the limit is {MAX_BYTES // 1_000_000} MB",
                                        "split the topic into several fact files"))
        data = path.read_bytes()
    except OSError as exc:
        raise FactFileError(located(display, None, None, f"cannot read: {exc.strerror}",
                                    "check the file's permissions")) from None
    return decode(data, display)


_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"),
              (b"\xff\xfe", "UTF-16"), (b"\xfe\xff", "UTF-16"))
# Files people give by mistake, known by their first bytes.
_KNOWN_BINARIES = ((b"%PDF-", "a PDF"), (b"PK\x03\x04", "a ZIP archive (a .docx, .xlsx or .odt is one)"),
                   (b"{\\rtf", "an RTF document"), (b"\xd0\xcf\x11\xe0", "an old Office document"))


def binary_kind(data: bytes) -> str | None:
    """'a PDF', 'a ZIP archive ...' for a file that is not text, or None."""
    for magic, name in _KNOWN_BINARIES:
        if data.startswith(magic):
            return name
    return None


def decode(data: bytes, display: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark is harmless: drop it
        data = data[3:]
    kind = binary_kind(data)
    if kind is not None:
        raise FactFileError(located(display, 1, 1, f"this is {kind}, not a YAML fact file",
                                    "give the path of the YAML fact file"))
    for bom, name in _WIDE_BOMS:
        if data.startswith(bom):
            raise FactFileError(located(display, 1, 1, f"file is saved as {name}, not UTF-8",
                                        "save it as UTF-8 (in Notepad: Save as, Encoding: UTF-8)"))
    if data[:8192].count(b"\x00") > 8:  # a stray NUL in text is reported with its line and column
        raise FactFileError(located(display, 1, 1, "file is binary, not YAML text",
                                    "give the path of the YAML fact file"))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        if b"\x00" in data[:8192]:
            raise FactFileError(located(display, 1, 1, "file is binary, not YAML text",
                                        "give the path of the YAML fact file")) from None
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise FactFileError(located(display, line, column, f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
                                    "save the file as UTF-8")) from None


MAX_SOURCE_BYTES = 5 * 1024 * 1024  # an article's text is tens of kilobytes; a book's is a few megabytes


def read_source_text(folder: Path, name: str, where: Location) -> str:
    """Read a source's text file, confined to the sources folder: a relative path with no '..',
    resolving (symbolic links included) inside the folder, a regular file under 5 MB, plain UTF-8."""
    quoted = repr(name)

    def refuse(message: str, hint: str) -> FactFileError:
        return FactFileError(Problem(where, f"source text {quoted} {message}", hint))

    inside = "text_file names a file inside the --sources folder, e.g. article.txt"
    relative = Path(name)
    if relative.is_absolute() or name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise refuse("is an absolute path", inside)
    if ".." in re.split(r"[\\/]", name):
        raise refuse("goes up out of the sources folder ('..')", inside)
    try:
        root = folder.resolve(strict=True)
        target = (folder / relative).resolve(strict=True)
    except FileNotFoundError:
        raise refuse(f"not found in {folder}", "check text_file, or point --sources at the right folder") from None
    except (OSError, RuntimeError) as exc:  # a symbolic-link loop, a permission problem
        raise refuse(f"cannot be opened: {getattr(exc, 'strerror', None) or exc}", inside) from None
    if target != root and root not in target.parents:
        raise refuse("leads outside the sources folder (through a symbolic link)", inside)
    try:
        info = target.stat()
    except OSError as exc:
        raise refuse(f"cannot be opened: {exc.strerror}", "check the file's permissions") from None
    if not stat.S_ISREG(info.st_mode):
        raise refuse("is not a regular file", "save the article's text as a .txt file and name that file")
    if info.st_size > MAX_SOURCE_BYTES:
        raise refuse(f"is {info.st_size / 1e6:.0f} MB; the limit is {MAX_SOURCE_BYTES // 1_000_000} MB",
                     "keep only the article's own text in the file")
    try:
        with open(target, "rb") as handle:
            data = handle.read(MAX_SOURCE_BYTES + 1)
    except OSError as exc:
        raise refuse(f"cannot be read: {exc.strerror}", "check the file's permissions") from None
    plain = "save the article's text as plain UTF-8 text (.txt) and name that file"
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    kind = binary_kind(data)
    if kind is not None:
        raise refuse(f"is {kind}; a source text must be plain UTF-8 text", plain)
    if b"\x00" in data:
        raise refuse("is binary; a source text must be plain UTF-8 text", plain)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line, column = before.count(b"\n") + 1, exc.start - (before.rfind(b"\n") + 1) + 1
        raise refuse(f"is not plain UTF-8 text (byte 0x{data[exc.start]:02x} at line {line}, column {column})",
                     plain) from None


_PLAIN = (
    ("expected <block end>, but found", "this line's indentation does not line up with the lines above it",
     "indent items of one list or mapping by the same number of spaces"),
    ("mapping values are not allowed", "a ': ' inside a value starts a mapping where none is allowed",
     "put the value in quotes when it contains ': '"),
    ("found unexpected end of stream", "a quote opened here is never closed",
     "close the quote, or remove it"),
    ("found undefined alias", "an alias (*name) refers to an anchor (&name) that is not defined",
     "define the anchor first, or write the value out"),
    ("could not find expected ':'", "a key on this line has no ':' after it", "write it as 'key: value'"),
    ("did not find expected key", "this line's indentation does not line up with the lines above it",
     "indent items of one mapping by the same number of spaces"),
    ("did not find expected '-' indicator", "this line's indentation does not line up with the lines above it",
     "indent items of one list or mapping by the same number of spaces"),
    ("found character that cannot start any token", "a character here cannot start a YAML value",
     "put the value in quotes"),
    ("found invalid Unicode character escape code", "a '\\u' or '\\U' escape here names no character "
     "(a lone surrogate, or beyond U+10FFFF)", "write the character itself, or remove the escape"),
)


def _syntax_problem(exc: yaml.MarkedYAMLError, display: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    if exc.context_mark is not None and "end of stream" in (exc.problem or ""):
        mark = exc.context_mark  # point at where the unclosed thing started
    line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
    problem = (exc.problem or "invalid YAML").strip()
    for needle, plain, hint in _PLAIN:
        if needle in problem:
            return Problem(Location(display, line, column), f"YAML syntax error: {plain}", hint)
    message = f"{exc.context.strip()}: {problem}" if exc.context else problem
    return Problem(Location(display, line, column), f"YAML syntax error: {message}",
                   "check indentation, colons and quotes on this line and the one before")


_FORBIDDEN_RAW = FORBIDDEN_CHARACTERS


def _position(text: str, index: int) -> tuple[int, int]:
    """Line and column of a character, counted as editors count them (only line feeds end lines)."""
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


def _check_characters(text: str, display: str) -> None:
    for match in _FORBIDDEN_RAW.finditer(text):
        char = match.group()
        if char == "\r" and text[match.start() + 1: match.start() + 2] == "\n":
            continue
        if char == "\r":  # a lone carriage return (old Mac line end): PyYAML counts it as a line
            raise FactFileError(located(display, *_position(text, match.start()),
                                        "a carriage return without a line feed ends a line here",
                                        "save the file with Unix (LF) or Windows (CRLF) line ends"))
        hint = ("editors do not show it as a line break; replace it with a space or a real line break"
                if char in "\u2028\u2029\x85" else "a fact file holds printable text; remove it")
        raise FactFileError(located(display, *_position(text, match.start()),
                                    f"the character {character_name(char)} is not allowed", hint))


def _tab_in_indentation(text: str, line: int | None) -> tuple[int, int] | None:
    """Where a tab stands in the indentation of the line a syntax error names (or the line before)."""
    if line is None:
        return None
    lines = text.split("\n")
    for number in (line, line - 1):
        if 1 <= number <= len(lines):
            content = lines[number - 1]
            indent = content[: len(content) - len(content.lstrip(" \t"))]
            if "\t" in indent:
                return number, indent.index("\t") + 1
    return None


def parse_yaml(text: str, display: str) -> tuple[Any, dict[tuple[Any, ...], Location]]:
    """Parse YAML text into plain data and a map from value paths to locations."""
    _check_characters(text, display)
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    builder = _Builder(display)
    try:
        data = builder.run(yaml.parse(text, Loader=loader))
    except yaml.MarkedYAMLError as exc:
        problem = _syntax_problem(exc, display)
        tab = _tab_in_indentation(text, problem.location.line) if "\t" in text else None
        if tab is not None:
            problem = located(display, *tab, "tab character in indentation",
                              "YAML indents with spaces only; replace the tab with spaces")
        raise FactFileError(problem) from None
    except yaml.YAMLError as exc:
        position = getattr(exc, "position", None)  # a reader error: only a character offset
        line, column = _position(text, position) if isinstance(position, int) else (None, None)
        raise FactFileError(located(display, line, column, f"YAML error: {getattr(exc, 'reason', None) or exc}",
                                    "check the file is YAML")) from None
    if data is None and not builder.nodes:
        raise FactFileError(located(display, 1, 1, "the file is empty",
                                    "start from the example in docs/facts-format.md"))
    return data, builder.marks


def _where(marks: dict[tuple[Any, ...], Location], data: Any, loc: tuple[Any, ...], display: str) -> tuple[Location, tuple[Any, ...]]:
    """Map a pydantic error location onto the closest recorded YAML location."""
    path: list[Any] = []
    current = data
    for part in loc:
        if isinstance(current, dict) and part in current:
            path.append(part)
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            path.append(part)
            current = current[part]
        elif isinstance(current, dict) and isinstance(part, str) and part not in current:
            # a missing key or a union branch name: stop at the parent
            path.append(part)
            break
    key = tuple(path)
    while key and key not in marks:
        key = key[:-1]
    return marks.get(key, Location(display, 1, 1)), tuple(path)


def _describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, int):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


_EXPECTED = {
    "string_type": "text",
    "int_type": "a whole number",
    "int_parsing": "a whole number",
    "float_type": "a number",
    "float_parsing": "a number",
    "bool_type": "true or false",
    "bool_parsing": "true or false",
    "list_type": "a list (lines starting with '- ')",
    "tuple_type": "a list (lines starting with '- ')",
    "dict_type": "a mapping (key: value lines)",
    "model_type": "a mapping (key: value lines)",
    "model_attributes_type": "a mapping (key: value lines)",
    "mapping_type": "a mapping (key: value lines)",
}


def _allowed_keys(model: type, loc: tuple[Any, ...]) -> list[str]:
    """The field names allowed at a location, found by walking the model's annotations."""
    from typing import get_args, get_origin

    from pydantic import BaseModel

    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return []
        field = current.model_fields.get(part)
        if field is None:
            return []
        annotation = field.annotation
        for _ in range(4):
            if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                break
            args = [a for a in get_args(annotation) if a is not type(None) and a is not Ellipsis]
            if get_origin(annotation) is not None and args:
                annotation = args[-1]
            else:
                break
        current = annotation
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def validation_problems(exc: ValidationError, data: Any, marks: dict[tuple[Any, ...], Location],
                        display: str, model: type, prefix: tuple[Any, ...] = ()) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[Any, ...]] = set()
    errors = exc.errors(include_url=False)
    extras = {(tuple(e["loc"][:-1]), str(e["loc"][-1])) for e in errors if e["type"] == "extra_forbidden"}
    typo_for_missing = {
        (parent, missing)
        for e in errors if e["type"] == "missing"
        for parent, missing in [(tuple(e["loc"][:-1]), str(e["loc"][-1]))]
        if any(p == parent and difflib.get_close_matches(extra, [missing], n=1) for p, extra in extras)
    }
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    # a list whose item failed is also reported 'too short' by pydantic: the item's own problem says it all
    inner = {tuple(e["loc"][:n]) for e in errors for n in range(len(e["loc"]))}
    errors = [e for e in errors if not (e["type"] == "too_short" and tuple(e["loc"]) in inner)]
    for error in errors:
        if error["type"] == "missing" and (tuple(error["loc"][:-1]), str(error["loc"][-1])) in typo_for_missing:
            continue
        loc = prefix + tuple(error["loc"])
        context = error.get("ctx") or {}
        if "at" in context:
            loc += (context["at"],)
        where, path = _where(marks, data, loc, display)
        kind = error["type"]
        name = ".".join(str(p) for p in path if not isinstance(p, int)) or "document"
        if path and isinstance(path[-1], int):
            field = f"{name} item {path[-1] + 1}"
        else:
            field = str(path[-1]) if path else name
        if "hint" in context:  # the model's own message and hint
            message = f"'{field}'{':' if context.get('colon') else ''} {context['message']}"
            hint = context["hint"]
        elif kind == "missing":
            message, hint = f"missing required key '{field}'", f"add '{field}:' here"
            if path == (field,):
                where = marks.get((), where)
        elif kind == "extra_forbidden":
            allowed = _allowed_keys(model, tuple(error["loc"]))
            close = difflib.get_close_matches(field, allowed, n=1)
            message = f"unknown key '{field}'"
            if close:
                hint = f"did you mean '{close[0]}'?"
            elif allowed:
                hint = "allowed keys here: " + ", ".join(allowed)
            else:
                hint = "remove it"
        elif kind in _EXPECTED:
            message = f"'{field}' should be {_EXPECTED[kind]}, not {_describe(error.get('input'))}"
            hint = "fix the value's type"
            if kind in ("int_type", "float_type") and isinstance(error.get("input"), str):
                hint = "write a plain decimal number such as 12 or 2.5 (0476, 0x7B6, 1:30 and yes are read as text)"
            elif kind == "bool_type" and isinstance(error.get("input"), str):
                hint = "write true or false (yes, no, on and off are read as text)"
            if kind in ("model_type", "dict_type", "model_attributes_type") and not path:
                message = f"the document should be a mapping of keys (format, topic, sources, ...), not {_describe(error.get('input'))}"
                hint = "start from the example in docs/facts-format.md"
        elif kind == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            message = f"'{field}' cannot be {error.get('input')!r}; expected {expected}"
            hint = "use one of the listed values"
            if field == "kind" and "person" in expected:
                hint = "entity kinds are: " + ", ".join(ENTITY_KINDS)
        elif kind == "string_pattern_mismatch":
            message = f"'{field}' has an invalid value {error.get('input')!r}"
            hint = "ids use lower-case letters, digits, '-', '_' and '.'"
        elif kind in ("too_short", "string_too_short"):
            message = f"'{field}' must not be empty"
            hint = "every fact needs at least one citation" if field == "citations" else f"give '{field}' a value"
        elif kind == "value_error":
            message = f"'{field}': {error['msg'].removeprefix('Value error, ')}"
            hint = "fix the value"
        elif kind in ("greater_than_equal", "greater_than"):
            message = f"'{field}' must not be negative"
            hint = "write the figure as a positive number"
        else:
            message = f"'{field}': {error['msg']}"
            hint = "fix the value"
        key = (where.line, where.column, message)
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(where, message, hint, code=kind))
    return problems


@lru_cache(maxsize=1)
def default_relations() -> dict[str, RelationKind]:
    """The shipped relation kinds (package data)."""
    text = resources.files("quizgen").joinpath("data/relations.yaml").read_text(encoding="utf-8")
    data, _ = parse_yaml(text, "quizgen/data/relations.yaml")
    return {name: RelationKind.model_validate(value) for name, value in data.items()}


def resolve_relations(file: FactFile, marks: dict[tuple[Any, ...], Location], display: str) -> tuple[dict[str, RelationKind], list[Problem]]:
    kinds = dict(default_relations())
    problems: list[Problem] = []
    for name, override in file.relations.items():
        base = kinds.get(name)
        merged: dict[str, Any] = base.model_dump() if base else {}
        for key, value in override.model_dump(exclude={"templates"}).items():
            if value is not None:
                merged[key] = value
        merged["templates"] = {**merged.get("templates", {}), **override.templates}
        missing = [k for k in ("family", "shape", "label") if k not in merged]
        if missing:
            problems.append(Problem(marks.get(("relations", name), Location(display)),
                                    f"new relation kind '{name}' needs {', '.join(missing)}",
                                    "give family (signing, backing, dates, roles, figures), shape "
                                    "(binary, role, event, quantity) and label"))
            continue
        try:
            kinds[name] = RelationKind.model_validate(merged)
        except ValidationError as exc:
            problems.extend(validation_problems(exc, {"relations": {name: merged}}, marks, display,
                                                RelationKind, prefix=("relations", name)))
    return kinds, problems


def load(path: str | Path, sources_dir: str | Path | None = None) -> FactSet:
    """Read and validate a fact file. Raises FactFileError with every problem found."""
    path = Path(path)
    display = str(path)
    raw = read_text(path, display)
    data, marks = parse_yaml(raw, display)
    if not isinstance(data, dict):
        raise FactFileError(located(display, 1, 1, f"the document should be a mapping of keys (format, topic, sources, ...), not {_describe(data)}",
                                    "start from the example in docs/facts-format.md"))
    try:
        file = FactFile.model_validate(data)
    except ValidationError as exc:
        raise FactFileError(validation_problems(exc, data, marks, display, FactFile)) from None
    kinds, problems = resolve_relations(file, marks, display)
    texts: dict[str, str] = {}
    if sources_dir is not None:
        folder = Path(sources_dir)
        if not folder.is_dir():
            raise FactFileError(located(str(folder), None, None, "sources folder not found",
                                        "--sources names the folder holding the sources' text files"))
        for index, source in enumerate(file.sources):
            if source.text_file is None:
                continue
            where = marks.get(("sources", index, "text_file"), Location(display))
            try:
                texts[source.id] = read_source_text(folder, source.text_file, where)
            except FactFileError as exc:
                problems.extend(exc.problems)
    if problems:
        raise FactFileError(problems)
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
    return FactSet(file=file, path=display, relation_kinds=kinds, marks=marks, source_texts=texts, digest=digest)
