// Scalar Goldilocks Poseidon. Values stay in [0, 2^64) (not necessarily < p) between operations
// and are made canonical only on output, which saves a compare per operation.
#include "poseidon.h"
#include "constants.h"

typedef unsigned __int128 u128;
#define EPSILON 0xffffffffULL /* 2^64 mod p */
#define P_GL 0xffffffff00000001ULL

// 2^64 = EPSILON and 2^96 = -1 (mod p), so hi*2^64 = hl*EPSILON - hh. Branch-free: the borrow and
// carry depend on the data and would mispredict about half the time.
static inline uint64_t reduce128(u128 x) {
  uint64_t lo = (uint64_t)x, hi = (uint64_t)(x >> 64);
  uint64_t hh = hi >> 32, hl = hi & EPSILON;
  uint64_t t0;
  uint64_t borrow = __builtin_sub_overflow(lo, hh, &t0);
  t0 -= EPSILON & (0 - borrow);
  uint64_t t1 = hl * EPSILON;
  uint64_t t2;
  uint64_t carry = __builtin_add_overflow(t0, t1, &t2);
  return t2 + (EPSILON & (0 - carry));
}

static inline uint64_t mulm(uint64_t a, uint64_t b) { return reduce128((u128)a * b); }

static inline uint64_t addm(uint64_t a, uint64_t b) {
  uint64_t t;
  uint64_t carry = __builtin_add_overflow(a, b, &t);
  return t + (EPSILON & (0 - carry));
}

static inline uint64_t canon(uint64_t x) { return x - (P_GL & (0 - (uint64_t)(x >= P_GL))); }

static inline uint64_t pow7(uint64_t x) {
  uint64_t x2 = mulm(x, x), x3 = mulm(x2, x), x4 = mulm(x2, x2);
  return mulm(x3, x4);
}

// MDS entries are below 64, so each output is summed on 32-bit halves in plain 64-bit integers
// (12 * 41 * 2^32 < 2^47 per half) and reduced once. Column-major so the compiler vectorises the
// twelve outputs of each column (vpmuludq on 32-bit halves).
#if defined(__AVX512F__)
#include <immintrin.h>
// Same sums with AVX-512: outputs 0..7 in one register, 8..11 in a 256-bit one; the final
// reduction of each 80-bit sum (sl + sh * 2^32) is done in the lanes too.
static inline __m512i reduce80_512(__m512i sl, __m512i sh) {
  const __m512i eps = _mm512_set1_epi64(EPSILON);
  __m512i shl = _mm512_slli_epi64(sh, 32);
  __m512i lo = _mm512_add_epi64(sl, shl);
  __mmask8 carry = _mm512_cmplt_epu64_mask(lo, shl);
  __m512i hi = _mm512_mask_add_epi64(_mm512_srli_epi64(sh, 32), carry, _mm512_srli_epi64(sh, 32), _mm512_set1_epi64(1));
  __m512i t = _mm512_mul_epu32(hi, eps); // hi < 2^17, so hi * EPSILON < 2^49
  __m512i r = _mm512_add_epi64(lo, t);
  __mmask8 wrap = _mm512_cmplt_epu64_mask(r, t);
  return _mm512_mask_add_epi64(r, wrap, r, eps);
}
static inline __m256i reduce80_256(__m256i sl, __m256i sh) {
  const __m256i eps = _mm256_set1_epi64x(EPSILON);
  __m256i shl = _mm256_slli_epi64(sh, 32);
  __m256i lo = _mm256_add_epi64(sl, shl);
  __mmask8 carry = _mm256_cmplt_epu64_mask(lo, shl);
  __m256i hi = _mm256_mask_add_epi64(_mm256_srli_epi64(sh, 32), carry, _mm256_srli_epi64(sh, 32), _mm256_set1_epi64x(1));
  __m256i t = _mm256_mul_epu32(hi, eps);
  __m256i r = _mm256_add_epi64(lo, t);
  __mmask8 wrap = _mm256_cmplt_epu64_mask(r, t);
  return _mm256_mask_add_epi64(r, wrap, r, eps);
}
static inline void mds(uint64_t s[12]) {
  __m512i sl0 = _mm512_setzero_si512(), sh0 = _mm512_setzero_si512();
  __m256i sl1 = _mm256_setzero_si256(), sh1 = _mm256_setzero_si256();
  for (int j = 0; j < 12; j++) {
    __m512i c0 = _mm512_loadu_si512((const void *)&MDS_COL[j][0]);
    __m256i c1 = _mm256_loadu_si256((const __m256i *)&MDS_COL[j][8]);
    __m512i x = _mm512_set1_epi64((long long)s[j]);
    __m512i xh = _mm512_srli_epi64(x, 32);
    sl0 = _mm512_add_epi64(sl0, _mm512_mul_epu32(c0, x));
    sh0 = _mm512_add_epi64(sh0, _mm512_mul_epu32(c0, xh));
    sl1 = _mm256_add_epi64(sl1, _mm256_mul_epu32(c1, _mm512_castsi512_si256(x)));
    sh1 = _mm256_add_epi64(sh1, _mm256_mul_epu32(c1, _mm512_castsi512_si256(xh)));
  }
  _mm512_storeu_si512((void *)s, reduce80_512(sl0, sh0));
  _mm256_storeu_si256((__m256i *)(s + 8), reduce80_256(sl1, sh1));
}
#else
static inline void mds(uint64_t s[12]) {
  uint64_t sl[12] = {0}, sh[12] = {0};
  for (int j = 0; j < 12; j++) {
    uint64_t lo = s[j] & 0xffffffffULL, hi = s[j] >> 32;
    for (int i = 0; i < 12; i++) {
      sl[i] += MDS_COL[j][i] * lo;
      sh[i] += MDS_COL[j][i] * hi;
    }
  }
  for (int i = 0; i < 12; i++) s[i] = reduce128((u128)sl[i] + ((u128)sh[i] << 32));
}
#endif

