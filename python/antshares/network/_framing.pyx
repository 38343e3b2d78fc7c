# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True
"""Message framing (format-1x §8), compiled: the twin of `_framing_py`, byte for byte and error for
error (the exception classes are the twin's own, so `except FramingError` catches both).

Frame: magic u32 LE, command (12 bytes, NUL-padded ASCII), payload length u32 LE, checksum (the
first 4 bytes of double SHA-256 of the payload), then the payload.
"""

from cpython.buffer cimport PyBUF_SIMPLE, PyBuffer_Release, PyObject_GetBuffer
from cpython.bytes cimport PyBytes_AS_STRING, PyBytes_FromStringAndSize
from cpython.unicode cimport PyUnicode_DecodeASCII
from libc.stdint cimport uint32_t
from libc.stdlib cimport free, realloc
from libc.string cimport memcmp, memcpy

from hashlib import sha256

from antshares.network._framing_py import (
    MAX_PAYLOAD,
    BadChecksum,
    BadCommand,
    BadMagic,
    FramingError,
    PayloadTooLarge,
)

HEADER_SIZE = 24
COMMAND_SIZE = 12

cdef enum:
    _HEADER_SIZE = 24
    _COMMAND_SIZE = 12
    # A pending payload buffer larger than this is freed once its frame is complete.
    _KEEP_BUFFER = 65536

cdef object _sha256 = sha256


cdef inline bytes _digest(object payload):
    return _sha256(_sha256(payload).digest()).digest()


cdef int _check_u32(str name, object value) except -1:
    if not isinstance(value, int):
        raise TypeError(f"{name} must be an int")
    if value < 0 or value > 0xFFFFFFFF:
        raise ValueError(f"{name} {value} is not a u32")
    return 0


cdef bytes _command_bytes(object command):
    cdef Py_ssize_t i
    if not isinstance(command, str):
        raise TypeError("command must be a str")
    cdef str text = <str>command
    cdef bint ok = 1 <= len(text) <= _COMMAND_SIZE
    if ok:
        for i in range(len(text)):
            if not 0x21 <= ord(text[i]) <= 0x7E:
                ok = False
                break
    if not ok:
        raise BadCommand(f"command {command!r} is not 1-12 printable ASCII characters")
    return text.encode("ascii")


cdef inline void _put_u32(unsigned char* p, uint32_t v) noexcept:
    p[0] = v & 0xFF
    p[1] = (v >> 8) & 0xFF
    p[2] = (v >> 16) & 0xFF
    p[3] = (v >> 24) & 0xFF


cdef inline uint32_t _get_u32(const unsigned char* p) noexcept:
    return p[0] | (<uint32_t>p[1] << 8) | (<uint32_t>p[2] << 16) | (<uint32_t>p[3] << 24)


def encode_message(magic, command, payload):
    """One frame: header (magic, command, length, checksum) then the payload."""
    _check_u32("magic", magic)
    cdef bytes cmd = _command_bytes(command)
    if not isinstance(payload, (bytes, bytearray, memoryview)):
        raise TypeError("payload must be bytes-like")
    cdef bytes data = payload if type(payload) is bytes else bytes(payload)
    cdef Py_ssize_t n = len(data)
    if n > MAX_PAYLOAD:
        raise PayloadTooLarge(f"payload of {n} bytes is over the {MAX_PAYLOAD}-byte cap")
    cdef bytes digest = _digest(data)
    cdef bytes out = PyBytes_FromStringAndSize(NULL, _HEADER_SIZE + n)
    cdef unsigned char* p = <unsigned char*>PyBytes_AS_STRING(out)
    _put_u32(p, <uint32_t>magic)
    memcpy(p + 4, PyBytes_AS_STRING(cmd), len(cmd))
    cdef Py_ssize_t i
    for i in range(4 + len(cmd), 16):
        p[i] = 0
    _put_u32(p + 16, <uint32_t>n)
    memcpy(p + 20, PyBytes_AS_STRING(digest), 4)
    memcpy(p + _HEADER_SIZE, PyBytes_AS_STRING(data), n)
    return out


