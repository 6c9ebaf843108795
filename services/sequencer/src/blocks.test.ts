import { createBlockHeader } from '@ethereumjs/block';
import { createCustomCommon, Hardfork, Mainnet } from '@ethereumjs/common';
import { MerklePatriciaTrie } from '@ethereumjs/mpt';
import { RLP } from '@ethereumjs/rlp';
import { ethRawTx, fromHex, keccak256, signTx, toHex, type TxFields } from '@zkseq/batch';
import type { ProcessTxResponse } from '@zkseq/grpc';
import { hexToH4 } from '@zkseq/smt';
import type { Hex } from '@zkseq/statedb';
import { blockSize, buildBlock, EMPTY_TRIE_ROOT, encodeReceipt, genesisBlock, logsBloom, singleEntryTrieRoot } from './blocks';

const common = createCustomCommon({ chainId: 1001 }, Mainnet, { hardfork: Hardfork.Berlin });
const COINBASE: Hex = '0x00000000000000000000000000000000c01bba5e';
const ROOT: Hex = '0x0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';

async function trieRoot(value: Uint8Array): Promise<Uint8Array> {
  const trie = new MerklePatriciaTrie();
  await trie.put(RLP.encode(0), value);
  return trie.root();
}

function response(over: Partial<ProcessTxResponse> = {}): ProcessTxResponse {
  const fields: TxFields = { nonce: 7n, gasPrice: 2_000_000_000n, gasLimit: 60_000n, to: fromHex('0x' + '22'.repeat(20)), value: 5n, data: Uint8Array.of(1, 2, 0), chainId: 1001n };
  const rlpTx = ethRawTx(fields, signTx(fields, keccak256(Buffer.from('key'))));
  return {
    txHash: keccak256(rlpTx), rlpTx, returnValue: new Uint8Array(0), gasLeft: 10_000n, gasUsed: 50_000n, gasRefunded: 0n, error: 1, createAddress: '',
    stateRoot: hexToH4(ROOT), effectiveGasPrice: 2_000_000_000n, effectivePercentage: 255, hasGaspriceOpcode: false, hasBalanceOpcode: false, included: true,
    from: '0x' + '33'.repeat(20), batchL2Data: new Uint8Array(0), counters: { steps: 1, keccakHashes: 1, poseidonHashes: 1, poseidonPaddings: 0, memAligns: 0, arithmetics: 0, binaries: 0 },
    logs: [
      { address: '0x' + 'AA'.repeat(20), topics: [keccak256(Buffer.from('Transfer(address,address,uint256)')), new Uint8Array(32).fill(1)], data: Uint8Array.of(9), index: 0 },
      { address: '0x' + 'bb'.repeat(20), topics: [], data: new Uint8Array(0), index: 1 },
    ],
    ...over,
  };
}

