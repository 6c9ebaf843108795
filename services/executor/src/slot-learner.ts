import { keccak256 } from '@zkseq/batch';

const MAX_BASE = 16n;
/** Transactions per contract examined before its mapping bases are considered learned. */
const LEARN_TXS = 4;
const MAX_CONTRACTS = 10_000;

/**
 * Learns which storage a contract reads: plain variables (slots below 256) and the Solidity
 * mapping entries of the addresses a transaction carries (its sender and the address-like words
 * of its calldata: `balanceOf[msg.sender]`, `balanceOf[to]`), so that later transactions to it
 * can have those slots in the batch's one
 * prefetch read instead of a hashdb round trip per slot. A wrong guess costs one key derivation
 * and one leaf in that read; values always come from the tree.
 */
export class MappingSlotLearner {
  private readonly bases = new Map<string, Set<bigint>>();
  private readonly seen = new Map<string, number>();
  private readonly fixed = new Map<string, Set<bigint>>();

  /** After a tx to `contract`: which of the slots it touched were mapping entries of its addresses. */
  observe(contract: string, slots: Iterable<bigint>, sender: string, calldata: Uint8Array): void {
    const n = this.seen.get(contract) ?? 0;
    if (n >= LEARN_TXS) return;
    if (this.seen.size >= MAX_CONTRACTS) {
      this.seen.clear();
      this.bases.clear();
      this.fixed.clear();
    }
    this.seen.set(contract, n + 1);
    const words = addressWords(sender, calldata);
    const wanted = new Set(slots);
    for (const s of wanted) {
      if (s < 256n) {
        let f = this.fixed.get(contract);
        if (!f) this.fixed.set(contract, (f = new Set()));
        f.add(s);
      }
    }
    if (wanted.size === 0 || words.length === 0) return;
    let found = this.bases.get(contract);
    for (let b = 0n; b < MAX_BASE; b++) {
      for (const w of words) {
        if (wanted.has(mappingSlot(w, b))) {
          if (!found) this.bases.set(contract, (found = new Set()));
          found.add(b);
        }
      }
    }
  }

  /** Slots a tx to `contract` will likely read (empty until something was learned). */
  predict(contract: string, sender: string, calldata: Uint8Array): bigint[] {
    const out: bigint[] = [...(this.fixed.get(contract) ?? [])];
    const bases = this.bases.get(contract);
    if (bases) for (const w of addressWords(sender, calldata)) for (const b of bases) out.push(mappingSlot(w, b));
    return out;
  }
}

/** keccak256(pad32(key) ‖ pad32(base)): the slot of mapping[key] for a mapping at slot `base`. */
export function mappingSlot(key: Uint8Array, base: bigint): bigint {
  const buf = new Uint8Array(64);
  buf.set(key, 32 - key.length);
  let b = base;
  for (let i = 63; b > 0n; i--, b >>= 8n) buf[i] = Number(b & 0xffn);
  return BigInt(`0x${Buffer.from(keccak256(buf)).toString('hex')}`);
}

/** The sender and the calldata words (after the 4-byte selector) that look like addresses. */
function addressWords(sender: string, data: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [Buffer.from(sender.slice(2), 'hex')];
  for (let o = 4; o + 32 <= data.length && out.length < 5; o += 32) {
    let lead = true;
    for (let i = o; i < o + 12; i++) if (data[i] !== 0) lead = false;
    if (!lead) continue;
    const w = data.subarray(o + 12, o + 32);
    // Small integers (amounts, indexes) also have 12 zero bytes; real addresses rarely start with 4 zero bytes.
    if (w[0] === 0 && w[1] === 0 && w[2] === 0 && w[3] === 0) continue;
    out.push(w);
  }
  return out;
}
