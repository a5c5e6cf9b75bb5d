"""The raw archive: every response (status, headers, body) as a WARC record, so any week can
be re-analysed without crawling again. Files live under data/archive/<window>/ and are only
ever appended to; a record is addressed by (file relative to the archive root, offset).

Bodies are stored decoded, as Common Crawl does: the Content-Encoding, Content-Length and
Transfer-Encoding the server sent are kept under X-Crawler-* names, so a reader never tries
to un-gzip a body twice.
"""
from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

_RENAMED = {"content-encoding", "content-length", "transfer-encoding"}


@dataclass(frozen=True)
class WarcPointer:
    file: str    # relative to the archive root
    offset: int  # of the record's first byte (its gzip member)


@dataclass(frozen=True)
class ArchivedResponse:
    url: str
    status: int
    headers: dict
    body: bytes


class WarcArchive:
    def __init__(self, root: Path):
        self.root = Path(root)

    def writer(self, folder: str, name: str) -> "WarcFile":
        """A new file for one writer (one source's crawl in one process): never shared, so no
        locking; a new name each time, so a resumed crawl never appends to a torn file."""
        rel = f"{folder}/{name}-{uuid.uuid4().hex[:12]}.warc.gz"
        return WarcFile(self.root, rel)

    def read(self, pointer: WarcPointer | tuple[str, int]) -> ArchivedResponse:
        file, offset = pointer if isinstance(pointer, tuple) else (pointer.file, pointer.offset)
        path = (self.root / file).resolve()
        if self.root.resolve() not in path.parents:
            raise ValueError(f"WARC path {file!r} is outside the archive")
        with open(path, "rb") as fh:
            fh.seek(offset)
            for record in ArchiveIterator(fh):
                if record.rec_type != "response":
                    raise ValueError(f"{file}@{offset}: a {record.rec_type} record, not a response")
                headers = {k.lower(): v for k, v in record.http_headers.headers}
                status = int(record.http_headers.get_statuscode() or 0)
                return ArchivedResponse(record.rec_headers.get_header("WARC-Target-URI"),
                                        status, headers, record.content_stream().read())
        raise ValueError(f"{file}@{offset}: no WARC record there")

    def read_body(self, pointer) -> bytes:
        return self.read(pointer).body


class WarcFile:
    def __init__(self, root: Path, rel: str):
        self.root, self.rel = Path(root), rel
        self._fh = None

    def write(self, url: str, status: int, headers: dict, body: bytes, fetched_at: str) -> WarcPointer:
        """Append one response record; the pointer is returned only after the bytes are
        flushed, so state never points at a record a crash cut short."""
        if self._fh is None:
            path = self.root / self.rel
            path.parent.mkdir(parents=True, exist_ok=True)
            self._fh = open(path, "ab")
            self._writer = WARCWriter(self._fh, gzip=True)
        pairs = [(f"X-Crawler-{k}" if k.lower() in _RENAMED else k, v) for k, v in headers.items()]
        pairs.append(("Content-Length", str(len(body))))
        reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Unknown"
        http = StatusAndHeaders(f"{status} {reason}", pairs, protocol="HTTP/1.1")
        record = self._writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http,
            warc_headers_dict={"WARC-Date": fetched_at.replace("+00:00", "Z")})
        offset = self._fh.tell()
        self._writer.write_record(record)
        self._fh.flush()
        return WarcPointer(self.rel, offset)

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
