import { CodedError, RpcErrorCode } from '@zkseq/errors';
import type { Hex } from '@zkseq/statedb';

/** Parameter parsing in Ethereum JSON-RPC conventions; every failure is an invalid-params error naming the argument. */
export function invalidParams(message: string, data?: unknown): CodedError {
  return new CodedError(RpcErrorCode.InvalidParams, message, data);
}

const QUANTITY_RE = /^0x(?:0|[1-9a-fA-F][0-9a-fA-F]*)$/;
const DATA_RE = /^0x(?:[0-9a-fA-F]{2})*$/;
const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const HASH_RE = /^0x[0-9a-fA-F]{64}$/;
const MAX_U256 = (1n << 256n) - 1n;

function describe(v: unknown): string {
  if (typeof v === 'string') return v.length > 80 ? `string of length ${v.length}` : JSON.stringify(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** Arguments of a call: at most `max`, positional only. */
export function args(params: unknown, max: number): unknown[] {
  if (params === undefined || params === null) return [];
  if (!Array.isArray(params)) throw invalidParams('non-array params are not supported');
  if (params.length > max) throw invalidParams(`too many arguments, want at most ${max}`);
  return params;
}

export function required<T>(parse: (v: unknown, name: string) => T, v: unknown, name: string): T {
  if (v === undefined) throw invalidParams(`missing value for required argument ${name}`);
  return parse(v, name);
}

export function quantity(v: unknown, name: string): bigint {
  if (typeof v !== 'string' || !QUANTITY_RE.test(v)) {
    throw invalidParams(`invalid argument ${name}: expected a 0x-prefixed hex quantity without leading zeros, got ${describe(v)}`);
  }
  if (v.length > 66) throw invalidParams(`invalid argument ${name}: hex number > 256 bits`);
  const n = BigInt(v);
  if (n > MAX_U256) throw invalidParams(`invalid argument ${name}: hex number > 256 bits`);
  return n;
}

/** A quantity that must fit a JS number (block numbers, gas). */
export function smallQuantity(v: unknown, name: string): number {
  const n = quantity(v, name);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw invalidParams(`invalid argument ${name}: ${v as string} is too large`);
  return Number(n);
}

export function data(v: unknown, name: string): Hex {
  if (typeof v !== 'string' || !DATA_RE.test(v)) throw invalidParams(`invalid argument ${name}: expected 0x-prefixed hex bytes, got ${describe(v)}`);
  return v.toLowerCase() as Hex;
}

export function address(v: unknown, name: string): Hex {
  if (typeof v !== 'string' || !ADDRESS_RE.test(v)) throw invalidParams(`invalid argument ${name}: expected a 0x-prefixed 20-byte address, got ${describe(v)}`);
  return v.toLowerCase() as Hex;
}

export function hash(v: unknown, name: string): Hex {
  if (typeof v !== 'string' || !HASH_RE.test(v)) throw invalidParams(`invalid argument ${name}: expected a 0x-prefixed 32-byte hash, got ${describe(v)}`);
  return v.toLowerCase() as Hex;
}

export function bool(v: unknown, name: string): boolean {
  if (typeof v !== 'boolean') throw invalidParams(`invalid argument ${name}: expected a boolean, got ${describe(v)}`);
  return v;
}

/** A 32-byte storage slot: any quantity or data up to 32 bytes (clients send both forms). */
export function slot(v: unknown, name: string): bigint {
  if (typeof v !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(v)) throw invalidParams(`invalid argument ${name}: expected a hex storage slot of at most 32 bytes, got ${describe(v)}`);
  return BigInt(v);
}

export type BlockTag = 'latest' | 'earliest' | 'pending' | 'safe' | 'finalized';

/** A block by tag, by number, or (EIP-1898) by hash. */
export type BlockRef = { tag: BlockTag } | { number: number } | { hash: Hex };

const TAGS: readonly string[] = ['latest', 'earliest', 'pending', 'safe', 'finalized'];

export function blockRef(v: unknown, name: string, allowHash = true): BlockRef {
  if (v === undefined || v === null) return { tag: 'latest' };
  if (typeof v === 'string') {
    if (TAGS.includes(v)) return { tag: v as BlockTag };
    return { number: smallQuantity(v, name) };
  }
  if (allowHash && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (o.blockHash !== undefined && o.blockNumber !== undefined) throw invalidParams(`invalid argument ${name}: give blockHash or blockNumber, not both`);
    if (o.blockHash !== undefined) return { hash: hash(o.blockHash, `${name}.blockHash`) };
    if (o.blockNumber !== undefined) return blockRef(o.blockNumber, `${name}.blockNumber`, false);
  }
  throw invalidParams(`invalid argument ${name}: expected a block number, tag or {blockHash}, got ${describe(v)}`);
}

export function object(v: unknown, name: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw invalidParams(`invalid argument ${name}: expected an object, got ${describe(v)}`);
  return v as Record<string, unknown>;
}

/** Optional field of an object argument. */
export function opt<T>(parse: (v: unknown, name: string) => T, o: Record<string, unknown>, key: string, name: string): T | undefined {
  return o[key] === undefined || o[key] === null ? undefined : parse(o[key], `${name}.${key}`);
}

export type LogFilterParams = {
  fromBlock?: BlockRef;
  toBlock?: BlockRef;
  blockHash?: Hex;
  addresses?: Hex[];
  topics?: (Hex[] | null)[];
};

export function logFilter(v: unknown, name: string): LogFilterParams {
  const o = object(v, name);
  const out: LogFilterParams = {};
  if (o.blockHash !== undefined && o.blockHash !== null) {
    if (o.fromBlock != null || o.toBlock != null) throw invalidParams(`invalid argument ${name}: blockHash excludes fromBlock/toBlock`);
    out.blockHash = hash(o.blockHash, `${name}.blockHash`);
  }
  if (o.fromBlock != null) out.fromBlock = blockRef(o.fromBlock, `${name}.fromBlock`, false);
  if (o.toBlock != null) out.toBlock = blockRef(o.toBlock, `${name}.toBlock`, false);
  if (o.address != null) {
    const list = Array.isArray(o.address) ? o.address : [o.address];
    out.addresses = list.map((a, i) => address(a, `${name}.address[${i}]`));
  }
  if (o.topics != null) {
    if (!Array.isArray(o.topics)) throw invalidParams(`invalid argument ${name}.topics: expected an array`);
    if (o.topics.length > 4) throw invalidParams(`invalid argument ${name}.topics: at most 4 positions`);
    out.topics = o.topics.map((t, i) => {
      if (t === null) return null;
      const alts = Array.isArray(t) ? t : [t];
      return alts.map((x, j) => hash(x, `${name}.topics[${i}][${j}]`));
    });
  }
  return out;
}
