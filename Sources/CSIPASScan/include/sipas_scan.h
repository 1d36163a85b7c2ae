#ifndef SIPAS_SCAN_H
#define SIPAS_SCAN_H

#include <stddef.h>
#include <stdint.h>

/// Marks, one bit per byte, the bytes of `data[0..<length]` a CSV scanner must look at: the
/// delimiter ',', line feed, double quote, NUL, and every byte >= 0x80 (multi-byte UTF-8).
/// Bit i of `bits[i / 64]` is byte i; `bits` holds (length + 63) / 64 words.
void sipas_mark_special_bytes(const uint8_t *data, size_t length, uint64_t *bits);

#endif
