// The pure STUN codec (RFC 8489). No sockets, no clock, no logger.
export * from './constants.ts';
export * from './ip.ts';
export * from './message.ts';
export * from './attributes.ts';
export * from './integrity.ts';
export * from './saslprep.ts';
export { crc32 } from './crc32.ts';
