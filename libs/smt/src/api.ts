import type { H4 } from '@zkseq/poseidon';

/**
 * The state tree service contract. Implemented in process by `HashDb` (this package) and over gRPC
 * by `HashDbClient` (@zkseq/grpc); callers program against this interface only.
 *
 * Keys and roots are h4 (four field elements, word 0 least significant, spec 2.1); values are
 * uint256 as bigint, and 0 means "absent" (writing 0 deletes the leaf). Errors are CodedErrors
 * with HashDbErrorCode: InvalidKey / InvalidRoot / InvalidValue / RequestTooLarge for malformed
 * input, UnknownRoot when a root is not stored, UnknownProgram for a missing bytecode.
 */
export interface HashDbApi {
  /** Random per process start: a change tells a client that unflushed data may be gone. */
  instanceId(): Promise<string>;

  /** Values of many leaves at one root (0 for absent keys), in the order of `keys`. */
  getLeaves(root: H4, keys: readonly H4[]): Promise<bigint[]>;

  /** Applies a set of leaf writes to `root` at once and returns the new root. */
  apply(root: H4, changes: readonly LeafChange[], opts?: WriteOptions): Promise<H4>;

  /**
   * Several transactions' updates in one call, each step starting from the previous step's final
   * root: per step, apply `changes` (the tx's writes plus system slot 0) giving R1, then, when
   * `rootSlotKey` is set, write N(R1) (spec 2.1) to that key giving R2 (zkevm-state.md 5, step 3).
   */
  applySteps(root: H4, steps: readonly ApplyStep[], opts?: WriteOptions): Promise<StepResult[]>;

  /** Bytecode by its linear Poseidon hash (spec 4); UnknownProgram when not stored. */
  getProgram(hash: H4): Promise<Uint8Array>;

  /** Stores bytecodes and returns their hashes (computed here, so a client cannot mislabel one). */
  setPrograms(codes: readonly Uint8Array[], opts?: WriteOptions): Promise<H4[]>;

  /** Builds a state from an empty tree: balances, nonces, code (hash, length, program) and storage. */
  loadGenesis(accounts: readonly GenesisAccount[], opts?: WriteOptions): Promise<H4>;

  /**
   * Makes everything written so far durable under a new flush id. Returns the id at once; with
   * `wait` it returns only after the id is stored. Once `flushStatus().storedFlushId >= id`,
   * a crash (kill -9) loses nothing written before the flush call.
   */
  flush(opts?: { wait?: boolean }): Promise<number>;

  flushStatus(): Promise<FlushStatus>;
}

/** One leaf write; `value` 0 deletes the leaf. */
export type LeafChange = { key: H4; value: bigint };

export type ApplyStep = {
  changes: readonly LeafChange[];
  /** Key of the system-contract slot keccak256(txCount ‖ 1) (storage key, spec 3), if R1 is to be recorded. */
  rootSlotKey?: H4;
};

/** `root` = R1 (after the step's changes); `rootAfterSlot` = R2 when the step had a rootSlotKey. */
export type StepResult = { root: H4; rootAfterSlot?: H4 };

export type WriteOptions = {
  /**
   * false: compute roots without storing anything (eth_call, gas estimation). Steps of one
   * applySteps call still build on each other, but the resulting roots are not readable later.
   * Default true.
   */
  persist?: boolean;
};

export type GenesisAccount = {
  /** 0x-prefixed 20-byte hex. */
  address: string;
  balance?: bigint;
  nonce?: bigint;
  /** Runtime bytecode; empty or absent means no code leaves. */
  code?: Uint8Array;
  /** Storage slot -> value; zero values are skipped. */
  storage?: ReadonlyMap<bigint, bigint>;
};

export type FlushStatus = {
  /** Highest flush id whose data is durable. */
  storedFlushId: number;
  /** Highest flush id handed out. */
  pendingFlushId: number;
  /** The instance the ids belong to (as instanceId()): one call tells both. */
  instanceId: string;
};
