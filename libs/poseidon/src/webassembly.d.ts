// The WebAssembly global of Node, typed for the calls the kernel loader makes (lib "ES2022" has no
// WebAssembly types and "DOM" would bring in the whole browser).
declare namespace WebAssembly {
  class Module {
    constructor(bytes: Uint8Array);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(pages: number): number;
  }
}
