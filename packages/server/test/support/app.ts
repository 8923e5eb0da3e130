// Starts the whole media server in-process on ephemeral ports, for tests.
import { startApp, validateConfig, type RunningApp, type ServerSettings } from '../../src/index.ts';

export async function testApp(overrides: ServerSettings = {}): Promise<RunningApp & { wsUrl: string; httpUrl: string }> {
  const config = validateConfig({
    httpPort: 0, wsPort: 0, listenIp: '127.0.0.1', mediaIps: ['127.0.0.1'], mediaPortMin: 0, mediaPortMax: 0,
    logLevel: 'silent', iceTimeoutSeconds: 10, pingIntervalSeconds: 2,
    ...overrides,
    turn: { port: 0, tlsPort: 0, listeningIps: ['127.0.0.1'], relayIps: ['127.0.0.1'], minPort: 50000, maxPort: 50999, ...(overrides.turn ?? {}) },
  });
  const app = await startApp(config);
  return Object.assign(app, { wsUrl: `ws://127.0.0.1:${app.ports.ws}/`, httpUrl: `http://127.0.0.1:${app.ports.http}` });
}
