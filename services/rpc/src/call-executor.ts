import { encodeBatchTx, fromHex, toHex, type TxFields } from '@zkseq/batch';
import { loadProto, type ExecutorClient } from '@zkseq/grpc';
import { hexToH4 } from '@zkseq/smt';
import type { Hex } from '@zkseq/statedb';
import type { CallExecutor, CallRequest, CallResult } from './backend';

/** RomError number → name, from executor.proto itself. */
function romErrorNames(): Map<number, string> {
  const pkg = loadProto('executor.proto') as unknown as { zkseq: { executor: { v1: { RomError: { type: { value: { name: string; number: number }[] } } } } } };
  return new Map(pkg.zkseq.executor.v1.RomError.type.value.map((v) => [v.number, v.name]));
}

const NO_ERROR = 1;

/**
 * eth_call / eth_estimateGas as the zkEVM node does it: the call becomes a one-transaction batch
 * on the block's state root, executed unsigned as `from` (the signature bytes are ignored),
 * counters not enforced, nothing stored.
 */
export class ExecutorCalls implements CallExecutor {
  private readonly names = romErrorNames();
  private readonly zero32 = new Uint8Array(32);

  constructor(
    private readonly executor: ExecutorClient,
    private readonly chainId: number,
  ) {}

  async call(req: CallRequest): Promise<CallResult> {
    const tx: TxFields = {
      nonce: req.nonce, gasPrice: req.gasPrice, gasLimit: req.gas, to: req.to ? fromHex(req.to) : null, value: req.value,
      data: fromHex(req.data), chainId: BigInt(this.chainId),
    };
    const res = await this.executor.processBatch({
      oldStateRoot: hexToH4(req.block.stateRoot), oldAccInputHash: this.zero32, oldBatchNum: BigInt(req.block.batchNumber),
      chainId: BigInt(this.chainId), forkId: 6, batchL2Data: encodeBatchTx(tx, { r: 0n, s: 0n, v: 27 }), globalExitRoot: this.zero32,
      timestamp: BigInt(req.block.timestamp), coinbase: req.block.miner, updateMerkleTree: false, noCounters: true, from: req.from,
    });
    const t = res.responses[0];
    const code = res.errorRom !== NO_ERROR && res.errorRom !== 0 ? res.errorRom : (t?.error ?? NO_ERROR);
    return {
      gasUsed: t?.gasUsed ?? 0n,
      returnData: toHex(t?.returnValue ?? new Uint8Array(0)) as Hex,
      error: code === NO_ERROR ? null : (this.names.get(code) ?? `ROM_ERROR_${code}`),
    };
  }
}
