import { FetchRequest, getAddress, Interface, JsonRpcProvider, Network, type Log } from 'ethers';
import { L1Rpc, loadArtifact, rollupInterface, type Hex } from '@zkseq/contracts';
import { withTimeout } from '@zkseq/service';

export type BlockHeader = { number: number; hash: Hex; parentHash: Hex; timestamp: number };
export type L1Tx = { hash: Hex; from: Hex; to: Hex | null; data: Hex };
export type GerUpdate = { globalExitRoot: Hex; timestamp: number };

/** The L1 JSON-RPC calls the synchronizer makes, each with a deadline. */
export class L1Reader {
  private readonly provider: JsonRpcProvider;
  /** For transactions: their calldata (sequences of up to 120 kB) parses natively here, not in ethers. */
  private readonly rpc: L1Rpc;
  private readonly rollup = rollupInterface();
  private readonly ger = new Interface(loadArtifact('GlobalExitRootManager').abi);
  readonly topics: { sequenceBatches: string; sequenceForceBatches: string; forceBatch: string; updateGlobalExitRoot: string };

  constructor(
    url: string,
    chainId: number,
    private readonly rollupAddress: Hex,
    private readonly gerAddress: Hex,
    private readonly timeoutMs: number,
  ) {
    const req = new FetchRequest(url);
    req.timeout = timeoutMs;
    this.provider = new JsonRpcProvider(req, Network.from(chainId), { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    this.rpc = new L1Rpc(url, timeoutMs);
    const topic = (name: string) => this.rollup.getEvent(name)!.topicHash;
    this.topics = {
      sequenceBatches: topic('SequenceBatches'), sequenceForceBatches: topic('SequenceForceBatches'), forceBatch: topic('ForceBatch'),
      updateGlobalExitRoot: this.ger.getEvent('UpdateGlobalExitRoot')!.topicHash,
    };
  }

  destroy(): void {
    this.provider.destroy();
  }

  private t<T>(p: Promise<T>, what: string): Promise<T> {
    return withTimeout(p, this.timeoutMs, `L1 ${what}`);
  }

  async headNumber(): Promise<number> {
    return this.t(this.provider.getBlockNumber(), 'eth_blockNumber');
  }

  async block(number: number): Promise<BlockHeader | null> {
    const b = await this.t(this.provider.getBlock(number), `block ${number}`);
    return b ? { number: b.number, hash: b.hash as Hex, parentHash: b.parentHash as Hex, timestamp: b.timestamp } : null;
  }

  /** The rollup's sequencing and forced-batch events and the GER manager's updates in `[from, to]`, in chain order. */
  async logs(from: number, to: number): Promise<Log[]> {
    const t = this.topics;
    const logs = await this.t(
      this.provider.getLogs({
        address: [this.rollupAddress, this.gerAddress], fromBlock: from, toBlock: to,
        topics: [[t.sequenceBatches, t.sequenceForceBatches, t.forceBatch, t.updateGlobalExitRoot]],
      }),
      `logs ${from}..${to}`,
    );
    return [...logs].sort((a, b) => a.blockNumber - b.blockNumber || a.index - b.index);
  }

  /** A GER manager log as an update; null for any other log. */
  parseGerUpdate(log: Log): GerUpdate | null {
    if (log.address.toLowerCase() !== this.gerAddress.toLowerCase() || log.topics[0] !== this.topics.updateGlobalExitRoot) return null;
    const parsed = this.ger.parseLog({ topics: [...log.topics], data: log.data })!;
    return { globalExitRoot: parsed.args[0] as Hex, timestamp: Number(parsed.args[1]) };
  }

  /** The GER manager's last global exit root in the state of block `blockHash`; null while none. */
  async lastGerAt(blockHash: Hex): Promise<GerUpdate | null> {
    const call = async (fn: string, args: unknown[] = []) => {
      const out = await this.t(this.provider.send('eth_call', [{ to: this.gerAddress, data: this.ger.encodeFunctionData(fn, args) }, { blockHash }]) as Promise<string>, fn);
      return this.ger.decodeFunctionResult(fn, out)[0];
    };
    const ger = (await call('lastGlobalExitRoot')) as Hex;
    if (/^0x0{64}$/.test(ger)) return null;
    return { globalExitRoot: ger, timestamp: Number(await call('globalExitRootMap', [ger])) };
  }

  async tx(hash: string): Promise<L1Tx> {
    const tx = await this.rpc.transaction(hash);
    if (!tx) throw new Error(`L1 transaction ${hash} of a rollup event is not known to the node`);
    return { hash: tx.hash as Hex, from: getAddress(tx.from) as Hex, to: tx.to ? (getAddress(tx.to) as Hex) : null, data: tx.input as Hex };
  }

  /** `sequencedBatches(n)` in the state of block `blockHash` (EIP-1898), so a reorg cannot mix states. */
  async sequencedAt(n: number, blockHash: Hex): Promise<{ accInputHash: Hex; previousLastBatchSequenced: number }> {
    const data = this.rollup.encodeFunctionData('sequencedBatches', [n]);
    const out = await this.t(this.provider.send('eth_call', [{ to: this.rollupAddress, data }, { blockHash }]) as Promise<string>, `sequencedBatches(${n})`);
    const [accInputHash, , previousLastBatchSequenced] = this.rollup.decodeFunctionResult('sequencedBatches', out);
    return { accInputHash: accInputHash as Hex, previousLastBatchSequenced: Number(previousLastBatchSequenced) };
  }

  async lastBatchSequenced(): Promise<number> {
    const data = this.rollup.encodeFunctionData('lastBatchSequenced');
    const out = await this.t(this.provider.call({ to: this.rollupAddress, data }), 'lastBatchSequenced');
    return Number(this.rollup.decodeFunctionResult('lastBatchSequenced', out)[0]);
  }
}
