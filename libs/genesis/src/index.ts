export { parseGenesis, readGenesisFile, genesisToJson, writeGenesisFile, type L2Genesis, type GenesisJson } from './genesis';
