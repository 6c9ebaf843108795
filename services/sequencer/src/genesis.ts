import { readGenesisFile } from '@zkseq/genesis';
import type { Logger } from '@zkseq/service';
import { h4ToHex, type HashDbApi } from '@zkseq/smt';
import type { Hex, StateDb } from '@zkseq/statedb';
import { genesisBlock } from './blocks';

export type GenesisDeps = { state: StateDb; hashdb: HashDbApi; file: string | undefined; chainId: number; coinbase: Hex; logger: Logger };

/**
 * Batch 0 and block 0 from the genesis file: the accounts go into the hashdb (flushed before the
 * StateDB refers to their root), then the StateDB gets its first records. Both steps are
 * idempotent, so a crash in between is repaired by the next start. With a StateDB that already
 * has a genesis, the file (when given) must produce the same root.
 */
export async function ensureGenesis(d: GenesisDeps): Promise<void> {
  const heads = await d.state.getHeads();
  if (heads && !d.file) return;
  if (!d.file) throw new Error('the StateDB has no genesis and SEQUENCER_GENESIS_FILE is not set');
  const g = readGenesisFile(d.file);
  if (g.chainId !== d.chainId) throw new Error(`${d.file}: chain id ${g.chainId} differs from L2_CHAIN_ID ${d.chainId}`);
  if (heads) {
    const root = h4ToHex(await d.hashdb.loadGenesis(g.accounts, { persist: false }));
    const batch0 = await d.state.getBatch(0);
    if (batch0?.stateRoot !== root) throw new Error(`${d.file}: genesis root ${root} differs from the StateDB's batch 0 root ${batch0?.stateRoot}`);
    return;
  }
  const root = h4ToHex(await d.hashdb.loadGenesis(g.accounts)) as Hex;
  if (g.root && g.root !== root) throw new Error(`${d.file}: computed genesis root ${root} differs from its "root" ${g.root}`);
  await d.hashdb.flush({ wait: true });
  const created = await d.state.initGenesis({ stateRoot: root, timestamp: g.timestamp, coinbase: d.coinbase, block: genesisBlock(root, g.timestamp, d.coinbase) });
  d.logger.info({ root, accounts: g.accounts.length, created }, 'genesis loaded (batch 0)');
}
