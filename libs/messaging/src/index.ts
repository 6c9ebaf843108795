export * from './subjects';
export type * from './messages';
export { connectNats, consumeDurable, decode, deleteStreams, encode, ensureStreams, publishDurable } from './nats';
export type { DurableConsumerOptions, NatsOptions, StreamOptions } from './nats';
export { L1TxClient } from './l1tx-client';
