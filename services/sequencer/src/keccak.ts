// The `keccak` package: the native Keccak binding (its prebuilt N-API addon, with a JS fallback).
// Block building hashes every header, both one-entry trie leaves and each log's bloom items, on
// the sequencer's hot path; the native hash costs a fraction of a pure-JS one.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createKeccak = require('keccak') as (algorithm: 'keccak256') => { update(data: Uint8Array): { digest(): Buffer } };

export function keccak256(data: Uint8Array): Buffer {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return createKeccak('keccak256').update(buf).digest();
}

/** 0x-prefixed lower-case hex (Buffer's native encoder). */
export function hex(b: Uint8Array): `0x${string}` {
  return `0x${Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')}`;
}
