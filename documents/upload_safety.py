"""The gate every uploaded Word document passes before python-docx or any XML parser reads it.

python-docx opens zip bombs, macro-enabled documents and external templates without a word
(FIELD_NOTES). `check_docx` looks at the zip container and streams each part through a bounded
scan, so the importer only ever parses a plain, self-contained .docx. The checks never trust
declared sizes alone: every part is read with a cap, and XML parts are scanned, not parsed, except
the small package indexes ([Content_Types].xml and the .rels parts) once the scan found them clean.
"""

import codecs
import io
import itertools
import posixpath
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, fields
from urllib.parse import unquote

from lxml import etree

from models.errors import N_, ValidationError

MiB = 1 << 20
CHUNK = 256 * 1024
INDEX_PART_BYTES = 8 * MiB  # cap on [Content_Types].xml and each .rels part, which are parsed

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # password-protected .docx and old .doc
LOCAL_HEADER = b"PK\x03\x04"
CENTRAL_HEADER = b"PK\x01\x02"

WORD_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
OFFICE_DOCUMENT_PATH = "officeDocument/relationships/officeDocument"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
STRICT_NAMESPACE = "http://purl.oclc.org/ooxml/"
CONTENT_TYPES_ROOT = "{http://schemas.openxmlformats.org/package/2006/content-types}Types"
RELATIONSHIPS_ROOT = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationships"
RELATIONSHIP_TAG = RELATIONSHIPS_ROOT.removesuffix("s")
REQUIRED_ATTRIBUTES = {"Default": ("Extension", "ContentType"),
                       "Override": ("PartName", "ContentType"),
                       "Relationship": ("Id", "Type", "Target")}

# What zipfile (and zlib under it) may raise on hostile input; fuzzing found nothing else.
ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, struct.error, EOFError,
              OSError, RuntimeError, ValueError, NotImplementedError, OverflowError)

NOT_A_DOCX = N_("The file is not a Word document (.docx): it is damaged or of another type. "
                "Open it in Word, save it as Word Document (.docx) and upload it again.")
EMPTY = N_("The file is empty. Choose the Word document (.docx) again and upload it.")
TOO_LARGE = N_("The file is too large: %(size)s, the limit is %(limit)s. Make pictures smaller or "
               "split the document, then upload it again.")
WRONG_EXTENSION = N_("The file %(filename)s is not a Word document (.docx). Open it in Word, save "
                     "it as Word Document (.docx) and upload that.")
OLD_DOC = N_("The file %(filename)s is an old Word 97-2003 document (.doc). Open it in Word, save "
             "it as Word Document (.docx) and upload that.")
MACRO_EXTENSION = N_("The file %(filename)s is a macro-enabled document (.docm). Save it as Word "
                     "Document (.docx), without macros, and upload that.")
TEMPLATE_EXTENSION = N_("The file %(filename)s is a Word template, not a document. Create a "
                        "document from it, save that as Word Document (.docx) and upload it.")
PASSWORD_OR_OLD = N_("The file is password protected, or it is an old Word 97-2003 document "
                     "(.doc). Remove the password (File > Info > Protect Document) or save it as "
                     "Word Document (.docx), then upload it again.")
ENCRYPTED_PART = N_("The file is password protected (its part %(part)s is encrypted). Remove the "
                    "password, save it as Word Document (.docx) and upload it again.")
TOO_MANY_PARTS = N_("The file is not a usual Word document: it holds more than %(limit)s parts. "
                    "Save it again from Word as Word Document (.docx) and upload the new copy.")
DUPLICATE_PART = N_("The file is damaged: it holds the part %(part)s twice. Open it in Word, save "
                    "it as Word Document (.docx) and upload it again.")
UNUSUAL_PACKING = N_("The file is not a Word document (.docx): its part %(part)s is packed in a "
                     "way Word never uses. Open it in Word, save it as Word Document (.docx) and "
                     "upload it again.")
UNPACKED_TOO_LARGE = N_("The file expands to %(size)s when unpacked, the limit is %(limit)s (a zip "
                        "bomb does this). Save the document again from Word, or split it, and "
                        "upload the new copy.")
RATIO_TOO_HIGH = N_("The file's part %(part)s expands to %(ratio)s times its packed size, more "
                    "than the %(limit)s a Word document ever needs (a zip bomb does this). Save "
                    "the document again from Word and upload the new copy.")
