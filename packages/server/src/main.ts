// `npm start` / `traverse`: load the configuration, start the app, stop gracefully on SIGINT/SIGTERM.
import { ConfigError, helpText, loadConfig } from './config/index.ts';
import { startApp } from './app.ts';

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
  const app = await startApp(loaded.config);
  const host = loaded.config.listenIp === '0.0.0.0' ? 'localhost' : loaded.config.listenIp;
  app.logger.info({
    ports: app.ports,
    mediaIps: app.mediaIps,
    urls: {
      examples: `http://${host}:${app.ports.http}/`,
      signaling: `ws://${host}:${app.ports.ws}/`,
      ...(app.ports.wss ? { secureSignaling: `wss://${host}:${app.ports.wss}/` } : {}),
    },
  }, 'listening');

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
