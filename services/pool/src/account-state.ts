import type { Hex } from '@zkseq/pooldb';
import type { H4 } from '@zkseq/poseidon';
import { hexToH4, keyBalance, keyCodeLength, keyNonce, type HashDbApi } from '@zkseq/smt';

export type AccountState = { nonce: bigint; balance: bigint; codeLength: bigint };

type Waiter = { resolve: (s: AccountState) => void; reject: (e: unknown) => void };

/**
 * Nonce, balance and code length of senders at a state root, from the hashdb. Requests made in the
 * same event-loop turn share one getLeaves call, and results are cached per (root, address):
 * a root's state never changes, so the cache is never stale, only bounded.
 */
export class AccountStateReader {
  private readonly cache = new Map<string, AccountState>();
  private pending = new Map<Hex, Map<string, Waiter[]>>();
  private scheduled = false;

  constructor(
    private readonly hashdb: HashDbApi,
    private readonly cacheSize: number,
    private readonly onRead: (cached: boolean) => void = () => undefined,
  ) {}

  read(root: Hex, address: Hex): Promise<AccountState> {
    const a = address.toLowerCase();
    const hit = this.cache.get(`${root}:${a}`);
    if (hit) {
      this.onRead(true);
      return Promise.resolve(hit);
    }
    this.onRead(false);
    return new Promise((resolve, reject) => {
      let byAddress = this.pending.get(root);
      if (!byAddress) this.pending.set(root, (byAddress = new Map()));
      const waiters = byAddress.get(a);
      if (waiters) waiters.push({ resolve, reject });
      else byAddress.set(a, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batches = this.pending;
    this.pending = new Map();
    this.scheduled = false;
    for (const [root, byAddress] of batches) void this.fetch(root, byAddress);
  }

  private async fetch(root: Hex, byAddress: Map<string, Waiter[]>): Promise<void> {
    const addresses = [...byAddress.keys()];
    try {
      const keys: H4[] = addresses.flatMap((a) => [keyNonce(a), keyBalance(a), keyCodeLength(a)]);
      const values = await this.hashdb.getLeaves(hexToH4(root), keys);
      addresses.forEach((a, i) => {
        const state = { nonce: values[3 * i], balance: values[3 * i + 1], codeLength: values[3 * i + 2] };
        this.remember(`${root}:${a}`, state);
        for (const w of byAddress.get(a)!) w.resolve(state);
      });
    } catch (err) {
      for (const waiters of byAddress.values()) for (const w of waiters) w.reject(err);
    }
  }

  private remember(key: string, state: AccountState): void {
    if (this.cache.size >= this.cacheSize) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    this.cache.set(key, state);
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
