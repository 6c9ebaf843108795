/**
 * `pnpm devnet`: the local devnet in the foreground until Ctrl-C (see README.md).
 * `node deploy/devnet/dist/cli.js init`: only genesis + L1 deployment + key file against a running
 * L1 (the compose file's init container).
 */
import { join, relative, resolve } from 'node:path';
import { z } from 'zod';
import { env, parseEnv } from '@zkseq/service';
import { prepareChain } from './chain';
import { startDevnet, type Devnet } from './devnet';
import { formatProgress, ProgressWatcher } from './progress';
import { SERVICES } from './services';
import type { Supervisor } from './supervisor';

const root = resolve(__dirname, '../../..');

const schema = z.object({
  DEVNET_DIR: env.string('.devnet'),
  /** fixed: the documented ports; free: any free ports (tests; the banner and devnet.json say which). */
  DEVNET_PORTS: z.enum(['fixed', 'free']).default('fixed'),
  DEVNET_NAMESPACE: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'letters, digits, _ and -').default('devnet'),
  DEVNET_LOAD_ACCOUNTS: env.int(512),
  DEVNET_L1_BLOCK_TIME_MS: env.int(1000, 1),
  /** Seconds between progress lines when stdout is not a terminal. */
  DEVNET_PROGRESS_EVERY_S: env.int(10, 1),
  NATS_URL: env.string('nats://127.0.0.1:4222'),
  REDIS_URL: env.string('redis://127.0.0.1:6379'),
  L2_CHAIN_ID: env.int(1001, 1),
  L1_RPC_URL: env.url('http://127.0.0.1:8545'),
});

const say = (line: string) => process.stdout.write(`${line}\n`);

function printEndpoints(d: Devnet, cwd: string): void {
  const i = d.info;
  const rel = (p: string) => relative(cwd, p) || '.';
  const metrics = SERVICES.map((s) => `${s.name} :${i.services[s.name].ports.metrics}`).join('  ');
  say('');
  say('zkseq devnet');
  say(`  L1 JSON-RPC      ${i.l1.rpcUrl}   chain ${i.l1.chainId} (hardhat, a block every ${i.l1.blockTimeMs} ms)`);
  say(`  L2 JSON-RPC      ${i.l2.rpcUrl}   ${i.l2.wsUrl}   chain ${i.l2.chainId}`);
  say(`  rollup           ${i.contracts.rollup} (trusted sequencer ${i.roles.trustedSequencer})`);
  say(`  hashdb gRPC      127.0.0.1:${i.services.hashdb.ports.grpc}`);
  say(`  executor gRPC    127.0.0.1:${i.services.executor.ports.grpc}`);
  say(`  /metrics ports   ${metrics}`);
  say(`  accounts         the first ${i.accounts.devAccounts} of "${i.accounts.mnemonic}" hold 10,000 ETH each on L2; ${i.accounts.loadAccounts} load accounts`);
  say(`  logs             ${rel(join(i.dir, 'logs'))}/<service>.log`);
  say(`  settings         ${rel(join(i.dir, 'devnet.json'))}`);
  say('');
}

async function runDevnet(cfg: z.infer<typeof schema>): Promise<void> {
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const dir = resolve(cwd, cfg.DEVNET_DIR);
  let devnet: Devnet | undefined;
  let supervisor: Supervisor | undefined;
  let stopping = false;
  const stop = async (code: number, why: string) => {
    if (stopping) return;
    stopping = true;
    say(`\n${why}: stopping every process…`);
    if (devnet) await devnet.stop();
    else await supervisor?.stopAll(5_000);
    say('devnet stopped');
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0, 'Ctrl-C'));
  process.on('SIGTERM', () => void stop(0, 'SIGTERM'));
  process.on('SIGHUP', () => void stop(0, 'SIGHUP'));

  say(`starting the devnet in ${relative(cwd, dir) || '.'} (each start is a fresh chain: the previous one is reset)`);
  devnet = await startDevnet({
    root, dir, ports: cfg.DEVNET_PORTS, namespace: cfg.DEVNET_NAMESPACE, natsUrl: cfg.NATS_URL, redisUrl: cfg.REDIS_URL,
    l1BlockTimeMs: cfg.DEVNET_L1_BLOCK_TIME_MS, l2ChainId: cfg.L2_CHAIN_ID, loadAccounts: cfg.DEVNET_LOAD_ACCOUNTS, streamStorage: 'file',
    log: (l) => say(`  ${l}`),
    onFatal: (err) => void stop(1, err.message),
    onSupervisor: (s) => (supervisor = s),
  });
  if (stopping) return;
  printEndpoints(devnet, cwd);
  say(`devnet ready: L2 JSON-RPC ${devnet.info.l2.rpcUrl} (Ctrl-C stops everything)`);

  const watcher = new ProgressWatcher({ redisUrl: cfg.REDIS_URL, statePrefix: `${devnet.info.redis.prefix}state:`, l1RpcUrl: devnet.info.l1.rpcUrl, rollup: devnet.info.contracts.rollup });
  const tty = process.stdout.isTTY;
  let lastPrinted = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 1000));
    if (stopping) break;
    try {
      const p = await watcher.sample();
      if (tty) process.stdout.write(`\r\x1b[2K${formatProgress(p)}`);
      else if (p.at - lastPrinted >= cfg.DEVNET_PROGRESS_EVERY_S * 1000) {
        say(formatProgress(p));
        lastPrinted = p.at;
      }
    } catch (err) {
      if (!stopping) say(`progress unavailable: ${(err as Error).message}`);
    }
  }
  watcher.close();
}

async function runInit(cfg: z.infer<typeof schema>): Promise<void> {
  const dir = resolve(process.env.INIT_CWD ?? process.cwd(), cfg.DEVNET_DIR);
  const chain = await prepareChain({ root, dir, l1RpcUrl: cfg.L1_RPC_URL, l2ChainId: cfg.L2_CHAIN_ID, loadAccounts: cfg.DEVNET_LOAD_ACCOUNTS, logFile: join(dir, 'deploy.log') });
  say(`genesis ${chain.files.genesis} (root ${chain.genesis.root}), deployment ${chain.files.deployment} (rollup ${chain.deployment.contracts.rollup})`);
}

async function main(): Promise<void> {
  const cfg = parseEnv(schema);
  const command = process.argv[2] ?? 'up';
  if (command === 'up') await runDevnet(cfg);
  else if (command === 'init') await runInit(cfg);
  else throw new Error(`unknown command ${command}: use "up" (default) or "init"`);
}

main().catch((err: unknown) => {
  process.stderr.write(`devnet: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
