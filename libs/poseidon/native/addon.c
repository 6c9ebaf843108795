// N-API binding: the kernel works directly on the caller's typed-array memory (no copies, no BigInt).
#include <node_api.h>
#include <string.h>
#include "poseidon.h"

#define CHECK(call) do { if ((call) != napi_ok) { napi_throw_error(env, NULL, "poseidon: napi call failed"); return NULL; } } while (0)

// Returns the byte pointer of a typed array argument, or NULL after throwing when it holds < need bytes.
static void *typed_bytes(napi_env env, napi_value v, size_t need, const char *what) {
  napi_typedarray_type type;
  size_t length;
  void *data;
  napi_value buffer;
  size_t offset;
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) {
    napi_throw_type_error(env, NULL, what);
    return NULL;
  }
  if (napi_get_typedarray_info(env, v, &type, &length, &data, &buffer, &offset) != napi_ok) return NULL;
  size_t elem = (type == napi_uint32_array || type == napi_int32_array) ? 4 : (type == napi_biguint64_array || type == napi_bigint64_array) ? 8 : 0;
  if (elem == 0 || length * elem < need || ((uintptr_t)data & 3) != 0) {
    napi_throw_range_error(env, NULL, what);
    return NULL;
  }
  return data;
}

typedef void (*hash_fn)(const uint64_t *, uint64_t *);

static napi_value call_one(napi_env env, napi_callback_info info, hash_fn fn) {
  size_t argc = 2;
  napi_value argv[2];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  void *in = typed_bytes(env, argv[0], 96, "input must be a Uint32Array/BigUint64Array of 12 field elements");
  if (!in) return NULL;
  void *out = typed_bytes(env, argv[1], 32, "output must be a Uint32Array/BigUint64Array of 4 field elements");
  if (!out) return NULL;
  uint64_t s[12], o[4];
  memcpy(s, in, sizeof s);
  fn(s, o);
  memcpy(out, o, sizeof o);
  return NULL;
}

static napi_value hash(napi_env env, napi_callback_info info) { return call_one(env, info, poseidon_hash); }
static napi_value hash_sparse(napi_env env, napi_callback_info info) { return call_one(env, info, poseidon_hash_sparse); }

// hashMany(inputs, outputs, count): inputs hold count * 12 words, outputs count * 4.
static napi_value hash_many(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  CHECK(napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  uint32_t count;
  if (napi_get_value_uint32(env, argv[2], &count) != napi_ok) {
    napi_throw_type_error(env, NULL, "count must be a non-negative integer");
    return NULL;
  }
  void *in = typed_bytes(env, argv[0], (size_t)count * 96, "inputs must hold count * 12 field elements");
  if (!in) return NULL;
  void *out = typed_bytes(env, argv[1], (size_t)count * 32, "outputs must hold count * 4 field elements");
  if (!out) return NULL;
  if (((uintptr_t)in & 7) == 0 && ((uintptr_t)out & 7) == 0) {
    poseidon_hash_many((const uint64_t *)in, (uint64_t *)out, count);
  } else {
    for (uint32_t k = 0; k < count; k++) {
      uint64_t s[12], o[4];
      memcpy(s, (const char *)in + 96 * (size_t)k, sizeof s);
      poseidon_hash(s, o);
      memcpy((char *)out + 32 * (size_t)k, o, sizeof o);
    }
  }
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"hash", NULL, hash, NULL, NULL, NULL, napi_default, NULL},
    {"hashMany", NULL, hash_many, NULL, NULL, NULL, napi_default, NULL},
    {"hashSparse", NULL, hash_sparse, NULL, NULL, NULL, napi_default, NULL},
  };
  CHECK(napi_define_properties(env, exports, sizeof props / sizeof props[0], props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
