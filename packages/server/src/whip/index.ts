export { whipRoutes, type WhipDeps, type WhipMedia } from './routes.ts';
export { WhipResources } from './resources.ts';
export { checkWhipToken, type WhipTokenSettings } from './bearer-token.ts';
export { iceServerLinks } from './link-header.ts';
