export { P, Z4, fe, add, mul, pow7, type H4 } from './field';
export { poseidonReference } from './reference';
export { loadKernel, loadNativeBinding, type Kernel, type KernelName } from './kernel';
export { kernel, poseidon, putWord, getWord } from './hash';
export { hashBytecode } from './bytecode';