XML_PART_TOO_LARGE = N_("The file's part %(part)s is more than %(limit)s of text. Split the "
                        "document into smaller ones and upload them one by one.")
DAMAGED_PART = N_("The file is damaged: its part %(part)s cannot be read. Open it in Word, save "
                  "it as Word Document (.docx) and upload it again.")
NO_CONTENT_TYPES = N_("The file is not a Word document (.docx): it has no [Content_Types].xml "
                      "part. Open it in Word, save it as Word Document (.docx) and upload it "
                      "again.")
NO_MAIN_PART = N_("The file is not a Word document (.docx): it has no main document part "
                  "(word/document.xml). Open it in Word, save it as Word Document (.docx) and "
                  "upload it again.")
STRICT_DOCUMENT = N_("The file is saved as a Strict Open XML Document, which the portal cannot "
                     "read. Save it as Word Document (.docx) and upload it again.")
MACRO_ENABLED = N_("The file is a macro-enabled document (.docm) renamed to .docx. Save it as Word "
                   "Document (.docx), without macros, and upload that.")
TEMPLATE = N_("The file is a Word template (.dotx or .dotm) renamed to .docx. Create a document "
              "from it, save that as Word Document (.docx) and upload it.")
OTHER_MAIN_PART = N_("The file is not a Word document (.docx): its main part is %(content_type)s. "
                     "Open it in Word, save it as Word Document (.docx) and upload that.")
MACROS = N_("The file contains macros (%(part)s). Save it as Word Document (.docx), without "
            "macros, and upload that.")
EMBEDDED_OBJECT = N_("The file contains an embedded object (%(part)s). Delete the object or paste "
                     "it as a picture, save the document and upload it again.")
ACTIVEX = N_("The file contains an ActiveX control (%(part)s). Remove the control (Developer tab), "
             "save the document and upload it again.")
ALT_CHUNK = N_("The file contains content imported from another file (altChunk, in %(part)s), "
               "which the portal cannot read. Open it in Word, save it as Word Document (.docx) "
               "so Word merges that content in, and upload the new copy.")
DTD_DECLARATION = N_("The file's part %(part)s contains a DOCTYPE or ENTITY declaration, which "
                     "Word never writes (a known attack). Save the document again from Word and "
                     "upload the new copy.")
XML_ENCODING = N_("The file's part %(part)s uses a text encoding Word never writes. Save the "
                  "document again from Word and upload the new copy.")
EXTERNAL_TEMPLATE = N_("The file is attached to an outside template (%(target)s). Copy its "
                       "content into a new blank document (or attach the Normal template: "
                       "Developer > Document Template), save it as .docx and upload that.")
EXTERNAL_PICTURE = N_("The file shows a picture linked from outside the file (%(target)s). Insert "
                      "the picture itself (or break the link: File > Info > Edit Links to Files), "
                      "save the document and upload it again.")
EXTERNAL_LINK = N_("The file pulls in an outside file as %(kind)s (%(target)s); the portal accepts "
                   "only documents whose content is inside the file. Remove the link, save the "
                   "document and upload it again.")
MISSING_PART = N_("The file is damaged: %(part)s refers to the part %(target)s, which is not in "
                  "the file. Open it in Word, save it as Word Document (.docx) and upload it "
                  "again.")

# Relationship types (the last segment of the Type URI) and what refusing them says.
FORBIDDEN_RELATIONSHIPS = {
    "vbaproject": MACROS, "wordvbadata": MACROS, "keymapcustomizations": MACROS,
    "attachedtoolbars": MACROS, "oleobject": EMBEDDED_OBJECT, "package": EMBEDDED_OBJECT,
    "activex": ACTIVEX, "activexcontrolbinary": ACTIVEX, "control": ACTIVEX, "afchunk": ALT_CHUNK,
}
XML_ENCODINGS = {"utf-8": ("utf-8", "utf8"), "utf-16": ("utf-16", "utf-16le", "utf-16be", "utf16")}
ENCODING_DECLARATION = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
NOT_XML_PREFIXES = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, b"\x00\x00\x00<", b"<\x00\x00\x00",
                    b"\x00\x00<\x00", b"\x00<\x00\x00", b"\x4c\x6f\xa7\x94")  # UCS-4 and EBCDIC
TAG_ENDS = (b" ", b"\t", b"\r", b"\n", b"/", b">")
UTF16_PREFIXES = {codecs.BOM_UTF16_LE: "utf-16", codecs.BOM_UTF16_BE: "utf-16",
                  b"<\x00?\x00": "utf-16-le", b"\x00<\x00?": "utf-16-be"}


