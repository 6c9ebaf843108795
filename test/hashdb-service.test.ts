import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError, GrpcStatus, HashDbErrorCode } from '@zkseq/errors';
import { connect, HashDbClient, unaryCall } from '@zkseq/grpc';
import { h4ToHex, hexToH4, keyBalance, keyCode, keyNonce, keyStorage, type H4 } from '@zkseq/smt';
import { startHashDb, type HashDbProcess } from './hashdb-process';

const genesisFile = join(__dirname, '../../shared/vectors/mainnet-genesis/genesis.json');
const MAINNET_ROOT = '0x3f86b09b43e3e49a41fc20a07579b79eba044253367817d5c241d23c0e2bc5c9';
const Z: H4 = [0n, 0n, 0n, 0n];

jest.setTimeout(60_000);

describe('hashdb service over gRPC', () => {
  let dir: string;
  let proc: HashDbProcess;
  let client: HashDbClient;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hashdb-svc-'));
    proc = await startHashDb({ HASHDB_DATA_DIR: dir, HASHDB_GENESIS_FILE: genesisFile, HASHDB_MAX_KEYS: '100' });
    client = new HashDbClient({ address: proc.grpcAddress });
  });

  afterAll(async () => {
    client.close();
    proc.child.kill('SIGTERM');
    expect(await proc.exited).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the genesis loaded at start', async () => {
    const root = hexToH4(MAINNET_ROOT);
    const deployer = '0xCB19eDdE626906eB1EE52357a27F62dd519608C2';
    const [nonce, codeHash] = await client.getLeaves(root, [keyNonce(deployer), keyCode(deployer)]);
    expect(nonce).toBe(4n);
    const code = await client.getProgram(hexToH4('0x' + codeHash.toString(16).padStart(64, '0')));
    expect(Buffer.from(code).toString('hex').startsWith('608060405260043610')).toBe(true);
    expect(h4ToHex(await client.loadGenesis([], { persist: false }))).toBe(h4ToHex(Z));
  });

  it('applies steps (R1, R2), reads them back and keeps old roots', async () => {
    const a = '0x' + '11'.repeat(20);
    const root0 = await client.apply(Z, [{ key: keyBalance(a), value: 1000n }]);
    const slotKey = keyStorage('0x000000000000000000000000000000005ca1ab1e', 77n);
    const [r] = await client.applySteps(root0, [{ changes: [{ key: keyBalance(a), value: 999n }, { key: keyNonce(a), value: 1n }], rootSlotKey: slotKey }]);
    expect(r.rootAfterSlot).toBeDefined();
    const r1n = BigInt(h4ToHex(r.root));
    expect(await client.getLeaves(r.rootAfterSlot!, [keyBalance(a), keyNonce(a), slotKey])).toEqual([999n, 1n, r1n]);
    expect(await client.getLeaves(root0, [keyBalance(a), keyNonce(a)])).toEqual([1000n, 0n]);
    const [hash] = await client.setPrograms([Buffer.from('6001', 'hex')]);
    expect(Buffer.from(await client.getProgram(hash)).toString('hex')).toBe('6001');
    const id = await client.flush({ wait: true });
    const status = await client.flushStatus();
    expect(status.storedFlushId).toBeGreaterThanOrEqual(id);
    expect(status.pendingFlushId).toBe(id);
  });

  it('answers bad input with INVALID_ARGUMENT / NOT_FOUND and keeps serving', async () => {
    const raw = connect('hashdb.proto', 'zkseq.hashdb.v1.HashDb', proc.grpcAddress);
    const expectCode = async (p: Promise<unknown>, code: HashDbErrorCode, grpc: GrpcStatus, message: RegExp) => {
      const err = await p.then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(CodedError);
      expect((err as CodedError).code).toBe(code);
      expect((err as CodedError).wire.grpc).toBe(grpc);
      expect((err as CodedError).message).toMatch(message);
    };
    await expectCode(unaryCall(raw, 'getLeaves', { root: Buffer.alloc(32), keys: [Buffer.alloc(5)] }, false), HashDbErrorCode.InvalidKey, GrpcStatus.INVALID_ARGUMENT, /keys\[0\] must be 32 bytes/);
    await expectCode(unaryCall(raw, 'getLeaves', { root: Buffer.alloc(31), keys: [] }, false), HashDbErrorCode.InvalidRoot, GrpcStatus.INVALID_ARGUMENT, /root must be 32 bytes/);
    await expectCode(unaryCall(raw, 'getLeaves', { root: Buffer.alloc(32, 0xff), keys: [] }, false), HashDbErrorCode.InvalidRoot, GrpcStatus.INVALID_ARGUMENT, /word >= p/);
    await expectCode(
      unaryCall(raw, 'applySteps', { root: Buffer.alloc(32), steps: [{ changes: [{ key: Buffer.alloc(32), value: Buffer.alloc(33, 1) }] }] }, false),
      HashDbErrorCode.InvalidValue, GrpcStatus.INVALID_ARGUMENT, /at most 32 bytes/,
    );
    await expectCode(client.getLeaves(keyBalance('0x' + '22'.repeat(20)), [Z]), HashDbErrorCode.UnknownRoot, GrpcStatus.NOT_FOUND, /is not stored/);
    await expectCode(client.getProgram(keyNonce('0x' + '33'.repeat(20))), HashDbErrorCode.UnknownProgram, GrpcStatus.NOT_FOUND, /is not stored/);
    await expectCode(client.getLeaves(Z, Array(101).fill(Z)), HashDbErrorCode.RequestTooLarge, GrpcStatus.INVALID_ARGUMENT, /too many keys/);
    raw.close();
    // Still serving, and the metrics saw every status.
    expect(await client.getLeaves(hexToH4(MAINNET_ROOT), [Z])).toEqual([0n]);
    const metrics = await (await fetch(proc.metricsUrl)).text();
    expect(metrics).toMatch(/hashdb_grpc_calls_total\{method="getLeaves",status="INVALID_ARGUMENT",service="hashdb"\} 4/);
    expect(metrics).toMatch(/hashdb_grpc_calls_total\{method="getLeaves",status="NOT_FOUND",service="hashdb"\} 1/);
    expect(metrics).toMatch(/hashdb_hashes_total\{service="hashdb"\} [1-9]/);
    expect(metrics).toMatch(/hashdb_nodes_written_total\{service="hashdb"\} [1-9]/);
    expect(metrics).toMatch(/hashdb_grpc_latency_seconds_count\{service="hashdb",method="applySteps"\} [1-9]/);
  });
});
