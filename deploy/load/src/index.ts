export { runLoad, loadProvider, type LoadOptions, type LoadReport, type SeriesPoint } from './generator';
export { InclusionTracker, type Stage } from './tracker';
export { TxSigner, ETH_TRANSFER_GAS, ERC20_TRANSFER_GAS, type SignedTx, type SignerKind, type TxKind } from './txs';
export { deployToken, type TokenSetup } from './erc20';
export { renderChart, niceStep, type Line, type Panel } from './chart';
export { reportChart, writeReport, summaryText } from './report';
export { summarize, errorType, type LatencySummary } from './stats';
