export { configSchema, type ServerConfig, type ServerSettings } from './schema.ts';
export { ConfigError, FLAGS, helpText, loadConfig, parseFlags, validateConfig } from './load.ts';
