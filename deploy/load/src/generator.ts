import { JsonRpcProvider, Network } from 'ethers';
import type { KeyedAccount } from '@zkseq/devnet';
import { errorType, summarize, type LatencySummary } from './stats';
import { loadRpc } from './rpc';
import { InclusionTracker, type Stage } from './tracker';
import { TxSigner, type SignedTx, type SignerKind, type TxKind } from './txs';

export type LoadOptions = {
  rpcUrl: string;
  chainId: number;
  /** Funded senders (their nonces are read from the RPC's `pending` count at the start). */
  accounts: KeyedAccount[];
  /** Share of ERC-20 transfers (0..1); needs `token`. */
  erc20Share: number;
  token?: string;
  /** Target submissions per second; 0 = as fast as the in-flight window allows. */
  rate: number;
  durationS: number;
  /** Submitted transactions not yet seen in a batch; the client's window (closed loop). */
  maxInFlight: number;
  /** Per sender, submitted and not yet in a batch (the pool's per-account pending limit is 16). */
  perAccount: number;
  signer: SignerKind;
  gasPrice: bigint;
  /** After the sending window, how long to wait for the last transactions' batches to close (and become virtual). */
  drainS: number;
  waitVirtual: boolean;
  trackPollMs: number;
  /** Sign every transaction the window can need before it opens (keeps signing out of the measurement). */
  presignPerAccount?: number;
  /**
   * Keep submitting (unmeasured) after the window until the window's transactions are in closed
   * batches, as a sustained load would; otherwise the last open batch closes only on its timeout.
   */
  sustain?: boolean;
  /** One receipt in this many is fetched with eth_getTransactionReceipt and checked for status 1. */
  receiptSampleEvery: number;
  /** Called when the sending window opens (after signing ahead and reading nonces). */
  onStart?: () => void;
  /** Called about once a second while the load runs. */
  onTick?: (t: { elapsedS: number; accepted: number; included: number; closed: number; inFlight: number; errors: number }) => void;
};

type TxRecord = SignedTx & { account: number; submitAt: number; tail: boolean; acceptedAt?: number; includedAt?: number; closedAt?: number; virtualAt?: number; batch?: number; failed?: string };

type Sender = { account: KeyedAccount; nonce: number; outstanding: number; queued: boolean; retired: boolean; presigned: SignedTx[] };

export type SeriesPoint = {
  /** Seconds since the window opened (bucket start). */
  t: number;
  submitted: number;
  accepted: number;
  included: number;
  closed: number;
  /** Submit→included / →closed latency (ms) of the transactions included / closed in this second. */
  receiptP50: number | null;
  receiptP99: number | null;
  closedP50: number | null;
  closedP99: number | null;
};

export type LoadReport = {
  config: Omit<LoadOptions, 'accounts' | 'onTick' | 'gasPrice'> & { accounts: number; gasPrice: string };
  startedAt: string;
  windowS: number;
  totals: { submitted: number; accepted: number; rejected: number; included: number; closed: number; virtual: number; notIncluded: number; notClosed: number; afterWindow: number };
  /** Per second of the sending window: the window's accepted submissions, and its transactions included / closed inside it. */
  ratesPerS: { accepted: number; included: number; closed: number };
  latencyMs: { receipt: LatencySummary; closed: LatencySummary; virtual: LatencySummary | null };
  /** Rejections by type; `retried` ones were sent again, the others ended the transaction. */
  errors: Record<string, number>;
  receiptsChecked: { ok: number; failed: number; missing: number };
  byKind: Record<TxKind, { accepted: number; closed: number }>;
  series: SeriesPoint[];
  tracker: { polls: number; errors: number };
};

