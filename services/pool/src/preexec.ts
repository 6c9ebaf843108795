import { fromHex } from '@zkseq/batch';
import { CodedError, PoolErrorCode } from '@zkseq/errors';
import type { ExecutorClient } from '@zkseq/grpc';
import { hexToH4 } from '@zkseq/smt';
import type { PreExecutor } from './admission';

/** RomError numbers 8..14 of executor.proto: the counter that ran out. */
const OUT_OF_COUNTERS: Record<number, string> = { 8: 'steps', 9: 'keccak', 10: 'binary', 11: 'memAlign', 12: 'arith', 13: 'padding', 14: 'poseidon' };

/**
 * Pre-execution of the transaction alone in an empty batch on the latest root, counters enforced:
 * a transaction that runs out of counters there can never fit any batch. The executor checks the
 * nonce, so only a transaction that is next for its sender can be judged; others are admitted
 * unjudged and left to the sequencer.
 */
export function executorPreCheck(executor: ExecutorClient, chainId: number): PreExecutor {
  const zero32 = new Uint8Array(32);
  return async (tx, root, accountNonce) => {
    if (BigInt(tx.nonce) !== accountNonce) return;
    const res = await executor.processBatch({
      oldStateRoot: hexToH4(root), oldAccInputHash: zero32, oldBatchNum: 0n, chainId: BigInt(chainId), forkId: 6,
      batchL2Data: fromHex(tx.l2Data), globalExitRoot: zero32, timestamp: BigInt(Math.floor(Date.now() / 1000)),
      coinbase: `0x${'0'.repeat(40)}`, updateMerkleTree: false, noCounters: false,
    });
    const counter = OUT_OF_COUNTERS[res.errorRom] ?? OUT_OF_COUNTERS[res.responses[0]?.error ?? 0];
    if (counter) {
      throw new CodedError(PoolErrorCode.OutOfCounters, `out of counters: the transaction alone exceeds the batch's ${counter} counter`, { counter });
    }
  };
}
