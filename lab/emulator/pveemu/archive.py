"""The emulator's backup archive stream ("drlab-vma").

Not Proxmox's VMA format -- DrPortal treats archives as opaque files -- but
it carries what a VMA carries (the VM config with vzdump's '#qmdump#map:'
lines, and every byte of every disk) and behaves like one where it matters:

* it is one stream piped through the real compressor (zstd/lzop/gzip), so the
  file on disk is a genuine .zst/.lzo/.gz and is produced at compressor speed;
* holes and all-zero 4 KiB blocks are not stored: a sparse disk backs up fast
  and restores sparse, byte for byte;
* every data record carries a CRC32 and the stream ends with a trailer, so a
  corrupt or truncated archive makes the restore fail.

Layout (integers big-endian):
  header : b'DRLABVMA' u32 version=1 u32 json_len  json
           json = {format, version, uuid, ctime, config, firewall,
                   devices: [{dev_id, devname, virtdev, size}]}
  record : b'B' u8 dev_id u64 offset u32 length u32 crc32(data)  data
  trailer: b'E' u32 records u64 data_bytes u32 crc32(json) b'DRLABEND'
"""

import errno
import json
import os
import struct
import time
import zlib

from .common import data_ranges

MAGIC = b'DRLABVMA'
END_MAGIC = b'DRLABEND'
VERSION = 1
HDR = struct.Struct('>8sII')
REC = struct.Struct('>BQII')          # after the 1-byte tag
TRAILER = struct.Struct('>IQI8s')     # after the 1-byte tag

CHUNK = 1 << 20
BLOCK = 4096
CLUSTER = 65536
ZERO_CHUNK = bytes(CHUNK)
ZERO_BLOCK = bytes(BLOCK)


class ArchiveWriteError(Exception):
    pass


class ArchiveFormatError(Exception):
    pass


class Throttle:
    """--bwlimit: keep the rate at or below the limit (KiB/s)."""

    def __init__(self, kib_per_s):
        self.rate = kib_per_s * 1024 if kib_per_s else 0
        self.start = time.monotonic()
        self.done = 0

    def account(self, nbytes):
        if not self.rate:
            return
        self.done += nbytes
        ahead = self.done / self.rate - (time.monotonic() - self.start)
        if ahead > 0:
            time.sleep(ahead)


def nonzero_runs(buf, length):
    """Yield (offset, length) of the runs of non-zero 4 KiB blocks in buf[:length]."""
    view = memoryview(buf)[:length]
    if length == CHUNK and view == ZERO_CHUNK:
        return
    run_start = None
    pos = 0
    while pos < length:
        blen = min(BLOCK, length - pos)
        if view[pos:pos + blen] == ZERO_BLOCK[:blen]:
            if run_start is not None:
                yield run_start, pos - run_start
                run_start = None
        elif run_start is None:
            run_start = pos
        pos += blen
    if run_start is not None:
        yield run_start, length - run_start


def _write_error(exc):
    if isinstance(exc, BrokenPipeError):
        return ArchiveWriteError('vma_queue_write: write error - Broken pipe')
    return ArchiveWriteError('vma_queue_write: write error - %s' % os.strerror(exc.errno or errno.EIO))


