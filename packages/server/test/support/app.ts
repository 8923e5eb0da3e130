// Starts the whole media server in-process on ephemeral ports, for tests.
import { startApp, validateConfig, type RunningApp, type ServerSettings } from '../../src/index.ts';

/**
 * TURN relay ports of the server tests: above Linux's ephemeral range (32768–60999), so an OS-chosen
 * port elsewhere cannot take one, and apart from the ranges other suites use at the same time.
 */
export const TEST_RELAY_PORTS = [63000, 64499] as const;
/** Media ports for the tests that configure a media range (the others let the OS choose). */
export const TEST_MEDIA_PORTS = [64500, 64999] as const;

export async function testApp(overrides: ServerSettings = {}): Promise<RunningApp & { wsUrl: string; httpUrl: string }> {
  const config = validateConfig({
    httpPort: 0, wsPort: 0, listenIp: '127.0.0.1', mediaIps: ['127.0.0.1'], mediaUdpPort: 0, mediaTcpPort: 0,
    logLevel: 'silent', iceTimeoutSeconds: 10, pingIntervalSeconds: 2,
    ...overrides,
    turn: { port: 0, tlsPort: 0, listeningIps: ['127.0.0.1'], relayIps: ['127.0.0.1'], minPort: TEST_RELAY_PORTS[0], maxPort: TEST_RELAY_PORTS[1], ...(overrides.turn ?? {}) },
  });
  const app = await startWithRetries(config);
  const host = config.listenIp.includes(':') ? `[${config.listenIp}]` : config.listenIp;
  return Object.assign(app, { wsUrl: `ws://${host}:${app.ports.ws}/`, httpUrl: `http://${host}:${app.ports.http}` });
}

/**
 * The embedded TURN listens on one port number for UDP and TCP: with port 0, TCP takes the number the
 * OS gave UDP, which another process's TCP socket may hold on a busy machine (EADDRINUSE). Another
 * start gets another number.
 */
async function startWithRetries(config: Parameters<typeof startApp>[0]): Promise<RunningApp> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startApp(config);
    } catch (err) {
      if ((err as { code?: string }).code !== 'EADDRINUSE' || attempt === 5) throw err;
    }
  }
}