class UploadRejected(ValidationError):
    """The upload is not a plain, self-contained .docx; the message says what to do."""


def _positive(value) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError(f"upload limits must be positive, not {value!r}")
    return number


@dataclass(frozen=True)
class DocxLimits:
    """How large and how tightly packed an uploaded .docx may be."""

    max_bytes: int = 20 * MiB  # the upload as sent
    max_entries: int = 1000  # parts in the zip
    max_unpacked_bytes: int = 200 * MiB  # every part together, unpacked
    max_ratio: int = 100  # unpacked / packed size of one part...
    ratio_grace_bytes: int = 1 * MiB  # ...once it is larger than this (small parts pack tighter)
    max_xml_part_bytes: int = 32 * MiB  # one XML part unpacked: python-docx holds its whole tree

    def __post_init__(self):
        for field in fields(self):
            object.__setattr__(self, field.name, _positive(getattr(self, field.name)))

    @classmethod
    def from_config(cls, config: Mapping) -> "DocxLimits":
        """Return the defaults overridden by `DOCX_MAX_BYTES`, `DOCX_MAX_ENTRIES`, ... if set."""
        return cls(**{field.name: config[key] for field in fields(cls)
                      if (key := "DOCX_" + field.name.upper()) in config})


def check_docx(data: bytes, limits: DocxLimits = DocxLimits(), filename: str = "") -> None:
    """Refuse an upload that is not a plain, self-contained .docx, before any parser reads it."""
    _check_upload(data, limits, filename)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _Package(archive, limits).check()
    except ZIP_ERRORS as error:
        raise UploadRejected(NOT_A_DOCX) from error


def _check_upload(data: bytes, limits: DocxLimits, filename: str) -> None:
    """Check what can be told from the name and the raw bytes, before unzipping anything."""
    if filename:
        _check_extension(filename)
    if not data:
        raise UploadRejected(EMPTY)
    if len(data) > limits.max_bytes:
        raise UploadRejected(TOO_LARGE, size=_size(len(data)),
                             limit=_size(limits.max_bytes))
    if data.startswith(OLE_SIGNATURE):
        raise UploadRejected(PASSWORD_OR_OLD)
    if not data.startswith(LOCAL_HEADER):
        raise UploadRejected(NOT_A_DOCX)
    # Every central directory entry zipfile accepts starts with this signature: counting them
    # bounds the entries before zipfile builds an object for each one.
    if data.count(CENTRAL_HEADER) > limits.max_entries:
        raise UploadRejected(TOO_MANY_PARTS, limit=limits.max_entries)


def _check_extension(filename: str) -> None:
    extension = filename.rpartition(".")[2].lower() if "." in filename else ""
    shown = _shorten(filename)
    if extension == "docm":
        raise UploadRejected(MACRO_EXTENSION, filename=shown)
    if extension in ("dotx", "dotm"):
        raise UploadRejected(TEMPLATE_EXTENSION, filename=shown)
    if extension == "doc":
        raise UploadRejected(OLD_DOC, filename=shown)
    if extension != "docx":
        raise UploadRejected(WRONG_EXTENSION, filename=shown)


