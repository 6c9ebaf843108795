// The local L1 of `pnpm l1:node` (hardhat 2.x, offline). Settings come from the environment:
//   L1_CHAIN_ID (default 31337), L1_BLOCK_TIME_MS (default 1000; 0 = automine: a block per tx).
// Needs `pnpm build` first: the shared config lives in @zkseq/contracts.
const { hardhatNodeConfig } = require('@zkseq/contracts');

module.exports = hardhatNodeConfig({
  workDir: __dirname,
  chainId: process.env.L1_CHAIN_ID ? Number(process.env.L1_CHAIN_ID) : undefined,
  blockTimeMs: process.env.L1_BLOCK_TIME_MS ? Number(process.env.L1_BLOCK_TIME_MS) : undefined,
});
