"""The raw archive: every response (status, headers, body) as a WARC record, so any week can
be re-analysed without crawling again. Files live under data/archive/<window>/ and are only
ever appended to; a record is addressed by (file relative to the archive root, offset).

Bodies are stored decoded, as Common Crawl does: the Content-Encoding, Content-Length and
Transfer-Encoding the server sent are kept under X-Crawler-* names, so a reader never tries
to un-gzip a body twice.
"""
from __future__ import annotations

import io
import os
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
                if record.http_headers is None:
                    raise ValueError(f"{file}@{offset}: torn record, no HTTP headers")
                headers = {k.lower(): v for k, v in record.http_headers.headers}
                status = int(record.http_headers.get_statuscode() or 0)
                body = record.content_stream().read()
                # warcio returns a record cut short (a crash or a full disk mid-write) as if
                # whole; the body length the writer recorded tells.
                expected = headers.get("content-length", "")
                if expected.isdigit() and len(body) != int(expected):
                    raise ValueError(f"{file}@{offset}: torn record, {len(body)} of "
                                     f"{expected} bytes")
                return ArchivedResponse(record.rec_headers.get_header("WARC-Target-URI"),
                                        status, headers, body)
        raise ValueError(f"{file}@{offset}: no WARC record there")

    def read_body(self, pointer) -> bytes:
        return self.read(pointer).body


class ArchiveError(OSError):
    """A record could not be written (disk full, I/O error): the fetch is recorded as an
    archive_error and the file holds no part of the record."""


class WarcFile:
    def __init__(self, root: Path, rel: str):
        self.root, self.rel = Path(root), rel
        self._fh = None

    def write(self, url: str, status: int, headers: dict, body: bytes, fetched_at: str) -> WarcPointer:
        """Append one response record; the pointer is returned only after the bytes are
        written, so state never points at a record a crash cut short. A failed write is undone
        (the file is cut back to where the record began) and raises ArchiveError."""
        # The record is built in memory and written with unbuffered writes: nothing is left in
        # a buffer that a later write or close would flush after a failed record.
        buffer = io.BytesIO()
        writer = WARCWriter(buffer, gzip=True)
        pairs = [(f"X-Crawler-{k}" if k.lower() in _RENAMED else k, v) for k, v in headers.items()]
        pairs.append(("Content-Length", str(len(body))))
        reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Unknown"
        http = StatusAndHeaders(f"{status} {reason}", pairs, protocol="HTTP/1.1")
        record = writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http,
            warc_headers_dict={"WARC-Date": fetched_at.replace("+00:00", "Z")})
        writer.write_record(record)
        data = buffer.getbuffer()
        try:
            if self._fh is None:
                path = self.root / self.rel
                path.parent.mkdir(parents=True, exist_ok=True)
                self._fh = open(path, "ab", buffering=0)
            offset = self._fh.seek(0, os.SEEK_END)
        except OSError as exc:
            raise ArchiveError(exc.errno, f"WARC {self.rel}: {exc.strerror or exc}") from exc
        try:
            written = 0
            while written < len(data):  # a raw write may take only part of the bytes
                written += self._fh.write(data[written:])
        except OSError as exc:
            # Fix (tests/hostile): a full disk left a torn gzip member at the end of the file,
            # which made every record after it unreadable from the start of the file.
            self._undo(offset)
            raise ArchiveError(exc.errno, f"WARC {self.rel}: {exc.strerror or exc}") from exc
        finally:
            data.release()
        return WarcPointer(self.rel, offset)

    def _undo(self, offset: int) -> None:
        """Cut the file back to `offset`; when even that fails, leave the file (its records up
        to `offset` are whole) and write later records to a new one."""
        try:
            self._fh.truncate(offset)
        except OSError:
            self.close()
            stem = self.rel[:-len(".warc.gz")].rsplit("-", 1)[0]  # folder/name, without the id
            self.rel = f"{stem}-{uuid.uuid4().hex[:12]}.warc.gz"

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
