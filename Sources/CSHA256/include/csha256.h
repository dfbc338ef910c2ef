#ifndef CSHA256_H
#define CSHA256_H

#include <stddef.h>
#include <stdint.h>

/// Whether this CPU has the x86 SHA extensions (SHA-NI) that csha256_blocks uses.
int csha256_available(void);

/// Compresses `blocks` 64-byte blocks of `data` into `state` (H0…H7) with the SHA-NI
/// instructions. Call only when csha256_available() returned 1.
void csha256_blocks(uint32_t state[8], const uint8_t *data, size_t blocks);

#endif
