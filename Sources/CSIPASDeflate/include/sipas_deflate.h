#ifndef SIPAS_DEFLATE_H
#define SIPAS_DEFLATE_H
#include <stddef.h>
#include <stdint.h>

/// The most bytes `sipas_deflate_raw` can write for `length` input bytes.
size_t sipas_deflate_bound(size_t length);

/// Raw DEFLATE (no zlib header), as a ZIP entry holds it. Returns the bytes written, or 0 on error.
size_t sipas_deflate_raw(const uint8_t *input, size_t length, uint8_t *output, size_t capacity, int level);

/// CRC-32 as ZIP uses it.
uint32_t sipas_crc32(const uint8_t *input, size_t length);
#endif