describe('block records', () => {
  it('hashes the header exactly as @ethereumjs/block does for a Berlin header', () => {
    const r = response();
    const { block, tx } = buildBlock({ number: 42, parentHash: `0x${'ab'.repeat(32)}`, batchNumber: 3, timestamp: 1_700_000_123, coinbase: COINBASE }, r);
    const header = createBlockHeader(
      {
        parentHash: fromHex(block.parentHash), coinbase: COINBASE, stateRoot: fromHex(block.stateRoot), transactionsTrie: fromHex(block.transactionsRoot),
        receiptTrie: fromHex(block.receiptsRoot), logsBloom: fromHex(block.logsBloom), difficulty: 0n, number: 42n, gasLimit: 30_000_000n, gasUsed: 50_000n,
        timestamp: 1_700_000_123n, extraData: new Uint8Array(0),
      },
      { common, skipConsensusFormatValidation: true },
    );
    expect(block.hash).toBe(toHex(header.hash()));
    expect(block.size).toBe(RLP.encode([header.raw(), [RLP.decode(r.rlpTx) as Uint8Array[]], []]).length);
    expect(block).toMatchObject({ number: 42, stateRoot: ROOT, gasUsed: '0xc350', gasLimit: '0x1c9c380', miner: COINBASE, batchNumber: 3, transactions: [toHex(r.txHash)] });
    expect(tx).toMatchObject({
      hash: toHex(r.txHash), nonce: '0x7', gas: '0xea60', gasPrice: '0x77359400', value: '0x5', input: '0x010200', chainId: '0x3e9', blockNumber: 42, blockHash: block.hash,
      receipt: { status: 1, gasUsed: '0xc350', cumulativeGasUsed: '0xc350', contractAddress: null, romError: null, effectiveGasPrice: '0x77359400' },
    });
    // EIP-155 v = recId + 35 + 2 * chainId.
    expect([2037n, 2038n]).toContain(BigInt(tx.v));
    expect(tx.receipt.logs.map((l) => [l.address, l.logIndex])).toEqual([['0x' + 'aa'.repeat(20), 0], ['0x' + 'bb'.repeat(20), 1]]);
  });

  it('computes the one-entry transaction and receipt trie roots as @ethereumjs/mpt does', async () => {
    const r = response();
    const { block } = buildBlock({ number: 1, parentHash: `0x${'00'.repeat(32)}`, batchNumber: 1, timestamp: 1, coinbase: COINBASE }, r);
    expect(block.transactionsRoot).toBe(toHex(await trieRoot(r.rlpTx)));
    const receipt = encodeReceipt(fromHex(ROOT), r.gasUsed, fromHex(block.logsBloom), r.logs);
    expect(block.receiptsRoot).toBe(toHex(await trieRoot(receipt)));
    expect(toHex(singleEntryTrieRoot(Uint8Array.of(0xc1, 0x80)))).toBe(toHex(await trieRoot(Uint8Array.of(0xc1, 0x80))));
    expect(toHex(EMPTY_TRIE_ROOT)).toBe(toHex(new MerklePatriciaTrie().root()));
  });

  it('marks a failed execution with status 0 and the ROM error name, and a deployment with its address', () => {
    const { tx } = buildBlock(
      { number: 2, parentHash: `0x${'00'.repeat(32)}`, batchNumber: 1, timestamp: 1, coinbase: COINBASE },
      response({ error: 7, logs: [], createAddress: '0x' + 'CC'.repeat(20) }),
    );
    expect(tx.receipt).toMatchObject({ status: 0, romError: 'EXECUTION_REVERTED', contractAddress: '0x' + 'cc'.repeat(20), logsBloom: `0x${'0'.repeat(512)}` });
  });

  it('sets exactly the three bloom bits of every address and topic', () => {
    const items = [fromHex('0x' + 'aa'.repeat(20)), new Uint8Array(32).fill(1)];
    const bloom = BigInt(toHex(logsBloom([{ address: '0x' + 'aa'.repeat(20), topics: [items[1]] }])));
    let expected = 0n;
    for (const item of items) {
      const h = BigInt(toHex(keccak256(item)));
      // The first three big-endian 16-bit words of the hash, 11 bits each, count from the low end.
      for (let w = 0; w < 3; w++) expected |= 1n << ((h >> BigInt(256 - 16 * (w + 1))) & 2047n);
    }
    expect(bloom).toBe(expected);
    expect(toHex(logsBloom([]))).toBe(`0x${'0'.repeat(512)}`);
  });

  it('builds the genesis block with empty tries and its RLP size', () => {
    const g = genesisBlock(ROOT, 1_700_000_000, COINBASE);
    const header = createBlockHeader(
      { coinbase: COINBASE, stateRoot: fromHex(ROOT), difficulty: 0n, number: 0n, gasLimit: 30_000_000n, timestamp: 1_700_000_000n },
      { common, skipConsensusFormatValidation: true },
    );
    expect(g.hash).toBe(toHex(header.hash()));
    expect(g.size).toBe(blockSize(header.serialize(), null));
    expect(g.size).toBe(RLP.encode([header.raw(), [], []]).length);
  });
});
