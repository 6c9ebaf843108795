import type { Hex } from '@zkseq/pooldb';
import { keyBalance, keyCodeLength, keyNonce, LeafReader, type HashDbApi } from '@zkseq/smt';

export type AccountState = { nonce: bigint; balance: bigint; codeLength: bigint };

/**
 * Nonce, balance and code length of senders at a state root, from the hashdb: the three leaves of
 * every sender asked for in one event-loop turn go out as one getLeaves call (LeafReader), and
 * results are cached per (root, address): a root's state never changes, so the cache is never
 * stale, only bounded.
 */
export class AccountStateReader {
  private readonly cache = new Map<string, AccountState>();
  private readonly leaves: LeafReader;

  constructor(
    hashdb: HashDbApi,
    private readonly cacheSize: number,
    private readonly onRead: (cached: boolean) => void = () => undefined,
  ) {
    this.leaves = new LeafReader(hashdb, 0);
  }

  async read(root: Hex, address: Hex): Promise<AccountState> {
    const a = address.toLowerCase();
    const id = `${root}:${a}`;
    const hit = this.cache.get(id);
    this.onRead(hit !== undefined);
    if (hit) return hit;
    const [nonce, balance, codeLength] = await Promise.all([keyNonce(a), keyBalance(a), keyCodeLength(a)].map((k) => this.leaves.read(root, k)));
    const state = { nonce, balance, codeLength };
    if (this.cache.size >= this.cacheSize) this.cache.delete(this.cache.keys().next().value as string);
    this.cache.set(id, state);
    return state;
  }
}

/**
 * The latest state root (the StateDB's last L2 block), read at most once at a time: callers that
 * arrive while a read is in flight share it, so load does not multiply Redis round trips.
 */
export class LatestRoot {
  private inflight: Promise<Hex | null> | null = null;

  constructor(private readonly readRoot: () => Promise<Hex | null>) {}

  get(): Promise<Hex | null> {
    if (!this.inflight) {
      this.inflight = this.readRoot().finally(() => {
        this.inflight = null;
      });
    }
    return this.inflight;
  }
}
