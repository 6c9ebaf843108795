import { decodeEthRawTx } from '@zkseq/batch';
import type { PoolTx } from '@zkseq/pooldb';
import type { Batch, FoundLog, Hex, StoredBlock, StoredTx } from '@zkseq/statedb';

/** Ethereum JSON-RPC shapes of the stored records (hex quantities, fork 6: legacy txs, no base fee). */

export const hexQ = (n: number | bigint): Hex => `0x${n.toString(16)}`;

const ZERO_NONCE: Hex = '0x0000000000000000';
const ZERO_HASH: Hex = `0x${'0'.repeat(64)}`;
/** keccak256(rlp([])): no uncles. */
const EMPTY_UNCLES: Hex = '0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347';

export function blockHeader(b: StoredBlock) {
  return {
    number: hexQ(b.number),
    hash: b.hash,
    parentHash: b.parentHash,
    nonce: ZERO_NONCE,
    sha3Uncles: EMPTY_UNCLES,
    logsBloom: b.logsBloom,
    transactionsRoot: b.transactionsRoot,
    stateRoot: b.stateRoot,
    receiptsRoot: b.receiptsRoot,
    miner: b.miner,
    difficulty: '0x0',
    totalDifficulty: '0x0',
    extraData: b.extraData,
    size: hexQ(b.size),
    gasLimit: b.gasLimit,
    gasUsed: b.gasUsed,
    timestamp: hexQ(b.timestamp),
    mixHash: ZERO_HASH,
  };
}

/** A block with transaction hashes, or with full transactions when `txs` is given. */
export function block(b: StoredBlock, txs?: StoredTx[]) {
  return { ...blockHeader(b), transactions: txs ? txs.map(transaction) : b.transactions, uncles: [] };
}

export function transaction(t: StoredTx) {
  return {
    blockHash: t.blockHash,
    blockNumber: hexQ(t.blockNumber),
    from: t.from,
    gas: t.gas,
    gasPrice: t.gasPrice,
    hash: t.hash,
    input: t.input,
    nonce: t.nonce,
    to: t.to,
    transactionIndex: '0x0',
    value: t.value,
    type: '0x0',
    ...(t.chainId === null ? {} : { chainId: t.chainId }),
    // Stored in the Ethereum form (EIP-155 v for chain-id txs), as clients expect.
    v: t.v,
    r: t.r,
    s: t.s,
  };
}

/** A transaction still in the pool: no block yet. */
export function pendingTransaction(p: PoolTx) {
  const { tx, sig } = decodeEthRawTx(Buffer.from(p.raw.slice(2), 'hex'));
  const v = tx.chainId === null ? BigInt(sig.v) : BigInt(sig.v - 27) + 35n + 2n * tx.chainId;
  return {
    blockHash: null,
    blockNumber: null,
    from: p.from,
    gas: hexQ(p.gasLimit),
    gasPrice: hexQ(p.gasPrice),
    hash: p.hash,
    input: `0x${Buffer.from(tx.data).toString('hex')}` as Hex,
    nonce: hexQ(p.nonce),
    to: p.to,
    transactionIndex: null,
    value: hexQ(p.value),
    type: '0x0',
    ...(p.chainId === null ? {} : { chainId: hexQ(p.chainId) }),
    v: hexQ(v),
    r: hexQ(sig.r),
    s: hexQ(sig.s),
  };
}

export function log(l: FoundLog) {
  return {
    address: l.address,
    topics: l.topics,
    data: l.data,
    blockNumber: hexQ(l.blockNumber),
    blockHash: l.blockHash,
    transactionHash: l.transactionHash,
    transactionIndex: hexQ(l.transactionIndex),
    logIndex: hexQ(l.logIndex),
    removed: false,
  };
}

export function receipt(t: StoredTx) {
  const r = t.receipt;
  return {
    transactionHash: t.hash,
    transactionIndex: '0x0',
    blockHash: t.blockHash,
    blockNumber: hexQ(t.blockNumber),
    from: t.from,
    to: t.to,
    cumulativeGasUsed: r.cumulativeGasUsed,
    gasUsed: r.gasUsed,
    effectiveGasPrice: r.effectiveGasPrice,
    contractAddress: r.contractAddress,
    logs: r.logs.map((l) => log({ ...l, blockNumber: t.blockNumber, blockHash: t.blockHash, transactionHash: t.hash, transactionIndex: 0, batchNumber: t.batchNumber })),
    logsBloom: r.logsBloom,
    status: hexQ(r.status),
    type: '0x0',
  };
}

/** zkevm_getBatchByNumber; `txs` as full objects when given, hashes otherwise. */
export function batch(b: Batch, txHashes: Hex[], blockHashes: Hex[], txs?: StoredTx[]) {
  return {
    number: hexQ(b.number),
    coinbase: b.coinbase,
    stateRoot: b.stateRoot,
    globalExitRoot: b.globalExitRoot,
    localExitRoot: b.localExitRoot,
    accInputHash: b.accInputHash ?? ZERO_HASH,
    timestamp: hexQ(b.timestamp),
    sendSequencesTxHash: b.sendSequencesTxHash,
    verifyBatchTxHash: null,
    closed: b.status !== 'open',
    blocks: blockHashes,
    transactions: txs ? txs.map(transaction) : txHashes,
    batchL2Data: b.batchL2Data,
  };
}
