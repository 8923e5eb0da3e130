// `npm start` / `traverse`: load the configuration, start the app, stop gracefully on SIGINT/SIGTERM.
import { ConfigError, helpText, loadConfig } from './config/index.ts';
import { startApp } from './app.ts';
import { createLogger, resolveLogFormat } from './observability/logger.ts';
import { startupSummary } from './observability/startup-summary.ts';

export async function main(argv: readonly string[]): Promise<number> {
  let loaded;
  try {
    loaded = loadConfig(argv);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`traverse: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (loaded.help) {
    process.stdout.write(`${helpText()}\n`);
    return 0;
  }
  const format = resolveLogFormat(loaded.config.logFormat, process.stdout.isTTY);
  const app = await startApp(loaded.config, { logger: createLogger(loaded.config.logLevel, format) });
  if (format === 'pretty') {
    app.logger.info(startupSummary(app).join('\n'));
  } else {
    logListening(app, loaded.config.listenIp);
  }

  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      app.logger.info({ signal }, 'stopping');
      // Exit 0 within 5 s even if something hangs.
      const deadline = setTimeout(() => resolve(0), 4500);
      deadline.unref();
      void app.stop().then(() => {
        clearTimeout(deadline);
        app.logger.info('stopped');
        resolve(0);
      });
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}

/** The JSON-mode start-up line: tests and tools wait for `"msg":"listening"` and read its ports. */
function logListening(app: Awaited<ReturnType<typeof startApp>>, listenIp: string): void {
  const host = listenIp === '0.0.0.0' ? 'localhost' : listenIp;
  app.logger.info({
    ports: app.ports,
    mediaIps: app.mediaIps,
    urls: {
      examples: `http://${host}:${app.ports.http}/`,
      signaling: `ws://${host}:${app.ports.ws}/`,
      ...(app.ports.wss ? { secureSignaling: `wss://${host}:${app.ports.wss}/` } : {}),
    },
  }, 'listening');
}
