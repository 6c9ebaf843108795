#pragma once
#include <stddef.h>
#include <stdint.h>

// Poseidon over Goldilocks (t = 12). A state is 12 little-endian 64-bit words, inputs first and
// capacity last; words may be non-canonical (>= p) on input. Output: 4 canonical words.
void poseidon_hash(const uint64_t in[12], uint64_t out[4]);
void poseidon_hash_many(const uint64_t *in, uint64_t *out, size_t count);
// Neptune-style sparse partial rounds (spec 1.5); same output, kept for measurement.
void poseidon_hash_sparse(const uint64_t in[12], uint64_t out[4]);
