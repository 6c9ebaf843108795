// The `keccak` package: a native Keccak binding (prebuilt N-API addon, JS fallback). Every hot
// path hashes through here (transaction hashes and signing hashes in the pool and the executor,
// block headers and blooms in the sequencer); the native hash costs a fraction of a pure-JS one.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const createKeccak = require('keccak') as (algorithm: 'keccak256') => { update(data: Buffer): { digest(): Buffer } };

export function keccak256(data: Uint8Array): Buffer {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return createKeccak('keccak256').update(buf).digest();
}
