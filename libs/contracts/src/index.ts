export { loadArtifact, type Artifact, type ContractName } from './artifacts';
export * from './rollup';
export { contractAt, deploySystem, fundFees, DEFAULT_BATCH_FEE, DEFAULT_FORCE_BATCH_TIMEOUT, type DeployOptions, type DeployedSystem } from './deploy';
export { genesisFileSchema, l1DeploymentSchema, readL1Deployment, writeL1Deployment, type GenesisAccount, type L1Deployment } from './deployment';
export {
  DEV_L1_CHAIN_ID,
  DEV_MNEMONIC,
  devAccount,
  devProvider,
  hardhatNodeConfig,
  startL1Node,
  type DevAccount,
  type L1ChainOptions,
  type L1Node,
  type L1NodeOptions,
} from './l1-node';
export { L1Rpc, RpcResponseError, RpcUnavailableError, type RpcReceipt, type RpcTransaction, type TxCall } from './l1-rpc';
