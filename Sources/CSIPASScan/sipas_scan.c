#include "sipas_scan.h"

#if defined(__SSE2__)
#include <emmintrin.h>

// 16 bytes at a time: compare with each special byte, OR, and take the sign bits. The sign bit is
// also set for every byte >= 0x80, which the scanner must see anyway.
static inline uint32_t special16(const uint8_t *p) {
    __m128i v = _mm_loadu_si128((const __m128i *)p);
    __m128i m = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(',')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\n'))),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_setzero_si128())));
    return (uint32_t)_mm_movemask_epi8(_mm_or_si128(m, v));
}
#endif

static inline int special_byte(uint8_t b) {
    return b == ',' || b == '\n' || b == '"' || b == 0 || b >= 0x80;
}

void sipas_mark_special_bytes(const uint8_t *data, size_t length, uint64_t *bits) {
    size_t i = 0;
#if defined(__SSE2__)
    for (; i + 64 <= length; i += 64) {
        uint64_t w = (uint64_t)special16(data + i)
                   | (uint64_t)special16(data + i + 16) << 16
                   | (uint64_t)special16(data + i + 32) << 32
                   | (uint64_t)special16(data + i + 48) << 48;
        bits[i / 64] = w;
    }
#endif
    for (; i < length; i += 64) {
        uint64_t w = 0;
        size_t end = length - i < 64 ? length - i : 64;
        for (size_t k = 0; k < end; k++) {
            if (special_byte(data[i + k])) w |= (uint64_t)1 << k;
        }
        bits[i / 64] = w;
    }
}
