/**
 * `pnpm load [options]`: transfers against a running devnet (or any zkseq L2 RPC whose genesis
 * funds the load accounts). Options (all optional):
 *   --rate N            target submissions per second (default 0: as fast as the window allows)
 *   --duration S        sending window in seconds (30)
 *   --erc20 F           share of ERC-20 transfers, 0..1 (0.3); a token is deployed and minted first
 *   --accounts N        senders among the devnet's load accounts (all of them)
 *   --max-in-flight N   transactions submitted and not yet in a batch (2000)
 *   --signer ethers|native   (native: see txs.ts)
 *   --no-virtual        do not wait for the batches to become virtual
 *   --no-sustain        stop sending when the window ends (the last batch then closes on its timeout)
 *   --drain S           wait after the window for closure / virtualisation (90)
 *   --rpc URL --chain-id N   when not using .devnet/devnet.json
 *   --out DIR           report directory (.devnet/load)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { devAccounts, loadAccounts, type DevnetInfo } from '@zkseq/devnet';
import { deployToken } from './erc20';
import { loadProvider, runLoad } from './generator';
import { summaryText, writeReport } from './report';
import type { SignerKind } from './txs';

const GWEI = 1_000_000_000n;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rate: { type: 'string', default: '0' },
      duration: { type: 'string', default: '30' },
      erc20: { type: 'string', default: '0.3' },
      accounts: { type: 'string' },
      'max-in-flight': { type: 'string', default: '2000' },
      signer: { type: 'string', default: 'native' },
      'no-virtual': { type: 'boolean', default: false },
      'no-sustain': { type: 'boolean', default: false },
      drain: { type: 'string', default: '90' },
      rpc: { type: 'string' },
      'chain-id': { type: 'string' },
      out: { type: 'string' },
      'devnet-dir': { type: 'string', default: process.env.DEVNET_DIR ?? '.devnet' },
    },
    strict: true,
  });
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const devnetFile = join(resolve(cwd, values['devnet-dir']!), 'devnet.json');
  const devnet = existsSync(devnetFile) ? (JSON.parse(readFileSync(devnetFile, 'utf8')) as DevnetInfo) : null;
  const rpcUrl = values.rpc ?? devnet?.l2.rpcUrl;
  const chainId = Number(values['chain-id'] ?? devnet?.l2.chainId);
  if (!rpcUrl || !chainId) throw new Error(`no ${devnetFile}: start the devnet (pnpm devnet) or pass --rpc and --chain-id`);
  const available = devnet?.accounts.loadAccounts ?? 0;
  const count = Number(values.accounts ?? available);
  if (!(count >= 2)) throw new Error('need at least 2 load accounts (--accounts N, funded at genesis)');
  if (devnet && count > available) throw new Error(`the devnet's genesis funds ${available} load accounts; --accounts ${count} is more`);
  const signer = values.signer as SignerKind;
  if (signer !== 'native' && signer !== 'ethers') throw new Error('--signer is native or ethers');
  const erc20Share = Number(values.erc20);
  if (!(erc20Share >= 0 && erc20Share <= 1)) throw new Error('--erc20 is a share between 0 and 1');
  const accounts = loadAccounts(count);

  let token: string | undefined;
  if (erc20Share > 0) {
    const provider = loadProvider(rpcUrl, chainId);
    try {
      process.stdout.write(`deploying an ERC-20 on L2 and minting to ${count} senders… `);
      token = (await deployToken(provider, devAccounts(1)[0].privateKey, accounts.map((a) => a.address), 10n ** 24n, GWEI)).address;
      process.stdout.write(`token ${token}\n`);
    } finally {
      provider.destroy();
    }
  }
  const report = await runLoad({
    rpcUrl, chainId, accounts, erc20Share, token, rate: Number(values.rate), durationS: Number(values.duration), maxInFlight: Number(values['max-in-flight']),
    perAccount: 16, signer, gasPrice: GWEI, drainS: Number(values.drain), waitVirtual: !values['no-virtual'], sustain: !values['no-sustain'], trackPollMs: 150, receiptSampleEvery: 50,
    onTick: (t) => process.stdout.write(`  ${t.elapsedS.toFixed(0).padStart(4)} s  accepted ${t.accepted}  included ${t.included}  closed ${t.closed}  in flight ${t.inFlight}  errors ${t.errors}\n`),
  });
  const out = resolve(cwd, values.out ?? join(values['devnet-dir']!, 'load'));
  const name = `load-${report.startedAt.replace(/[:.]/g, '-')}`;
  const files = writeReport(out, name, report, `zkseq load: ${report.windowS.toFixed(0)} s, ${count} senders, ${Math.round(erc20Share * 100)}% ERC-20`);
  process.stdout.write(`\n${summaryText(report)}\nreport ${relative(cwd, files.json)}, chart ${relative(cwd, files.svg)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`load: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
