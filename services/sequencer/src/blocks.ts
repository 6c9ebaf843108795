import { RLP } from '@ethereumjs/rlp';
import { decodeEthRawTx, fromHex, keccak256, toHex as hex, uintToBytes } from '@zkseq/batch';
import type { ProcessTxResponse } from '@zkseq/grpc';
import { h4ToHex } from '@zkseq/smt';
import type { Hex, StoredBlock, StoredLog, StoredTx } from '@zkseq/statedb';
import { romErrorName, Rom } from './outcomes';

/** Header gas limit of every fork-6 L2 block: the node's MaxCumulativeGasUsed. */
export const BLOCK_GAS_LIMIT = 30_000_000n;
const ZERO_HASH = new Uint8Array(32);
const ZERO_NONCE = new Uint8Array(8);
/** keccak256(rlp([])): a block without uncles. */
export const EMPTY_UNCLES_HASH = keccak256(RLP.encode([]));
/** Root of an empty Merkle-Patricia trie, keccak256(rlp("")). */
export const EMPTY_TRIE_ROOT = keccak256(RLP.encode(new Uint8Array(0)));

const q = (n: bigint | number): Hex => `0x${n.toString(16)}`;

/** The 2048-bit log bloom (Ethereum yellow paper 4.3.1): 3 bits per address and per topic. */
export function logsBloom(logs: readonly { address: string; topics: readonly Uint8Array[] }[]): Uint8Array {
  const bloom = new Uint8Array(256);
  const add = (item: Uint8Array) => {
    const h = keccak256(item);
    for (let i = 0; i < 6; i += 2) {
      const bit = ((h[i] << 8) | h[i + 1]) & 2047;
      bloom[255 - (bit >> 3)] |= 1 << (bit & 7);
    }
  };
  for (const l of logs) {
    add(fromHex(l.address));
    for (const t of l.topics) add(t);
  }
  return bloom;
}

/**
 * Root of a trie holding one entry at index 0 (a fork-6 block has exactly one tx and one receipt):
 * the root node is the leaf itself, [hex-prefix(key), value] with key rlp(0) = 0x80, so its path
 * encodes as 0x20 0x80; the node is always 32 bytes or more, so the root is its hash.
 */
export function singleEntryTrieRoot(value: Uint8Array): Uint8Array {
  return keccak256(RLP.encode([Uint8Array.of(0x20, 0x80), value]));
}

/**
 * A legacy (pre-Byzantium form) receipt as geth encodes it: [postState, cumulativeGasUsed, bloom,
 * logs]. The zkEVM node sets PostState to the tx's state root, which then takes the place of the
 * status in the encoding.
 */
export function encodeReceipt(postState: Uint8Array, gasUsed: bigint, bloom: Uint8Array, logs: readonly { address: string; topics: readonly Uint8Array[]; data: Uint8Array }[]): Uint8Array {
  return RLP.encode([postState, uintToBytes(gasUsed), bloom, logs.map((l) => [fromHex(l.address), [...l.topics], l.data])]);
}

export type HeaderFields = {
  parentHash: Uint8Array;
  coinbase: Uint8Array;
  stateRoot: Uint8Array;
  transactionsRoot: Uint8Array;
  receiptsRoot: Uint8Array;
  logsBloom: Uint8Array;
  number: bigint;
  gasLimit: bigint;
  gasUsed: bigint;
  timestamp: bigint;
  extraData: Uint8Array;
};

/** The 15 fields of a pre-London header: difficulty 0, no uncles, zero mix digest and nonce. */
export function encodeHeader(h: HeaderFields): Uint8Array {
  return RLP.encode([
    h.parentHash, EMPTY_UNCLES_HASH, h.coinbase, h.stateRoot, h.transactionsRoot, h.receiptsRoot, h.logsBloom,
    uintToBytes(0n), uintToBytes(h.number), uintToBytes(h.gasLimit), uintToBytes(h.gasUsed), uintToBytes(h.timestamp),
    h.extraData, ZERO_HASH, ZERO_NONCE,
  ]);
}

/** Length of an RLP list whose items take `payload` bytes. */
function listLength(payload: number): number {
  if (payload < 56) return 1 + payload;
  let lenBytes = 0;
  for (let n = payload; n > 0; n = Math.floor(n / 256)) lenBytes++;
  return 1 + lenBytes + payload;
}

/** geth's Block.Size(): the RLP length of [header, [tx], []]. */
export function blockSize(headerRlp: Uint8Array, rawTx: Uint8Array | null): number {
  const txs = rawTx ? listLength(rawTx.length) : listLength(0);
  return listLength(headerRlp.length + txs + 1);
}

export type BlockContext = {
  number: number;
  parentHash: Hex;
  batchNumber: number;
  /** Batch timestamp (seconds). */
  timestamp: number;
  coinbase: Hex;
};