cdef class FrameDecoder:
    """Incremental decoder: `feed` returns the messages completed by a chunk, in order.

    A partial frame is buffered (each byte is copied into the buffer at most once). The header is
    checked as soon as its 24 bytes are in: wrong magic, bad command or a declared length over
    `max_payload` raise before any of the payload is buffered. After any `FramingError` the decoder
    is closed and every later `feed` raises `FramingError`.
    """

    cdef uint32_t _magic
    cdef uint32_t _max_payload
    cdef unsigned char _hdr[_HEADER_SIZE]
    cdef Py_ssize_t _hdr_len
    cdef bint _have_header
    cdef str _command
    cdef Py_ssize_t _length
    cdef unsigned char _checksum[4]
    cdef unsigned char* _pbuf
    cdef Py_ssize_t _plen
    cdef Py_ssize_t _pcap
    cdef bint _closed

    def __cinit__(self):
        self._pbuf = NULL
        self._pcap = 0
        self._plen = 0
        self._hdr_len = 0
        self._have_header = False
        self._closed = False

    def __dealloc__(self):
        free(self._pbuf)

    def __init__(self, magic, max_payload=MAX_PAYLOAD):
        _check_u32("magic", magic)
        _check_u32("max_payload", max_payload)
        self._magic = magic
        self._max_payload = max_payload

    @property
    def magic(self):
        return self._magic

    @property
    def max_payload(self):
        return self._max_payload

    @property
    def closed(self):
        """True after a framing error: the connection is to be dropped."""
        return self._closed

    @property
    def buffered(self):
        """Bytes held of the frame not yet complete."""
        return self._plen if self._have_header else self._hdr_len

    cdef void _drop_buffer(self) noexcept:
        free(self._pbuf)
        self._pbuf = NULL
        self._pcap = 0
        self._plen = 0
        self._hdr_len = 0

    cdef int _header(self, const unsigned char* h) except -1:
        cdef uint32_t magic = _get_u32(h)
        if magic != self._magic:
            raise BadMagic(f"magic 0x{magic:08x}, expected 0x{self._magic:08x}")
        cdef Py_ssize_t end = 0, i
        while end < _COMMAND_SIZE and h[4 + end] != 0:
            end += 1
        cdef bint ok = end > 0
        for i in range(end):
            if not 0x21 <= h[4 + i] <= 0x7E:
                ok = False
        for i in range(end, _COMMAND_SIZE):
            if h[4 + i] != 0:
                ok = False
        if not ok:
            raw = PyBytes_FromStringAndSize(<const char*>(h + 4), _COMMAND_SIZE)
            raise BadCommand(f"command {raw!r} is not NUL-padded printable ASCII")
        name = PyUnicode_DecodeASCII(<const char*>(h + 4), end, NULL)
        cdef uint32_t length = _get_u32(h + 16)
        if length > self._max_payload:
            raise PayloadTooLarge(
                f"declared payload of {length} bytes is over {self._max_payload}"
            )
        self._command = name
        self._length = length
        memcpy(self._checksum, h + 20, 4)
        self._have_header = True
        return 0

    cdef int _reserve(self, Py_ssize_t need) except -1:
        cdef Py_ssize_t cap
        cdef unsigned char* grown
        if need <= self._pcap:
            return 0
        cap = max(need, 2 * self._pcap, 256)
        if cap > self._length:
            cap = self._length
        grown = <unsigned char*>realloc(self._pbuf, cap)
        if grown == NULL:
            raise MemoryError()
        self._pbuf = grown
        self._pcap = cap
        return 0

    def feed(self, data):
        """The messages (command, payload) completed by `data`, in order."""
        if self._closed:
            raise FramingError("the decoder is closed after a framing error")
        if type(data) is not bytes:
            data = memoryview(data).cast("B")
        cdef Py_buffer view
        PyObject_GetBuffer(data, &view, PyBUF_SIMPLE)
        try:
            return self._feed(<const unsigned char*>view.buf, view.len)
        except FramingError:
            self._closed = True
            self._drop_buffer()
            raise
        finally:
            PyBuffer_Release(&view)

    cdef list _feed(self, const unsigned char* p, Py_ssize_t n):
        cdef list out = []
        cdef Py_ssize_t off = 0, take, length
        cdef bytes payload
        while True:
            if not self._have_header:
                if self._hdr_len == 0 and n - off >= _HEADER_SIZE:
                    self._header(p + off)
                    off += _HEADER_SIZE
                else:
                    take = min(_HEADER_SIZE - self._hdr_len, n - off)
                    memcpy(self._hdr + self._hdr_len, p + off, take)
                    self._hdr_len += take
                    off += take
                    if self._hdr_len < _HEADER_SIZE:
                        break
                    self._hdr_len = 0
                    self._header(self._hdr)
            length = self._length
            if self._plen == 0 and n - off >= length:
                payload = PyBytes_FromStringAndSize(<const char*>(p + off), length)
                off += length
            else:
                take = min(length - self._plen, n - off)
                self._reserve(self._plen + take)
                memcpy(self._pbuf + self._plen, p + off, take)
                self._plen += take
                off += take
                if self._plen < length:
                    break
                payload = PyBytes_FromStringAndSize(<const char*>self._pbuf, length)
                self._plen = 0
                if self._pcap > _KEEP_BUFFER:
                    self._drop_buffer()
            if memcmp(PyBytes_AS_STRING(_digest(payload)), self._checksum, 4) != 0:
                raise BadChecksum(
                    f"bad checksum on a {self._command!r} payload of {length} bytes"
                )
            out.append((self._command, payload))
            self._have_header = False
        return out
