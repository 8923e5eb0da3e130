// @traverse/server: the media server as a library (tests and embedding) — startApp(config).
export { startApp, type RunningApp } from './app.ts';
export { loadConfig, validateConfig, ConfigError, type ServerConfig, type ServerSettings } from './config/index.ts';
