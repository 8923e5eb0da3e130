export * from './constants.ts';
export * from './limits.ts';
export * from './client-messages.ts';
export * from './server-messages.ts';
export * from './connect-reply.ts';
