export { SERVICES, SERVICE_NAMES, service, serviceMain, startOrder, type PortName, type Ports, type ServiceName, type ServiceSpec, type Topology } from './services';
export { Supervisor, type ProcessSpec, type SupervisorEvent, type SupervisorOptions } from './supervisor';
export { devAccounts, loadAccounts, devGenesis, genesisRoot, DEV_ACCOUNT_BALANCE, DEV_ACCOUNT_COUNT, LOAD_ACCOUNT_BALANCE, DEVNET_COINBASE, type KeyedAccount } from './accounts';
export { prepareChain, chainFiles, type ChainFiles, type PreparedChain } from './chain';
export { startDevnet, resetDevnetState, devnetTopology, Devnet, L1_PORT, type DevnetInfo, type DevnetOptions, type ServiceInfo } from './devnet';
export { ProgressWatcher, formatProgress, type ProgressSample } from './progress';
export { alive, freePort, freePorts, jsonRpc, listening, until } from './net';
