import { fromHex, toHex } from './bytes';
import { decodeBatchL2Data } from './decode';
import { effectiveGasPrice, intrinsicGas } from './gas';
import { encodeBatchTx, signingPayload } from './tx';
import { privateKeyToAddress, recoverSender, signTx } from './signer';

const key = fromHex('0x4d27a600dce8c29b7bd080e29a26972377dbb04d7a27d919adbb602bf13cfd23');
const sig = '11'.repeat(32) + '22'.repeat(32) + '1b' + 'ff';

/** A batch entry from a hand-written RLP payload plus a dummy signature. */
const entry = (payloadHex: string) => fromHex(payloadHex + sig);

describe('decodeBatchL2Data (ROM rules)', () => {
  it('round-trips a signed EIP-155 tx and recovers its sender', () => {
    const tx = { nonce: 5n, gasPrice: 10n ** 9n, gasLimit: 21000n, to: fromHex('0x' + '12'.repeat(20)), value: 1n, data: new Uint8Array(0), chainId: 1000n };
    const enc = encodeBatchTx(tx, signTx(tx, key), 200);
    const res = decodeBatchL2Data(enc);
    if (!res.ok) throw new Error(res.reason);
    expect(res.txs[0]).toMatchObject({ nonce: 5n, chainId: 1000n, effectivePercentage: 200 });
    expect(toHex(recoverSender(res.txs[0])!)).toBe(toHex(privateKeyToAddress(key)));
  });

  // [nonce, gasPrice, gasLimit, to, value, data] with to = empty (creation).
  const body = (nonce: string, data = '80') => `${nonce}0101` + '80' + '80' + data;
  const list = (b: string) => (b.length / 2 < 56 ? (0xc0 + b.length / 2).toString(16) + b : 'f8' + (b.length / 2).toString(16) + b);

  it('accepts a bare byte below 0x80 for an integer field, as the ROM does (even 0x00)', () => {
    expect(decodeBatchL2Data(entry(list(body('00')))).ok).toBe(true);
    expect(decodeBatchL2Data(entry(list(body('7f')))).ok).toBe(true);
  });

  it('rejects non-canonical integers, long lengths and trailers', () => {
    expect(decodeBatchL2Data(entry(list(body('8100')))).ok).toBe(false); // prefixed byte < 0x80
    expect(decodeBatchL2Data(entry(list(body('820001')))).ok).toBe(false); // leading zero
    expect(decodeBatchL2Data(entry(list(body('89' + '01'.repeat(9))))).ok).toBe(false); // nonce > 8 bytes
    expect(decodeBatchL2Data(entry(list(body('01', '8105')))).ok).toBe(false); // 1-byte data with prefix
    expect(decodeBatchL2Data(entry('f8' + '06' + body('01'))).ok).toBe(false); // long list < 56
    expect(decodeBatchL2Data(entry(list(body('01') + '01' + '8080')).slice(0, -1)).ok).toBe(false); // truncated signature
    expect(decodeBatchL2Data(entry(list(body('01') + '01' + '8081'))).ok).toBe(false); // bad EIP-155 trailer
    expect(decodeBatchL2Data(entry(list(body('01') + '01' + '8080'))).ok).toBe(true);
  });

  it('rejects a whole batch when any entry is bad, keeping the earlier ones for reporting', () => {
    const good = entry(list(body('01')));
    const res = decodeBatchL2Data(new Uint8Array([...good, ...entry(list(body('8100')))]));
    expect(res.ok).toBe(false);
    expect(res.txs).toHaveLength(1);
  });

  it('pre-EIP-155 payloads have 6 items', () => {
    const tx = { nonce: 0n, gasPrice: 1n, gasLimit: 1n, to: null, value: 0n, data: new Uint8Array(0), chainId: null };
    expect(toHex(signingPayload(tx))).toBe('0xc6800101808080');
  });
});

describe('gas helpers', () => {
  it('effective gas price and intrinsic gas', () => {
    expect(effectiveGasPrice(1000n, 255)).toBe(1000n);
    expect(effectiveGasPrice(1000n, 127)).toBe(500n);
    expect(effectiveGasPrice(1000n, 0)).toBe(3n);
    expect(intrinsicGas(Uint8Array.of(0, 1, 0), false)).toBe(21000n + 4n + 16n + 4n);
    expect(intrinsicGas(new Uint8Array(0), true)).toBe(53000n);
  });
});
