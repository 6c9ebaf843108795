import { FetchRequest, Interface, JsonRpcProvider, Network, toBeHex, zeroPadValue } from 'ethers';
import { loadArtifact, rollupInterface, type L1Deployment } from '@zkseq/contracts';
import { withTimeout } from '@zkseq/service';

/** A provider that asks the node every time (no response cache, no request batching). */
export function l1Provider(url: string, chainId: number, timeoutMs: number): JsonRpcProvider {
  const req = new FetchRequest(url);
  req.timeout = timeoutMs;
  return new JsonRpcProvider(req, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
}

/** The L1 facts the sequence-sender needs: what the rollup holds, the head, GERs and forced batches. */
export class RollupView {
  private readonly rollup = rollupInterface();
  private readonly ger = new Interface(loadArtifact('GlobalExitRootManager').abi);
  private readonly knownGers = new Set<string>();
  private readonly forcedTimestamps = new Map<number, bigint>();

  constructor(
    private readonly provider: JsonRpcProvider,
    private readonly d: L1Deployment,
    private readonly timeoutMs: number,
  ) {}

  private async call(iface: Interface, to: string, fn: string, args: unknown[] = []): Promise<unknown[]> {
    const data = iface.encodeFunctionData(fn, args);
    const out = await withTimeout(this.provider.call({ to, data }), this.timeoutMs, `L1 ${fn}`);
    return [...iface.decodeFunctionResult(fn, out)];
  }

  async lastBatchSequenced(): Promise<number> {
    return Number((await this.call(this.rollup, this.d.contracts.rollup, 'lastBatchSequenced'))[0]);
  }

  async head(): Promise<{ number: number; timestamp: number }> {
    const b = await withTimeout(this.provider.getBlock('latest'), this.timeoutMs, 'L1 latest block');
    if (!b) throw new Error('L1 node returned no latest block');
    return { number: b.number, timestamp: b.timestamp };
  }

  /** A recorded GER stays recorded, so positive answers are cached. */
  async gerOnL1(ger: string): Promise<boolean> {
    if (/^0x0{64}$/.test(ger) || this.knownGers.has(ger)) return true;
    const [ts] = await this.call(this.ger, this.d.contracts.globalExitRootManager, 'globalExitRootMap', [ger]);
    if ((ts as bigint) === 0n) return false;
    this.knownGers.add(ger);
    return true;
  }

  /** After a failed sequence: a reorg may have moved a forceBatch call into another block. */
  forgetForcedBatches(): void {
    this.forcedTimestamps.clear();
  }

  /** The timestamp `forceBatch` stored for forced batch `n` (its block's), or null while unseen. */
  async forcedBatchTimestamp(n: number): Promise<bigint | null> {
    const cached = this.forcedTimestamps.get(n);
    if (cached !== undefined) return cached;
    const logs = await withTimeout(
      this.provider.getLogs({
        address: this.d.contracts.rollup,
        fromBlock: this.d.l1.deploymentBlockNumber,
        toBlock: 'latest',
        topics: [this.rollup.getEvent('ForceBatch')!.topicHash, zeroPadValue(toBeHex(n), 32)],
      }),
      this.timeoutMs,
      'L1 ForceBatch logs',
    );
    const log = logs.at(-1);
    if (!log) return null;
    const block = await withTimeout(this.provider.getBlock(log.blockHash), this.timeoutMs, 'L1 block');
    if (!block) return null;
    const ts = BigInt(block.timestamp);
    this.forcedTimestamps.set(n, ts);
    return ts;
  }
}
