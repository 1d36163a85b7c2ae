#ifndef SIPAS_SHA256_H
#define SIPAS_SHA256_H

#include <stddef.h>
#include <stdint.h>

/// Incremental SHA-256 (FIPS 180-4). The sampling method draws every random number from one
/// SHA-256 per frame row, so the compression uses the CPU's SHA extensions where it has them.
typedef struct {
    uint32_t state[8];
    uint64_t length;
    uint8_t buffer[64];
    size_t buffered;
} sipas_sha256_context;

void sipas_sha256_init(sipas_sha256_context *context);
void sipas_sha256_update(sipas_sha256_context *context, const uint8_t *data, size_t length);
void sipas_sha256_final(sipas_sha256_context *context, uint8_t digest[32]);

/// One-shot digest of `data[0..<length]`.
void sipas_sha256(const uint8_t *data, size_t length, uint8_t digest[32]);

/// 1 when the hardware path is in use (for benchmarks' reports).
int sipas_sha256_uses_hardware(void);

#endif
