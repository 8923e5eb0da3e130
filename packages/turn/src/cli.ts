// The traverse-turn program: arguments → createTurnServer, a metrics endpoint, signal handling.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { pino, type Logger } from 'pino';
import type { Registry } from 'prom-client';
import { CliError, helpText, mergeRaw, parseArgv, parseConfigFile, toSettings } from './cli-args.ts';
import { TurnConfigError } from './config.ts';
import { createTurnServer } from './server.ts';

function makeLogger(level: string): Logger {
  if (process.stdout.isTTY) {
    return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } });
  }
  return pino({ level, base: { name: 'traverse-turn' } });
}

/** Runs the CLI; resolves with the exit code once the server has stopped (or failed to start). */
export async function runCli(argv: readonly string[]): Promise<number> {
  let settings;
  try {
    const cli = parseArgv(argv);
    const configPath = cli.get('config')?.at(-1);
    const file = typeof configPath === 'string' ? parseConfigFile(readFileSync(configPath, 'utf8')) : new Map();
    settings = toSettings(mergeRaw(file, cli));
  } catch (err) {
    if (err instanceof CliError || (err as NodeJS.ErrnoException).code === 'ENOENT') {
      process.stderr.write(`traverse-turn: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
  if (settings.help) {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  const log = makeLogger(settings.logLevel);
  // The metrics library is loaded only when an endpoint will serve it.
  let registry: Registry | undefined;
  if (settings.prometheusPort !== undefined) {
    const prom = await import('prom-client');
    registry = new prom.Registry();
    prom.collectDefaultMetrics({ register: registry });
  }
  let server;
  try {
    server = await createTurnServer({ ...settings.turn, logger: log, ...(registry ? { metrics: registry } : {}) });
  } catch (err) {
    if (err instanceof TurnConfigError) {
      process.stderr.write(`traverse-turn: ${err.message}\n`);
      return 2;
    }
    log.error({ err }, 'could not start');
    return 1;
  }
  if (settings.demo) log.warn({ users: settings.turn.users?.map((u) => u.username) }, 'demo mode: static demo credentials are enabled');

  let metricsServer: ReturnType<typeof createServer> | undefined;
  if (settings.prometheusPort !== undefined && registry) {
    const served = registry;
    metricsServer = createServer((req, res) => {
      if (req.url !== '/metrics') {
        res.writeHead(404).end();
        return;
      }
      served.metrics().then(
        (body) => res.writeHead(200, { 'content-type': served.contentType }).end(body),
        () => res.writeHead(500).end(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      metricsServer!.once('error', reject);
      metricsServer!.listen(settings.prometheusPort, settings.prometheusIp, () => resolve());
    });
    const a = metricsServer.address();
    log.info({ metrics: typeof a === 'object' && a ? `http://${a.address}:${a.port}/metrics` : undefined }, 'metrics endpoint');
  }

  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'stopping');
      metricsServer?.close();
      void server.close().then(() => resolve(0));
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
