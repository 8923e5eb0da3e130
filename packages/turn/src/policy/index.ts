export * from './ip-range.ts';
export * from './peer-policy.ts';
export * from './rate-limiter.ts';
