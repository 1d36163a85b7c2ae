#include "sipas_deflate.h"
#include <string.h>
#include <zlib.h>

size_t sipas_deflate_bound(size_t length) {
    // deflateBound's formula for raw streams, with room for the final block.
    return length + (length >> 12) + (length >> 14) + (length >> 25) + 64;
}

size_t sipas_deflate_raw(const uint8_t *input, size_t length, uint8_t *output, size_t capacity, int level) {
    z_stream stream;
    memset(&stream, 0, sizeof stream);
    if (deflateInit2(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK) return 0;
    size_t written = 0;
    int status = Z_OK;
    // zlib counts in uInt: feed and drain in pieces so files over 4 GiB are not an issue.
    while (status == Z_OK) {
        if (stream.avail_in == 0 && length > 0) {
            uInt piece = length > (1u << 30) ? (1u << 30) : (uInt)length;
            stream.next_in = (Bytef *)input;
            stream.avail_in = piece;
            input += piece;
            length -= piece;
        }
        uInt room = (capacity - written) > (1u << 30) ? (1u << 30) : (uInt)(capacity - written);
        if (room == 0) { deflateEnd(&stream); return 0; }
        stream.next_out = output + written;
        stream.avail_out = room;
        status = deflate(&stream, length == 0 ? Z_FINISH : Z_NO_FLUSH);
        written += room - stream.avail_out;
    }
    deflateEnd(&stream);
    return status == Z_STREAM_END ? written : 0;
}

uint32_t sipas_crc32(const uint8_t *input, size_t length) {
    uLong crc = crc32(0L, Z_NULL, 0);
    while (length > 0) {
        uInt piece = length > (1u << 30) ? (1u << 30) : (uInt)length;
        crc = crc32(crc, input, piece);
        input += piece;
        length -= piece;
    }
    return (uint32_t)crc;
}
