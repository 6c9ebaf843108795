import { Hardfork, Mainnet, createCustomCommon, type Common } from '@ethereumjs/common';
import { createFeeMarket1559Tx } from '@ethereumjs/tx';
import type { Wallet } from 'ethers';
import { L1TxErrorCode } from '@zkseq/errors';
import type { L1TxResult } from '@zkseq/messaging';
import { sleep, type Logger } from '@zkseq/service';
import { classifyCallError, reasonLabel, sendVerdict, type Classified } from './classify';
import type { CrashPoint, ManagerOptions } from './config';
import { bumpFees, feeCap, initialFees, suggestFees, type Fees } from './fees';
import type { Metrics } from './metrics';
import { L1Rpc, RpcResponseError, RpcUnavailableError, type RpcReceipt } from '@zkseq/contracts';
import type { Attempt, OutboxEntry, RequestMeta, RequestRecord, TxStore } from './store';

export type ManagerDeps = {
  rpc: L1Rpc;
  store: TxStore;
  wallet: Wallet;
  publish: (entry: OutboxEntry) => Promise<void>;
  metrics: Metrics;
  logger: Logger;
  options: ManagerOptions;
  signal: AbortSignal;
};

/**
 * The send loop. One pass (`tick`) over Redis state: follow every active request's attempts to a
 * receipt and its confirmation depth, replace what is not mined in time, move requests whose
 * nonce an outside sender used, start queued requests, watch confirmed ones for reorgs, and
 * publish results. Every signed attempt is in Redis before it is broadcast, and every state
 * change is one atomic script, so a crash at any point resumes from Redis without a duplicate
 * (all attempts of a request share its nonce) and without a nonce gap (a nonce is handed out
 * together with the first signed attempt that uses it).
 */
export class TxManager {
  private chainId = 0;
  /** When this process last broadcast a request's live attempt; absent = (re)send at once. */
  private readonly lastSentAt = new Map<string, number>();
  private readonly lastCapWarning = new Map<string, number>();
  private wake: (() => void) | null = null;
  private common: Common | undefined;
  private key: Uint8Array | undefined;

  constructor(private readonly d: ManagerDeps) {}

  get address(): string {
    return this.d.wallet.address;
  }

  /** Waits for the L1 node, checks the chain id, binds the Redis key space to this account. */
  async init(): Promise<void> {
    for (let delay = this.d.options.pollMs; ; delay = Math.min(delay * 2, this.d.options.maxBackoffMs)) {
      try {
        this.chainId = await this.d.rpc.chainId();
        this.d.metrics.rpcUp.set(1);
        break;
      } catch (err) {
        if (!(err instanceof RpcUnavailableError)) throw err;
        this.rpcDown(err, delay);
        await sleep(delay, this.d.signal);
      }
    }
    if (this.d.options.chainId !== undefined && this.d.options.chainId !== this.chainId) {
      throw new Error(`L1_CHAIN_ID is ${this.d.options.chainId} but the node at L1_RPC_URL reports chain ${this.chainId}`);
    }
    await this.d.store.bindAccount(this.address, this.chainId);
    if ((await this.d.store.nextNonce()) === null) await this.d.store.raiseNextNonce(await this.d.rpc.nonceAt(this.address, 'pending'));
    this.d.logger.info({ address: this.address, chainId: this.chainId, nextNonce: await this.d.store.nextNonce() }, 'L1 account ready');
  }

  /** Wakes the loop early, e.g. when a request arrived. */
  notify(): void {
    this.wake?.();
  }

