// Conformance of @zkseq/batch with the fork-6 vectors: batch decoding (ROM RLP rules), raw tx
// conversions, batchHashData and newAccInputHash of every executor input, sender recovery.
import {
  accInputHash,
  batchHashData,
  batchTxToEthRawTx,
  decodeBatchL2Data,
  ethRawTxToBatchTx,
  fromHex,
  privateKeyToAddress,
  recoverSender,
  toHex,
  txHash,
  keccak256,
} from '@zkseq/batch';
import { EXECUTOR_FOLDERS, EXPECTED_COUNTS, executorInputs, printCounts, stateTransitionFiles } from './executor-vectors';

// Whole-batch executions; CI machines are shared and slow.
jest.setTimeout(180_000);

describe('batchHashData and newAccInputHash of every fork-6 executor input', () => {
  const counts: Record<string, { passed: number; total: number }> = {};
  afterAll(() => printCounts('batch hashes per folder:', counts));
  for (const folder of EXECUTOR_FOLDERS) {
    it(folder, () => {
      const inputs = executorInputs(folder);
      expect(inputs).toHaveLength(EXPECTED_COUNTS[folder]);
      let passed = 0;
      for (const { name, input } of inputs) {
        const data = fromHex(input.batchL2Data);
        const bh = batchHashData(data);
        const acc = accInputHash(fromHex(input.oldAccInputHash), bh, fromHex(input.globalExitRoot), BigInt(input.timestamp), fromHex(input.sequencerAddr));
        expect({ name, bh: toHex(bh), acc: toHex(acc) }).toEqual({ name, bh: input.batchHashData.toLowerCase(), acc: input.newAccInputHash.toLowerCase() });
        passed++;
      }
      counts[folder] = { passed, total: inputs.length };
    });
  }
});

describe('batchL2Data decoding', () => {
  it('rejects all 38 rlp-error batches as a whole', () => {
    const inputs = executorInputs('rlp-error');
    expect(inputs).toHaveLength(38);
    for (const { name, input } of inputs) {
      const res = decodeBatchL2Data(fromHex(input.batchL2Data));
      expect({ name, ok: res.ok }).toEqual({ name, ok: false });
    }
  });

  it('accepts every other executor batch and recovers a sender for each tx', () => {
    let txs = 0;
    for (const folder of ['no-data', 'calldata', 'e2e']) {
      for (const { name, input } of executorInputs(folder)) {
        const res = decodeBatchL2Data(fromHex(input.batchL2Data));
        expect({ name, ok: res.ok }).toEqual({ name, ok: true });
        // Re-encoding the decoded entries reproduces the batch byte for byte.
        expect(toHex(Buffer.concat(res.txs.map((t) => t.encoded)))).toBe(input.batchL2Data.toLowerCase());
        txs += res.txs.length;
      }
    }
    expect(txs).toBeGreaterThan(150);
  });

  it('converts rawTx ↔ customRawTx for every state-transition/no-data tx and recovers `from`', () => {
    let conversions = 0;
    for (const file of stateTransitionFiles('no-data')) {
      for (const c of file.cases) {
        for (const tx of c.txs as { rawTx?: string; customRawTx?: string; from: string; reason?: string }[]) {
          if (!tx.rawTx || !tx.customRawTx) continue;
          const custom = ethRawTxToBatchTx(fromHex(tx.rawTx));
          expect(toHex(custom)).toBe(tx.customRawTx.toLowerCase());
          const decoded = decodeBatchL2Data(custom);
          if (!decoded.ok) throw new Error(`${file.name}: ${decoded.reason}`);
          expect(toHex(batchTxToEthRawTx(decoded.txs[0]))).toBe(tx.rawTx.toLowerCase());
          expect(toHex(txHash(decoded.txs[0]))).toBe(toHex(keccak256(fromHex(tx.rawTx))));
          const sender = recoverSender(decoded.txs[0]);
          // One vector (general[4]) lists a `from` that did not sign; its tx is expected to fail intrinsically.
          if (sender && toHex(sender) !== tx.from.toLowerCase()) expect(tx.reason).toMatch(/^TX INVALID/);
          else expect(sender && toHex(sender)).toBe(tx.from.toLowerCase());
          conversions++;
        }
        // The batch is the concatenation of the custom txs.
        const joined = (c.txs as { customRawTx?: string }[]).map((t) => (t.customRawTx ?? '').slice(2)).join('');
        expect(`0x${joined}`).toBe(c.batchL2Data.toLowerCase());
      }
    }
    expect(conversions).toBe(46);
  });

  it('decodes the pre-EIP-155 transactions with no chain id and recovers their senders', () => {
    const [file] = stateTransitionFiles('calldata').filter((f) => f.name === 'preEIP155');
    let n = 0;
    for (const c of file.cases) {
      const keys = new Map(c.genesis.filter((g) => g.pvtKey).map((g) => [toHex(privateKeyToAddress(fromHex(g.pvtKey!))), g.address.toLowerCase()]));
      const res = decodeBatchL2Data(fromHex(c.batchL2Data));
      if (!res.ok) throw new Error(res.reason);
      for (const tx of res.txs) {
        expect(tx.chainId).toBeNull();
        const sender = recoverSender(tx);
        if (sender) expect(keys.has(toHex(sender))).toBe(true);
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(8);
  });
});