class _Package:
    """One opened upload: its parts, their content types and the unpacking budget left."""

    def __init__(self, archive: zipfile.ZipFile, limits: DocxLimits):
        self.archive = archive
        self.limits = limits
        self.infos = archive.infolist()
        self.names = {info.filename for info in self.infos}
        self.budget = limits.max_unpacked_bytes
        self.indexes: dict[str, bytes] = {}  # package indexes already read, by part name
        self.defaults: dict[str, str] = {}
        self.overrides: dict[str, str] = {}

    def check(self) -> None:
        """Run every check; the cheap ones on the zip directory come first."""
        self._check_entries()
        self._read_content_types()
        self._check_main_part()
        for info in self.infos:
            self._check_part_kind(info.filename)
        for info in self.infos:
            self._scan(info)
        for name, xml in self.indexes.items():
            if name != "[Content_Types].xml":
                self._check_relationships(name, xml)

    def _check_entries(self) -> None:
        if len(self.infos) > self.limits.max_entries:
            raise UploadRejected(TOO_MANY_PARTS, limit=self.limits.max_entries)
        if len(self.names) < len(self.infos):
            twice = Counter(info.filename for info in self.infos).most_common(1)[0][0]
            raise UploadRejected(DUPLICATE_PART, part=_shorten(twice))
        for info in self.infos:
            self._check_entry(info)
        declared = sum(info.file_size for info in self.infos)
        if declared > self.limits.max_unpacked_bytes:
            raise UploadRejected(UNPACKED_TOO_LARGE, size=_size(declared),
                                 limit=_size(self.limits.max_unpacked_bytes))

    def _check_entry(self, info: zipfile.ZipInfo) -> None:
        part = _shorten(info.filename)
        if info.flag_bits & 0x1:
            raise UploadRejected(ENCRYPTED_PART, part=part)
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise UploadRejected(UNUSUAL_PACKING, part=part)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > self.limits.ratio_grace_bytes and ratio > self.limits.max_ratio:
            raise UploadRejected(RATIO_TOO_HIGH, part=part, ratio=f"{ratio:,.0f}",
                                 limit=self.limits.max_ratio)

    def _read_content_types(self) -> None:
        if "[Content_Types].xml" not in self.names:
            raise UploadRejected(NO_CONTENT_TYPES)
        xml = self._index("[Content_Types].xml")
        for element in _elements("[Content_Types].xml", xml, CONTENT_TYPES_ROOT):
            name, content_type = etree.QName(element).localname, element.get("ContentType", "")
            if name == "Default":
                self.defaults[element.get("Extension", "").lower()] = content_type.lower()
            elif name == "Override":
                self.overrides[element.get("PartName", "").lower()] = content_type.lower()

    def content_type(self, name: str) -> str:
        """Return a part's content type as [Content_Types].xml gives it ("" if it gives none)."""
        override = self.overrides.get("/" + name.lower())
        if override is not None:
            return override
        return self.defaults.get(name.rpartition(".")[2].lower() if "." in name else "", "")

    def _check_main_part(self) -> None:
        if "_rels/.rels" not in self.names:
            raise UploadRejected(NO_MAIN_PART)
        package = _relationships("_rels/.rels", self._index("_rels/.rels"))
        if any(r.type == STRICT_NAMESPACE + OFFICE_DOCUMENT_PATH for r in package):
            raise UploadRejected(STRICT_DOCUMENT)
        # python-docx takes the one relationship of exactly this type, and fails on two.
        main = [r for r in package if r.type == OFFICE_DOCUMENT]
        target = _resolve("", main[0].target) if len(main) == 1 and not main[0].external else ""
        if not self._present(target):
            raise UploadRejected(NO_MAIN_PART)
        _check_main_content_type(self.content_type(self._present(target)))

    def _present(self, target: str) -> str:
        """Return the zip member a resolved relationship target names ("" if there is none)."""
        for name in (target, unquote(target)):
            if name in self.names:
                return name
        return ""

    def _check_part_kind(self, name: str) -> None:
        lowered, content_type = "/" + name.lower(), self.content_type(name)
        if (posixpath.basename(lowered) in ("vbaproject.bin", "vbadata.xml")
                or "vbaproject" in content_type or "macroenabled" in content_type):
            raise UploadRejected(MACROS, part=_shorten(name))
        if "/embeddings/" in lowered or "oleobject" in content_type:
            raise UploadRejected(EMBEDDED_OBJECT, part=_shorten(name))
        if "/activex/" in lowered or "activex" in content_type:
            raise UploadRejected(ACTIVEX, part=_shorten(name))

    def _is_xml(self, name: str, head: bytes) -> bool:
        lowered, content_type = name.lower(), self.content_type(name)
        # python-docx parses a part by its content type; the name and a leading "<" are
        # looked at too, to err on the side of scanning.
        return (lowered.endswith((".xml", ".rels")) or content_type.endswith("xml")
                or head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"))

    def _index(self, name: str) -> bytes:
        """Return a package index part, scanned clean, to be parsed."""
        if name not in self.indexes:
            self.indexes[name] = self._scan(self.archive.getinfo(name), keep=True)
        return self.indexes[name]

    def _scan(self, info: zipfile.ZipInfo, keep: bool = False) -> bytes:
        """Read a part within the budget, scan it if it is XML, and return it if it is an index."""
        if info.filename in self.indexes:
            return self.indexes[info.filename]
        keep = keep or info.filename.lower().endswith(".rels")
        chunks = self._read(info)
        head = next(chunks, b"")
        scan = _XmlScan(info.filename, head) if self._is_xml(info.filename, head) else None
        kept, size = [], 0
        for chunk in itertools.chain([head], chunks):
            size += len(chunk)
            if scan:
                self._check_xml_size(info, size, self.limits.max_xml_part_bytes)
                scan.feed(chunk)
            if keep:
                self._check_xml_size(info, size, INDEX_PART_BYTES)
                kept.append(chunk)
        if scan:
            scan.finish()
        if keep:
            self.indexes[info.filename] = b"".join(kept)
        return self.indexes.get(info.filename, b"")

    def _check_xml_size(self, info: zipfile.ZipInfo, size: int, limit: int) -> None:
        if max(size, info.file_size) > limit:
            raise UploadRejected(XML_PART_TOO_LARGE, part=_shorten(info.filename),
                                 limit=_size(limit))

    def _read(self, info: zipfile.ZipInfo) -> Iterator[bytes]:
        """Yield a part unpacked chunk by chunk, stopping at the budget whatever its header says."""
        with self.archive.open(info) as stream:
            while chunk := stream.read(CHUNK):
                self.budget -= len(chunk)
                if self.budget < 0:
                    limit = self.limits.max_unpacked_bytes
                    raise UploadRejected(UNPACKED_TOO_LARGE, size=_size(limit - self.budget),
                                         limit=_size(limit))
                yield chunk

    def _check_relationships(self, rels_name: str, xml: bytes) -> None:
        """Refuse outside targets, forbidden kinds, and targets missing from a part that exists."""
        source = _rels_source(rels_name)
        # python-docx reads the relationships of parts it loads only, and fails on a missing
        # target there; the .rels part of a part that does not exist is never read.
        loaded = source == "" or (source is not None and source in self.names)
        part = _shorten(source or rels_name)
        for relationship in _relationships(rels_name, xml):
            kind = relationship.type.rpartition("/")[2].lower()
            if relationship.external:
                _check_external(kind, relationship)
            elif kind in FORBIDDEN_RELATIONSHIPS:
                raise UploadRejected(FORBIDDEN_RELATIONSHIPS[kind], part=part)
            elif loaded and not self._present(_resolve(posixpath.dirname(source),
                                                        relationship.target)):
                raise UploadRejected(MISSING_PART, part=part,
                                     target=_shorten(relationship.target))


def _check_main_content_type(content_type: str) -> None:
    if content_type == WORD_DOCUMENT:
        return
    if "macroenabled" in content_type:
        raise UploadRejected(MACRO_ENABLED)
    if ".template." in content_type:
        raise UploadRejected(TEMPLATE)
    raise UploadRejected(OTHER_MAIN_PART, content_type=_shorten(content_type or "?"))


def _check_external(kind: str, relationship: "_Relationship") -> None:
    """Refuse an outside target unless it is a hyperlink, which nothing fetches on opening."""
    if kind == "hyperlink":
        return
    target = _shorten(relationship.target)
    if kind == "attachedtemplate":
        raise UploadRejected(EXTERNAL_TEMPLATE, target=target)
    if kind == "image":
        raise UploadRejected(EXTERNAL_PICTURE, target=target)
    raise UploadRejected(EXTERNAL_LINK, kind=_shorten(relationship.type.rpartition("/")[2]),
                         target=target)


class _XmlScan:
    """Find DTD declarations and altChunk elements in an XML part fed chunk by chunk.

    Markup is only ever `<!--`, `<![CDATA[` or a DTD declaration after `<!`, so any other `<!`
    is refused. Parts in UTF-16 are transcoded to UTF-8 first; other encodings are refused,
    because a scan for ASCII bytes cannot see into them.
    """

    AFTER = 16  # bytes a marker needs after its start to be told apart ("<![CDATA[", "altChunk>")

    def __init__(self, part: str, head: bytes):
        self.part = _shorten(part)
        self.tail = b""
        self.position = 0  # first byte of the tail not yet checked
        codec = _xml_codec(head, self.part)
        self.decoder = codecs.getincrementaldecoder(codec)() if codec else None

    def feed(self, chunk: bytes) -> None:
        """Scan the next chunk of the part."""
        self._scan(self._utf8(chunk, final=False), final=False)

    def finish(self) -> None:
        """Scan what is left at the end of the part."""
        self._scan(self._utf8(b"", final=True), final=True)

    def _utf8(self, chunk: bytes, final: bool) -> bytes:
        if self.decoder is None:
            return chunk
        try:
            return self.decoder.decode(chunk, final).encode()
        except UnicodeError as error:
            raise UploadRejected(DAMAGED_PART, part=self.part) from error

    def _scan(self, chunk: bytes, final: bool) -> None:
        buffer = self.tail + chunk
        stop = len(buffer) if final else len(buffer) - self.AFTER
        if stop <= self.position:
            self.tail = buffer
            return
        self._check(buffer, self.position, stop)
        cut = stop - 1  # keep one checked byte: altChunk needs the byte before it
        self.tail, self.position = buffer[cut:], 1

    def _check(self, buffer: bytes, start: int, stop: int) -> None:
        at = buffer.find(b"<!", start)
        while -1 < at < stop:
            if not buffer.startswith((b"<!--", b"<![CDATA["), at):
                raise UploadRejected(DTD_DECLARATION, part=self.part)
            at = buffer.find(b"<!", at + 2)
        at = buffer.find(b"altChunk", start)
        while -1 < at < stop:
            if buffer[at - 1:at] in (b"<", b":") and buffer[at + 8:at + 9] in TAG_ENDS:
                raise UploadRejected(ALT_CHUNK, part=self.part)
            at = buffer.find(b"altChunk", at + 1)


def _xml_codec(head: bytes, part: str) -> str | None:
    """Return the UTF-16 codec to transcode a part with, None for UTF-8; refuse any other."""
    if head.startswith(NOT_XML_PREFIXES):
        raise UploadRejected(XML_ENCODING, part=part)
    codec = next((c for prefix, c in UTF16_PREFIXES.items() if head.startswith(prefix)), None)
    start = head[:512].decode(codec, "replace").encode() if codec else head[:512]
    declared = ENCODING_DECLARATION.match(start.removeprefix(codecs.BOM_UTF8))
    family = "utf-16" if codec else "utf-8"
    name = declared.group(1).decode("ascii", "replace").lower() if declared else ""
    if name and name not in XML_ENCODINGS[family]:
        raise UploadRejected(XML_ENCODING, part=part)
    return codec


@dataclass(frozen=True)
class _Relationship:
    type: str
    target: str
    external: bool


def _relationships(part: str, xml: bytes) -> list[_Relationship]:
    """Return the relationships of a .rels part, refusing anything python-docx would misread."""
    elements = _elements(part, xml, RELATIONSHIPS_ROOT)[1:]
    if any(element.tag != RELATIONSHIP_TAG or element.get("TargetMode", "Internal")
           not in ("Internal", "External") for element in elements):
        raise UploadRejected(DAMAGED_PART, part=_shorten(part))
    return [_Relationship(element.get("Type"), element.get("Target"),
                          element.get("TargetMode") == "External") for element in elements]


def _elements(part: str, xml: bytes, root_tag: str) -> list[etree._Element]:
    """Parse a package index part scanned free of DTDs, with a parser that fetches nothing.

    The root and the attributes python-docx relies on are checked too, so that python-docx's
    package reader never meets an index it cannot read.
    """
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except (etree.XMLSyntaxError, ValueError) as error:
        raise UploadRejected(DAMAGED_PART, part=_shorten(part)) from error
    elements = [element for element in root.iter() if isinstance(element.tag, str)]
    if root.tag != root_tag or any(
            element.get(attribute) is None for element in elements
            for attribute in REQUIRED_ATTRIBUTES.get(etree.QName(element).localname, ())):
        raise UploadRejected(DAMAGED_PART, part=_shorten(part))
    return elements


def _rels_source(rels_name: str) -> str | None:
    """Return the part a .rels part describes: "" for the package, None if it names none."""
    folder, base = posixpath.split(rels_name)
    if posixpath.basename(folder) != "_rels" or not base.endswith(".rels"):
        return None
    return posixpath.join(posixpath.dirname(folder), base.removesuffix(".rels")).rstrip("/")


def _resolve(folder: str, target: str) -> str:
    """Return the zip member name a relationship target points at from a part in `folder`."""
    target = target.split("#", 1)[0]
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
    return posixpath.normpath(path).lstrip("/") if path else ""


def _size(size: int) -> str:
    return f"{size / MiB:,.1f} MB" if size >= MiB else f"{size / 1024:,.1f} KB"


def _shorten(text: str, length: int = 120) -> str:
    return text if len(text) <= length else text[:length - 1] + "…"
