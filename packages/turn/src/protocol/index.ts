export * from './types.ts';
export * from './options.ts';
export { Allocation } from './allocation.ts';
export { TurnProtocol, info as allocationInfo, type TrafficByTransport } from './turn-protocol.ts';
export { grantedLifetime } from './allocate.ts';
