export * from './subjects';
export type * from './messages';
export { connectNats, connectServiceNats, consumeDurable, decode, deleteStreams, encode, ensureStreams, publishDurable } from './nats';
export type { DurableConsumerOptions, NatsOptions, ServiceHooks, StreamOptions } from './nats';
export { L1TxClient } from './l1tx-client';