static inline void full_round(uint64_t s[12], int r) {
  for (int i = 0; i < 12; i++) s[i] = pow7(addm(s[i], RC[12 * r + i]));
  mds(s);
}

static inline void partial_round(uint64_t s[12], int r) {
  for (int i = 0; i < 12; i++) s[i] = addm(s[i], RC[12 * r + i]);
  s[0] = pow7(s[0]);
  mds(s);
}

void poseidon_hash(const uint64_t in[12], uint64_t out[4]) {
  uint64_t s[12];
  for (int i = 0; i < 12; i++) s[i] = in[i];
  for (int r = 0; r < 4; r++) full_round(s, r);
  for (int r = 4; r < 26; r++) partial_round(s, r);
  for (int r = 26; r < 30; r++) full_round(s, r);
  for (int i = 0; i < 4; i++) out[i] = canon(s[i]);
}

// Two independent permutations in lockstep: a partial round is one long dependency chain
// (S-box on s[0], then the MDS), so interleaving two states keeps the core busy.
static void poseidon_hash2(const uint64_t in0[12], const uint64_t in1[12], uint64_t out0[4], uint64_t out1[4]) {
  uint64_t a[12], b[12];
  for (int i = 0; i < 12; i++) a[i] = in0[i], b[i] = in1[i];
  for (int r = 0; r < 30; r++) {
    for (int i = 0; i < 12; i++) a[i] = addm(a[i], RC[12 * r + i]), b[i] = addm(b[i], RC[12 * r + i]);
    if (r < 4 || r >= 26) {
      for (int i = 0; i < 12; i++) a[i] = pow7(a[i]), b[i] = pow7(b[i]);
    } else {
      a[0] = pow7(a[0]);
      b[0] = pow7(b[0]);
    }
    mds(a);
    mds(b);
  }
  for (int i = 0; i < 4; i++) out0[i] = canon(a[i]), out1[i] = canon(b[i]);
}

void poseidon_hash_many(const uint64_t *in, uint64_t *out, size_t count) {
  size_t k = 0;
  for (; k + 1 < count; k += 2) poseidon_hash2(in + 12 * k, in + 12 * (k + 1), out + 4 * k, out + 4 * (k + 1));
  if (k < count) poseidon_hash(in + 12 * k, out + 4 * k);
}

// s = s x X with new[i] = sum_j X[j][i] * s[j], X a full 12x12 matrix of field elements.
static inline void mat_full(uint64_t s[12], const uint64_t *X) {
  uint64_t r[12];
  for (int i = 0; i < 12; i++) {
    // Each product is < 2^128; reduce before summing to stay inside 128 bits.
    uint64_t acc = 0;
    for (int j = 0; j < 12; j++) acc = addm(acc, mulm(X[12 * j + i], s[j]));
    r[i] = acc;
  }
  for (int i = 0; i < 12; i++) s[i] = r[i];
}

void poseidon_hash_sparse(const uint64_t in[12], uint64_t out[4]) {
  uint64_t s[12];
  for (int i = 0; i < 12; i++) s[i] = addm(in[i], OPT_C[i]);
  for (int r = 0; r < 3; r++) {
    for (int i = 0; i < 12; i++) s[i] = addm(pow7(s[i]), OPT_C[12 * (r + 1) + i]);
    mds(s); // OPT_M is the transpose of MDS, so s x M == MDS . s
  }
  for (int i = 0; i < 12; i++) s[i] = addm(pow7(s[i]), OPT_C[48 + i]);
  mat_full(s, OPT_P);
  for (int r = 0; r < 22; r++) {
    s[0] = addm(pow7(s[0]), OPT_C[60 + r]);
    const uint64_t *row = OPT_S + 23 * r;
    uint64_t t0 = 0;
    for (int j = 0; j < 12; j++) t0 = addm(t0, mulm(row[j], s[j]));
    for (int k = 1; k < 12; k++) s[k] = addm(s[k], mulm(s[0], row[11 + k]));
    s[0] = t0;
  }
  for (int r = 0; r < 3; r++) {
    for (int i = 0; i < 12; i++) s[i] = addm(pow7(s[i]), OPT_C[82 + 12 * r + i]);
    mds(s);
  }
  for (int i = 0; i < 12; i++) s[i] = pow7(s[i]);
  mds(s);
  for (int i = 0; i < 4; i++) out[i] = canon(s[i]);
}