const TRANSIENT = /txpool is full|account limit|unavailable|rate limit|too many|timeout|TIMEOUT|ECONN|socket|fetch failed|SERVER_ERROR|NETWORK/i;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** An ethers provider for load: JSON-RPC batching (≤ 100 calls per HTTP request, the rpc's default limit), no cache. */
export function loadProvider(url: string, chainId: number): JsonRpcProvider {
  return new JsonRpcProvider(url, Network.from(chainId), { staticNetwork: true, batchMaxCount: 100, batchStallTime: 5, cacheTimeout: -1, pollingInterval: 100 });
}

/**
 * Sends ETH / ERC-20 transfers from many accounts through eth_sendRawTransaction (viem's HTTP
 * transport, batched; ethers for the nonces and sampled receipts), follows every accepted transaction into its batch, the batch's
 * closure and its virtualisation, and reports rates, latency percentiles and errors by type.
 */
export async function runLoad(o: LoadOptions): Promise<LoadReport> {
  const provider = loadProvider(o.rpcUrl, o.chainId);
  const rpc = loadRpc(o.rpcUrl);
  const signer = new TxSigner({ chainId: o.chainId, gasPrice: o.gasPrice, signer: o.signer, token: o.token });
  const n = o.accounts.length;
  if (n < 2) throw new Error('the load needs at least 2 accounts');
  if (o.erc20Share > 0 && !o.token) throw new Error('ERC-20 transfers need a token');
  try {
    const nonces = await Promise.all(o.accounts.map((a) => provider.getTransactionCount(a.address, 'pending')));
    const senders: Sender[] = o.accounts.map((account, i) => ({ account, nonce: nonces[i], outstanding: 0, queued: false, retired: false, presigned: [] }));
    let kindCounter = 0;
    const nextKind = (): TxKind => {
      // Deterministic interleaving: the share is exact over any 100 consecutive transactions.
      kindCounter++;
      return Math.floor(kindCounter * o.erc20Share) > Math.floor((kindCounter - 1) * o.erc20Share) ? 'erc20' : 'eth';
    };
    const sign = (i: number): Promise<SignedTx> => {
      const s = senders[i];
      const pre = s.presigned.shift();
      if (pre) return Promise.resolve(pre);
      return signer.sign(s.account, s.nonce++, nextKind(), o.accounts[(i + 1) % n].address);
    };
    if (o.presignPerAccount) {
      for (let k = 0; k < o.presignPerAccount; k++) {
        for (let i = 0; i < n; i++) senders[i].presigned.push(await signer.sign(senders[i].account, senders[i].nonce++, nextKind(), o.accounts[(i + 1) % n].address));
      }
    }

    const records = new Map<string, TxRecord>();
    const errors: Record<string, number> = {};
    const receiptsChecked = { ok: 0, failed: 0, missing: 0 };
    const receiptChecks: Promise<void>[] = [];
    let submitted = 0;
    /** Submissions without an answer yet (retries included): the next run must not read nonces before they have one. */
    let unanswered = 0;
    let accepted = 0;
    let rejected = 0;
    let included = 0;
    let closed = 0;
    let virtual = 0;
    let inFlight = 0;
    /** Measured (not tail) transactions not failed and not yet closed / not yet virtual: the drain's exit test. */
    let measuredUnclosed = 0;
    let measuredUnvirtual = 0;
    const ready: number[] = [];
    const enqueue = (i: number) => {
      const s = senders[i];
      if (!s.queued && !s.retired && s.outstanding < o.perAccount) {
        s.queued = true;
        ready.push(i);
      }
    };
    senders.forEach((_, i) => enqueue(i));

    const release = (r: TxRecord) => {
      inFlight--;
      senders[r.account].outstanding--;
      enqueue(r.account);
    };
    const onStage = (hash: string, stage: Stage, at: number, batch: number) => {
      const r = records.get(hash);
      if (!r) return;
      if (stage === 'included' && r.includedAt === undefined) {
        r.includedAt = at;
        r.batch = batch;
        if (r.acceptedAt === undefined) {
          r.acceptedAt = at;
          accepted++;
        }
        included++;
        release(r);
        if (included % o.receiptSampleEvery === 0) {
          receiptChecks.push(
            provider.getTransactionReceipt(hash).then(
              (rc) => void (rc === null ? receiptsChecked.missing++ : rc.status === 1 ? receiptsChecked.ok++ : receiptsChecked.failed++),
              () => void receiptsChecked.missing++,
            ),
          );
        }
      } else if (stage === 'closed' && r.closedAt === undefined) {
        r.closedAt = at;
        closed++;
        if (!r.tail && !r.failed) measuredUnclosed--;
      } else if (stage === 'virtual' && r.virtualAt === undefined) {
        r.virtualAt = at;
        virtual++;
        if (!r.tail && !r.failed) measuredUnvirtual--;
      }
    };
    const tracker = new InclusionTracker(rpc, onStage, o.trackPollMs, await InclusionTracker.startingBatch(rpc));

    const submit = (r: TxRecord, attempt: number): void => {
      if (attempt === 0) unanswered++;
      rpc.send<string>('eth_sendRawTransaction', [r.raw]).then(
        (hash: string) => {
          unanswered--;
          if (hash.toLowerCase() !== r.hash) errors['rpc returned another hash'] = (errors['rpc returned another hash'] ?? 0) + 1;
          if (r.acceptedAt === undefined) {
            r.acceptedAt = Date.now();
            accepted++;
          }
        },
        (err: unknown) => {
          const type = errorType(err);
          if (!(TRANSIENT.test(type) && attempt < 20)) unanswered--;
          if (/already known/i.test(type)) {
            if (r.acceptedAt === undefined) {
              r.acceptedAt = Date.now();
              accepted++;
            }
            return;
          }
          if (TRANSIENT.test(type) && attempt < 20) {
            errors[`retried: ${type}`] = (errors[`retried: ${type}`] ?? 0) + 1;
            setTimeout(() => submit(r, attempt + 1), Math.min(2000, 100 * 2 ** attempt));
            return;
          }
          // The nonce stays unused, so this sender's later transactions could never execute: retire it.
          errors[type] = (errors[type] ?? 0) + 1;
          if (!r.tail && !r.failed) {
            if (r.closedAt === undefined) measuredUnclosed--;
            if (r.virtualAt === undefined) measuredUnvirtual--;
          }
          r.failed = type;
          rejected++;
          senders[r.account].retired = true;
          if (r.includedAt === undefined) release(r);
        },
      );
    };

    tracker.start();
    o.onStart?.();
    const startedAt = Date.now();
    const end = startedAt + o.durationS * 1000;
    let lastTick = startedAt;
    const tick = () => {
      const now = Date.now();
      if (now - lastTick < 1000) return;
      lastTick = now;
      o.onTick?.({ elapsedS: (now - startedAt) / 1000, accepted, included, closed, inFlight, errors: rejected });
    };
    /** Submits what the rate and the window allow now; `tail` transactions keep the load up after the window and are not measured. */
    const fill = async (tail: boolean) => {
      let budget = o.rate > 0 ? Math.floor((o.rate * (Date.now() - startedAt)) / 1000) - submitted : Number.POSITIVE_INFINITY;
      while (budget > 0 && inFlight < o.maxInFlight && ready.length > 0) {
        const i = ready.shift()!;
        const s = senders[i];
        s.queued = false;
        const tx = await sign(i);
        const r: TxRecord = { ...tx, account: i, submitAt: Date.now(), tail };
        records.set(r.hash, r);
        if (!tail) {
          measuredUnclosed++;
          measuredUnvirtual++;
        }
        s.outstanding++;
        inFlight++;
        submitted++;
        budget--;
        enqueue(i);
        submit(r, 0);
      }
    };
    while (Date.now() < end) {
      await fill(false);
      tick();
      await sleep(o.rate > 0 ? 5 : 2);
    }
    const windowEnd = Date.now();

    const drainEnd = windowEnd + o.drainS * 1000;
    const measured = [...records.values()];
    const unclosed = () => measuredUnclosed > 0;
    const pending = () => measuredUnclosed > 0 || (o.waitVirtual && measuredUnvirtual > 0);
    while (Date.now() < drainEnd && pending()) {
      // The window's last transactions would otherwise wait in a batch nothing fills any more.
      if (o.sustain && unclosed()) await fill(true);
      tick();
      await sleep(o.sustain && unclosed() ? 2 : 250);
    }
    // Transactions sent after the window may still be in admission (or waiting to be retried): a
    // run that starts now would read their nonces as unused.
    while (unanswered > 0 && Date.now() < drainEnd) await sleep(10);
    await tracker.stop();
    await Promise.all(receiptChecks);

    const all = measured.filter((r) => !r.failed);
    const windowS = (windowEnd - startedAt) / 1000;
    const within = (t: number | undefined) => t !== undefined && t >= startedAt && t <= windowEnd;
    const lat = (pick: (r: TxRecord) => number | undefined) => {
      const got = all.map((r) => pick(r)).filter((t): t is number => t !== undefined);
      return summarize(got, all.length - got.length);
    };
    const byKind: LoadReport['byKind'] = { eth: { accepted: 0, closed: 0 }, erc20: { accepted: 0, closed: 0 } };
    for (const r of all) {
      byKind[r.kind].accepted++;
      if (r.closedAt !== undefined) byKind[r.kind].closed++;
    }
    const { accounts, onTick, onStart, gasPrice, ...config } = o;
    void onTick;
    void onStart;
    return {
      config: { ...config, accounts: accounts.length, gasPrice: gasPrice.toString() },
      startedAt: new Date(startedAt).toISOString(),
      windowS,
      totals: {
        submitted: measured.length,
        accepted: all.filter((r) => r.acceptedAt !== undefined).length,
        rejected: measured.length - all.length,
        included: all.filter((r) => r.includedAt !== undefined).length,
        closed: all.filter((r) => r.closedAt !== undefined).length,
        virtual: all.filter((r) => r.virtualAt !== undefined).length,
        notIncluded: all.filter((r) => r.includedAt === undefined).length,
        notClosed: all.filter((r) => r.closedAt === undefined).length,
        afterWindow: records.size - measured.length,
      },
      ratesPerS: {
        accepted: all.filter((r) => within(r.acceptedAt)).length / windowS,
        included: all.filter((r) => within(r.includedAt)).length / windowS,
        closed: all.filter((r) => within(r.closedAt)).length / windowS,
      },
      latencyMs: {
        receipt: lat((r) => (r.includedAt === undefined ? undefined : r.includedAt - r.submitAt)),
        closed: lat((r) => (r.closedAt === undefined ? undefined : r.closedAt - r.submitAt)),
        virtual: o.waitVirtual ? lat((r) => (r.virtualAt === undefined ? undefined : r.virtualAt - r.submitAt)) : null,
      },
      errors,
      receiptsChecked,
      byKind,
      series: series([...records.values()], startedAt, Math.max(windowEnd, Date.now())),
      tracker: { polls: tracker.polls, errors: tracker.errors },
    };
  } finally {
    provider.destroy();
  }
}

function series(records: TxRecord[], start: number, end: number): SeriesPoint[] {
  const seconds = Math.max(1, Math.ceil((end - start) / 1000));
  const buckets = Array.from({ length: seconds }, (_, t) => ({ t, submitted: 0, accepted: 0, included: 0, closed: 0, receipt: [] as number[], close: [] as number[] }));
  const at = (time: number | undefined) => (time === undefined ? undefined : buckets[Math.min(seconds - 1, Math.max(0, Math.floor((time - start) / 1000)))]);
  for (const r of records) {
    at(r.submitAt)!.submitted++;
    const a = at(r.acceptedAt);
    if (a && !r.failed) a.accepted++;
    const i = at(r.includedAt);
    if (i) {
      i.included++;
      i.receipt.push(r.includedAt! - r.submitAt);
    }
    const c = at(r.closedAt);
    if (c) {
      c.closed++;
      c.close.push(r.closedAt! - r.submitAt);
    }
  }
  return buckets.map((b) => {
    const rs = summarize(b.receipt);
    const cs = summarize(b.close);
    return { t: b.t, submitted: b.submitted, accepted: b.accepted, included: b.included, closed: b.closed, receiptP50: rs.p50, receiptP99: rs.p99, closedP50: cs.p50, closedP99: cs.p99 };
  });
}
