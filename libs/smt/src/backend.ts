import { MemoryNodeStore } from './memory-store';
import type { NodeStore } from './store';

/** What HashDb needs from storage: nodes, programs by hash (hex key), and durable flushes. */
export interface HashDbBackend extends NodeStore {
  getProgram(hash: string): Promise<Uint8Array | undefined>;
  putProgram(hash: string, code: Uint8Array): void;
  /** Makes everything put so far durable and records `flushId` as stored. */
  flush(flushId: number): Promise<void>;
  /** The last flush id stored before this process opened the backend. */
  readonly storedFlushId: number;
  close(): Promise<void>;
}

/** A backend that keeps everything in memory; its flushes are trivially "durable" for the process. */
export class MemoryBackend extends MemoryNodeStore implements HashDbBackend {
  private readonly programs = new Map<string, Uint8Array>();
  readonly storedFlushId = 0;

  async getProgram(hash: string): Promise<Uint8Array | undefined> {
    return this.programs.get(hash);
  }

  putProgram(hash: string, code: Uint8Array): void {
    this.programs.set(hash, code);
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}