export type BuiltBlock = { block: StoredBlock; tx: StoredTx };

/**
 * The L2 block, transaction and receipt records of one included transaction (zkevm-node
 * `state/transaction.go`): header stateRoot and receipt postState are the tx's root R2,
 * cumulativeGasUsed = gasUsed, transactionIndex 0.
 */
export function buildBlock(ctx: BlockContext, r: ProcessTxResponse): BuiltBlock {
  if (!r.stateRoot) throw new Error('an included transaction must have a state root');
  const stateRootHex = h4ToHex(r.stateRoot) as Hex;
  const stateRoot = fromHex(stateRootHex);
  const { tx, sig } = decodeEthRawTx(r.rlpTx);
  const bloom = logsBloom(r.logs);
  const receiptRlp = encodeReceipt(stateRoot, r.gasUsed, bloom, r.logs);
  const header: HeaderFields = {
    parentHash: fromHex(ctx.parentHash), coinbase: fromHex(ctx.coinbase), stateRoot, transactionsRoot: singleEntryTrieRoot(r.rlpTx),
    receiptsRoot: singleEntryTrieRoot(receiptRlp), logsBloom: bloom, number: BigInt(ctx.number), gasLimit: BLOCK_GAS_LIMIT, gasUsed: r.gasUsed,
    timestamp: BigInt(ctx.timestamp), extraData: new Uint8Array(0),
  };
  const headerRlp = encodeHeader(header);
  const hash = hex(keccak256(headerRlp));
  const txHash = hex(r.txHash);
  const bloomHex = hex(bloom);
  const logs: StoredLog[] = r.logs.map((l) => ({ address: l.address.toLowerCase() as Hex, topics: l.topics.map(hex), data: hex(l.data), logIndex: l.index }));
  const block: StoredBlock = {
    number: ctx.number, hash, parentHash: ctx.parentHash, stateRoot: stateRootHex, transactionsRoot: hex(header.transactionsRoot),
    receiptsRoot: hex(header.receiptsRoot), logsBloom: bloomHex, miner: ctx.coinbase, gasLimit: q(BLOCK_GAS_LIMIT), gasUsed: q(r.gasUsed),
    timestamp: ctx.timestamp, extraData: '0x', size: blockSize(headerRlp, r.rlpTx), batchNumber: ctx.batchNumber, transactions: [txHash],
  };
  const v = tx.chainId === null ? BigInt(sig.v) : BigInt(sig.v - 27) + 35n + 2n * tx.chainId;
  const stored: StoredTx = {
    hash: txHash, from: r.from.toLowerCase() as Hex, to: tx.to ? hex(tx.to) : null, nonce: q(tx.nonce), gasPrice: q(tx.gasPrice), gas: q(tx.gasLimit),
    value: q(tx.value), input: hex(tx.data), v: q(v), r: q(sig.r), s: q(sig.s), chainId: tx.chainId === null ? null : q(tx.chainId), raw: hex(r.rlpTx),
    effectivePercentage: r.effectivePercentage, blockNumber: ctx.number, blockHash: hash, batchNumber: ctx.batchNumber,
    receipt: {
      status: r.error === Rom.NoError ? 1 : 0, gasUsed: q(r.gasUsed), cumulativeGasUsed: q(r.gasUsed),
      contractAddress: r.createAddress ? (r.createAddress.toLowerCase() as Hex) : null, logs, logsBloom: bloomHex,
      effectiveGasPrice: q(r.effectiveGasPrice), romError: r.error === Rom.NoError ? null : romErrorName(r.error),
    },
  };
  return { block, tx: stored };
}

/** Block 0: the genesis state, no transactions. */
export function genesisBlock(stateRoot: Hex, timestamp: number, coinbase: Hex): StoredBlock {
  const header: HeaderFields = {
    parentHash: ZERO_HASH, coinbase: fromHex(coinbase), stateRoot: fromHex(stateRoot), transactionsRoot: EMPTY_TRIE_ROOT, receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: new Uint8Array(256), number: 0n, gasLimit: BLOCK_GAS_LIMIT, gasUsed: 0n, timestamp: BigInt(timestamp), extraData: new Uint8Array(0),
  };
  const headerRlp = encodeHeader(header);
  return {
    number: 0, hash: hex(keccak256(headerRlp)), parentHash: hex(ZERO_HASH), stateRoot, transactionsRoot: hex(EMPTY_TRIE_ROOT), receiptsRoot: hex(EMPTY_TRIE_ROOT),
    logsBloom: hex(header.logsBloom), miner: coinbase, gasLimit: q(BLOCK_GAS_LIMIT), gasUsed: '0x0', timestamp, extraData: '0x', size: blockSize(headerRlp, null),
    batchNumber: 0, transactions: [],
  };
}
