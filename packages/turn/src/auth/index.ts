export * from './credentials.ts';
export * from './nonce.ts';