  async run(): Promise<void> {
    let delay = this.d.options.pollMs;
    while (!this.d.signal.aborted) {
      try {
        await this.tick();
        this.d.metrics.rpcUp.set(1);
        delay = this.d.options.pollMs;
      } catch (err) {
        if (this.d.signal.aborted) break;
        delay = Math.min(delay * 2, this.d.options.maxBackoffMs);
        if (err instanceof RpcUnavailableError) this.rpcDown(err, delay);
        else this.d.logger.error({ err, retryInMs: delay }, 'send loop pass failed');
      }
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.d.signal.removeEventListener('abort', done);
          this.wake = null;
          resolve();
        };
        const timer = setTimeout(done, delay);
        this.wake = done;
        this.d.signal.addEventListener('abort', done, { once: true });
      });
    }
  }

  private rpcDown(err: Error, retryInMs: number): void {
    this.d.metrics.rpcUp.set(0);
    this.d.metrics.failures.inc({ reason: reasonLabel(L1TxErrorCode.RpcUnavailable) });
    this.d.logger.warn({ err: err.message, retryInMs }, 'L1 RPC unavailable');
  }

  async tick(): Promise<void> {
    const head = await this.d.rpc.blockNumber();
    await this.flushOutbox();
    for (const rid of await this.d.store.active()) {
      if (this.d.signal.aborted) return;
      await this.monitor(rid, head);
    }
    await this.startQueued();
    await this.watchConfirmed(head);
    await this.flushOutbox();
    this.d.metrics.inFlight.set(await this.d.store.inFlight());
  }

  private async monitor(rid: string, head: number): Promise<void> {
    const { store, rpc, options, logger, metrics } = this.d;
    const req = await store.meta(rid);
    if (!req || req.nonce === undefined) return;
    const attempts = (await store.attempts(rid)).filter((a) => a.nonce === req.nonce);
    if (attempts.length === 0) return;

    for (const a of [...attempts].reverse()) {
      const receipt = await rpc.receipt(a.hash);
      if (!receipt) continue;
      const blockNumber = Number(receipt.blockNumber);
      if (req.status !== 'mined' || req.txHash !== a.hash || req.blockHash !== receipt.blockHash) {
        await store.markMined(rid, { txHash: a.hash, blockNumber, blockHash: receipt.blockHash });
        logger.debug({ rid, txHash: a.hash, blockNumber }, 'mined');
      }
      if (head - blockNumber + 1 >= options.confirmations) await this.complete(req, a, receipt);
      return;
    }

    if (req.status === 'mined') {
      metrics.reorged.inc();
      logger.warn({ rid, txHash: req.txHash, blockNumber: req.blockNumber }, 'mined transaction left the chain (L1 reorg); sending it again');
      await store.unmine(rid);
      this.lastSentAt.delete(rid);
    }

    // The nonce is used, deeply enough that none of our attempts can land any more, yet none of
    // them did: an outside sender took it. Re-sync and move the request to a fresh nonce.
    const safeBlock = head - options.confirmations + 1;
    if (safeBlock >= 0 && (await rpc.nonceAt(this.address, safeBlock)) > req.nonce) {
      metrics.failures.inc({ reason: reasonLabel(L1TxErrorCode.NonceTaken) });
      await store.raiseNextNonce(await rpc.nonceAt(this.address, 'pending'));
      const live = attempts[attempts.length - 1];
      const nonce = (await store.nextNonce())!;
      logger.warn({ rid, takenNonce: req.nonce, newNonce: nonce }, 'nonce taken by another sender of this account; moving the request');
      const attempt = this.sign(await this.d.store.withData(req), nonce, BigInt(live.gasLimit), await this.initialFees());
      await store.assignNonce(rid, attempt);
      await this.broadcast(rid, attempt);
      return;
    }

    const live = attempts[attempts.length - 1];
    const sentAt = this.lastSentAt.get(rid);
    if (sentAt === undefined) {
      // First look since start, or after a reorg: the live attempt may never have reached the node.
      await this.broadcast(rid, live);
      return;
    }
    const now = Date.now();
    if (now - live.signedAtMs < options.resendAfterMs || now - sentAt < options.resendAfterMs) return;
    const suggestion = await this.suggestion();
    const prev: Fees = { maxFeePerGas: BigInt(live.maxFeePerGas), maxPriorityFeePerGas: BigInt(live.maxPriorityFeePerGas) };
    const fees = bumpFees(prev, suggestion, options.feeBumpPct, feeCap(suggestion, options.maxFeeMultiplier, options.maxFeePerGasWei));
    if (!fees) {
      if (now - (this.lastCapWarning.get(rid) ?? 0) >= options.resendAfterMs) {
        this.lastCapWarning.set(rid, now);
        metrics.failures.inc({ reason: reasonLabel(L1TxErrorCode.FeeCapReached) });
        logger.warn({ rid, maxFeePerGas: live.maxFeePerGas }, 'not mined and the fee cap forbids a replacement; sending the last attempt again');
      }
      await this.broadcast(rid, live);
      return;
    }
    const attempt = this.sign(await this.d.store.withData(req), req.nonce, BigInt(live.gasLimit), fees);
    await store.addAttempt(rid, attempt);
    metrics.replacements.inc();
    logger.info({ rid, nonce: req.nonce, attempt: attempts.length + 1, maxFeePerGas: attempt.maxFeePerGas, replaces: live.hash }, 'replacing a transaction not mined in time');
    await this.broadcast(rid, attempt);
  }

  private async startQueued(): Promise<void> {
    const free = this.d.options.maxInFlight - (await this.d.store.activeCount());
    if (free <= 0) return;
    for (const rid of await this.d.store.queued(free)) {
      if (this.d.signal.aborted) return;
      await this.start(rid);
    }
  }

  private async start(rid: string): Promise<void> {
    const { store, rpc, options } = this.d;
    const req = await store.get(rid);
    if (!req || req.status !== 'queued') return;
    let gasLimit: bigint;
    try {
      gasLimit = req.gasLimit
        ? BigInt(req.gasLimit)
        : ((await rpc.estimateGas({ from: this.address, to: req.to, data: req.data, value: hex(BigInt(req.value)) })) * BigInt(100 + options.gasMarginPct)) / 100n;
    } catch (err) {
      if (err instanceof RpcResponseError) return this.failQueued(req, classifyCallError(err));
      throw err;
    }
    const fees = await this.initialFees();
    const maxCost = gasLimit * fees.maxFeePerGas + BigInt(req.value);
    const balance = await rpc.balance(this.address);
    if (balance < maxCost) {
      return this.failQueued(req, { code: L1TxErrorCode.InsufficientFunds, message: `balance ${balance} wei is below the maximum cost ${maxCost} wei`, data: { balance: balance.toString(), maxCost: maxCost.toString() } });
    }
    // An outside sender may have used nonces since: never hand out one the chain already counts.
    await store.raiseNextNonce(await rpc.nonceAt(this.address, 'pending'));
    const attempt = this.sign(req, (await store.nextNonce())!, gasLimit, fees);
    await store.assignNonce(rid, attempt);
    this.d.logger.info({ rid, nonce: attempt.nonce, txHash: attempt.hash, gasLimit: attempt.gasLimit, maxFeePerGas: attempt.maxFeePerGas }, 'signed');
    this.crashIf('after-sign');
    await this.broadcast(rid, attempt);
  }

  private async broadcast(rid: string, attempt: Attempt): Promise<void> {
    const { rpc, metrics, logger } = this.d;
    try {
      await rpc.sendRaw(attempt.raw);
    } catch (err) {
      const verdict = sendVerdict(err);
      const message = (err as Error).message;
      if (verdict === 'insufficient-funds') {
        metrics.failures.inc({ reason: reasonLabel(L1TxErrorCode.InsufficientFunds) });
        logger.warn({ rid, txHash: attempt.hash, err: message }, 'L1 account cannot pay for the transaction; will retry');
      } else if (verdict === 'rejected') {
        metrics.failures.inc({ reason: 'rejected' });
        logger.error({ rid, txHash: attempt.hash, err: message }, 'L1 node rejected the transaction; will retry');
      } else {
        // accepted before, nonce used (by this attempt's sibling or an outsider: the monitor decides), underpriced.
        logger.debug({ rid, txHash: attempt.hash, verdict }, 'broadcast answered');
      }
    }
    metrics.broadcasts.inc();
    this.lastSentAt.set(rid, Date.now());
    this.crashIf('after-broadcast');
  }

  private async complete(req: RequestMeta, attempt: Attempt, receipt: RpcReceipt): Promise<void> {
    const { metrics, logger } = this.d;
    const ok = receipt.status === '0x1';
    const blockNumber = Number(receipt.blockNumber);
    const gasUsed = BigInt(receipt.gasUsed);
    const result: L1TxResult = {
      owner: req.owner,
      id: req.id,
      status: ok ? 'confirmed' : 'failed',
      txHash: attempt.hash as L1TxResult['txHash'],
      blockNumber,
      blockHash: receipt.blockHash as L1TxResult['blockHash'],
      gasUsed: gasUsed.toString(),
      nonce: attempt.nonce,
    };
    if (!ok) {
      const why = await this.replayRevert(await this.d.store.withData(req), attempt, blockNumber);
      result.error = { code: why.code, message: why.message };
      metrics.failures.inc({ reason: reasonLabel(why.code) });
    }
    await this.d.store.finish(req.rid, result.status, blockNumber, { msgId: `${req.rid}:${result.status}:${receipt.blockHash}`, result });
    this.lastSentAt.delete(req.rid);
    this.lastCapWarning.delete(req.rid);
    metrics.confirmationLatency.observe((Date.now() - req.createdAtMs) / 1000);
    metrics.feesPaidGwei.inc(Number(gasUsed * BigInt(receipt.effectiveGasPrice ?? '0x0')) / 1e9);
    logger.info({ rid: req.rid, status: result.status, txHash: attempt.hash, blockNumber, nonce: attempt.nonce, error: result.error }, 'transaction final');
  }

  /** The reason a mined transaction reverted, by re-running it on the state before its block. */
  private async replayRevert(req: RequestRecord, attempt: Attempt, blockNumber: number): Promise<Classified> {
    try {
      await this.d.rpc.ethCall({ from: this.address, to: req.to, data: req.data, value: hex(BigInt(req.value)), gas: hex(BigInt(attempt.gasLimit)) }, blockNumber - 1);
      return { code: L1TxErrorCode.Reverted, message: 'execution reverted (the replay on the parent block succeeded: the state changed within the block, or out of gas)' };
    } catch (err) {
      if (err instanceof RpcResponseError) {
        const c = classifyCallError(err);
        return c.code === L1TxErrorCode.Reverted ? c : { code: L1TxErrorCode.Reverted, message: err.message };
      }
      throw err;
    }
  }

  private async watchConfirmed(head: number): Promise<void> {
    const { store, rpc, options, metrics, logger } = this.d;
    const w = await store.watched();
    for (let i = 0; i < w.length; i += 2) {
      const rid = w[i];
      if (head - Number(w[i + 1]) >= options.reorgWatchBlocks) {
        await store.retire(rid);
        continue;
      }
      const req = await store.meta(rid);
      if (!req?.txHash || req.nonce === undefined) continue;
      const receipt = await rpc.receipt(req.txHash);
      if (receipt && receipt.blockHash === req.blockHash) continue;
      metrics.reorged.inc();
      logger.warn({ rid, txHash: req.txHash, blockNumber: req.blockNumber, nowIn: receipt?.blockNumber ?? null }, 'final transaction changed block or left the chain (L1 reorg); monitoring it again');
      await store.reopen(rid, req.nonce);
      this.lastSentAt.delete(rid);
    }
  }

  private async flushOutbox(): Promise<void> {
    for (const { rid, raw, entry } of await this.d.store.outbox()) {
      await this.d.publish(entry);
      await this.d.store.ackOutbox(rid, raw);
      this.d.metrics.results.inc({ status: entry.result.status });
    }
  }

  private async failQueued(req: RequestRecord, c: Classified): Promise<void> {
    this.d.metrics.failures.inc({ reason: reasonLabel(c.code) });
    this.d.logger.warn({ rid: req.rid, code: c.code, err: c.message }, 'request failed before sending');
    const result: L1TxResult = { owner: req.owner, id: req.id, status: 'failed', error: { code: c.code, message: c.message } };
    await this.d.store.failQueued(req.rid, { msgId: `${req.rid}:failed:unsent`, result });
  }

  private async suggestion(): Promise<Fees> {
    const [baseFee, tip] = await Promise.all([this.d.rpc.baseFee(), this.d.rpc.maxPriorityFee()]);
    return suggestFees(baseFee, tip);
  }

  private async initialFees(): Promise<Fees> {
    const s = await this.suggestion();
    return initialFees(s, feeCap(s, this.d.options.maxFeeMultiplier, this.d.options.maxFeePerGasWei));
  }

  /**
   * An EIP-1559 attempt, built on bytes (@ethereumjs/tx): a sequence's calldata is up to 120 kB,
   * and ethers' hex-string Transaction took ~170 ms of CPU per signature on it, ~18 ms here.
   */
  private sign(req: RequestRecord, nonce: number, gasLimit: bigint, fees: Fees): Attempt {
    this.common ??= createCustomCommon({ chainId: this.chainId }, Mainnet, { hardfork: Hardfork.London });
    this.key ??= Buffer.from(this.d.wallet.privateKey.slice(2), 'hex');
    const tx = createFeeMarket1559Tx(
      {
        chainId: BigInt(this.chainId),
        nonce: BigInt(nonce),
        to: Buffer.from(req.to.slice(2), 'hex'),
        data: Buffer.from(req.data.slice(2), 'hex'),
        value: BigInt(req.value),
        gasLimit,
        maxFeePerGas: fees.maxFeePerGas,
        maxPriorityFeePerGas: fees.maxPriorityFeePerGas,
      },
      { common: this.common },
    ).sign(this.key);
    return {
      hash: `0x${Buffer.from(tx.hash()).toString('hex')}`,
      raw: `0x${Buffer.from(tx.serialize()).toString('hex')}`,
      nonce,
      gasLimit: gasLimit.toString(),
      maxFeePerGas: fees.maxFeePerGas.toString(),
      maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
      signedAtMs: Date.now(),
    };
  }

  private crashIf(point: CrashPoint): void {
    if (this.d.options.crashAt !== point) return;
    this.d.logger.warn({ point }, 'ETHTXMAN_CRASH_AT: killing this process');
    this.d.logger.flush();
    process.kill(process.pid, 'SIGKILL');
  }
}

const hex = (n: bigint) => `0x${n.toString(16)}`;