class ArchiveWriter:
    def __init__(self, out):
        """out: a binary file object (the compressor's stdin, a file or stdout)."""
        self.out = out
        self.records = 0
        self.data_bytes = 0
        self.hdr_crc = 0

    def _write(self, data):
        try:
            self.out.write(data)
        except OSError as e:
            raise _write_error(e)

    def header(self, meta):
        blob = json.dumps(meta, sort_keys=True).encode()
        self.hdr_crc = zlib.crc32(blob)
        self._write(HDR.pack(MAGIC, VERSION, len(blob)) + blob)

    def disk(self, dev_id, path, size, progress, throttle=None):
        """Stream one disk; progress(read_delta, zero_delta) is called per chunk."""
        buf = bytearray(CHUNK)
        view = memoryview(buf)
        fd = os.open(path, os.O_RDONLY)
        try:
            pos = 0
            for start, end in data_ranges(fd, size):
                if start > pos:
                    progress(start - pos, start - pos)      # a hole: zero data
                off = start
                while off < end:
                    n = os.preadv(fd, [view[:min(CHUNK, end - off)]], off)
                    if n <= 0:
                        break
                    zero = n
                    for roff, rlen in nonzero_runs(buf, n):
                        data = view[roff:roff + rlen]
                        self._write(b'B' + REC.pack(dev_id, off + roff, rlen, zlib.crc32(data)))
                        self._write(data)
                        self.records += 1
                        self.data_bytes += rlen
                        zero -= rlen
                    if throttle:
                        throttle.account(n)
                    progress(n, zero)
                    off += n
                pos = max(pos, end)
            if size > pos:
                progress(size - pos, size - pos)
        finally:
            os.close(fd)

    def finish(self):
        self._write(b'E' + TRAILER.pack(self.records, self.data_bytes, self.hdr_crc, END_MAGIC))
        try:
            self.out.flush()
        except OSError as e:
            raise _write_error(e)


def _read_exact(inp, n):
    data = b''
    while len(data) < n:
        more = inp.read(n - len(data))
        if not more:
            break
        data += more
    return data


def read_header(inp):
    raw = _read_exact(inp, HDR.size)
    if len(raw) < HDR.size:
        raise ArchiveFormatError('unable to read vma header - got %d bytes' % len(raw))
    magic, version, jlen = HDR.unpack(raw)
    if magic != MAGIC:
        raise ArchiveFormatError('not a vma file - wrong magic number')
    if version != VERSION:
        raise ArchiveFormatError('unsupported vma version %d' % version)
    blob = _read_exact(inp, jlen)
    if len(blob) < jlen:
        raise ArchiveFormatError('short vma header (%d < %d)' % (len(blob), jlen))
    try:
        meta = json.loads(blob)
    except ValueError:
        raise ArchiveFormatError('wrong vma header checksum')
    return meta, zlib.crc32(blob)


def read_records(inp, hdr_crc, write, throttle=None):
    """Read records up to the trailer, calling write(dev_id, offset, data) for each."""
    records = 0
    data_bytes = 0
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    while True:
        tag = inp.read(1)
        if not tag:
            raise ArchiveFormatError('short vma extent (unexpected end of archive)')
        if tag == b'B':
            raw = _read_exact(inp, REC.size)
            if len(raw) < REC.size:
                raise ArchiveFormatError('short vma extent (%d < %d)' % (len(raw), REC.size))
            dev_id, offset, length, crc = REC.unpack(raw)
            if length > CHUNK:
                raise ArchiveFormatError('wrong vma extent header (block size %d)' % length)
            got = 0
            while got < length:
                n = inp.readinto(view[got:length])
                if not n:
                    break
                got += n
            if got < length:
                raise ArchiveFormatError('short vma extent (%d < %d)' % (got, length))
            data = view[:length]
            if zlib.crc32(data) != crc:
                raise ArchiveFormatError('vma extent checksum mismatch (dev %d offset %d)' % (dev_id, offset))
            write(dev_id, offset, data)
            records += 1
            data_bytes += length
            if throttle:
                throttle.account(length)
        elif tag == b'E':
            raw = _read_exact(inp, TRAILER.size)
            if len(raw) < TRAILER.size:
                raise ArchiveFormatError('short vma trailer')
            count, nbytes, crc, magic = TRAILER.unpack(raw)
            if magic != END_MAGIC or count != records or nbytes != data_bytes or crc != hdr_crc:
                raise ArchiveFormatError('vma trailer mismatch (records %d/%d, bytes %d/%d)'
                                         % (records, count, data_bytes, nbytes))
            if inp.read(1):
                raise ArchiveFormatError('garbage after end of vma archive')
            return records, data_bytes
        else:
            raise ArchiveFormatError('wrong vma extent header (tag 0x%02x)' % tag[0])
