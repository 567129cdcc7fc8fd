"""Reading untrusted XML exports: streamed, and any document type declaration refused.

A DTD is where entity bombs ("billion laughs", quadratic blow-up) and external entities (local files, URLs) come
from; Disqus and WordPress exports never carry one, so a file with one is refused outright instead of parsed with
its entities disabled. Expat is driven directly (public API, no new dependency) and the elements of one depth are
handed out as they complete, then dropped, so a 100k-comment export never sits in memory as one tree.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat

from moderation.archives.records import ArchiveError

BLOCK = 64 * 1024


class _Reader:
    """Expat callbacks building the elements of interest; completed ones wait in ``done`` with their line."""

    def __init__(self, depth: int, root: str) -> None:
        self.depth, self.root = depth, root
        self.builder = TreeBuilder()
        self.stack: list[Element] = []
        self.lines: list[int] = []
        self.done: list[tuple[Element, int]] = []
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self.parser.StartDoctypeDeclHandler = self._refuse_doctype
        self.parser.EntityDeclHandler = self._refuse_entity
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.CharacterDataHandler = self.builder.data
        self.parser.buffer_text = True

    def _refuse_doctype(self, *_: object) -> None:
        raise ArchiveError(f"line {self.parser.CurrentLineNumber}: a DOCTYPE (DTD) is not accepted in an export")

    def _refuse_entity(self, *_: object) -> None:
        raise ArchiveError(f"line {self.parser.CurrentLineNumber}: entity declarations are not accepted")

    def _start(self, name: str, attributes: dict[str, str]) -> None:
        if not self.stack and _clark(name) != self.root:
            raise ArchiveError(f"line {self.parser.CurrentLineNumber}: root element {_clark(name)}, not {self.root}")
        element = self.builder.start(_clark(name), {_clark(k): v for k, v in attributes.items()})
        self.stack.append(element)
        self.lines.append(self.parser.CurrentLineNumber)

    def _end(self, name: str) -> None:
        element = self.builder.end(_clark(name))
        self.stack.pop()
        line = self.lines.pop()
        if len(self.stack) == self.depth:
            self.done.append((element, line))
            if self.stack:
                self.stack[-1].remove(element)


def _clark(name: str) -> str:
    """Expat's "uri local" as ElementTree's "{uri}local"."""
    uri, _, local = name.rpartition(" ")
    return f"{{{uri}}}{local}" if uri else local


def elements_at(stream: BinaryIO, *, root: str, depth: int) -> Iterator[tuple[Element, int]]:
    """Every element ``depth`` levels below the root (which must be ``root``), complete, with its first line."""
    reader = _Reader(depth, root)
    try:
        while block := stream.read(BLOCK):
            reader.parser.Parse(block, False)
            yield from reader.done
            reader.done.clear()
        reader.parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise ArchiveError(f"line {exc.lineno}, column {exc.offset}: not well-formed XML ({exc})") from exc
    yield from reader.done


def child_text(element: Element, path: str, namespaces: dict[str, str]) -> str:
    """The stripped text of a child element ("" when absent)."""
    return (element.findtext(path, default="", namespaces=namespaces) or "").strip()
