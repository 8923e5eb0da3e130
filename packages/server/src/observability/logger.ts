// The process logger: pino JSON, pretty-printed when stdout is a terminal.
import { pino, type Logger } from 'pino';

export function createLogger(level: string): Logger {
  if (process.stdout.isTTY && level !== 'silent') {
    return pino({ level, transport: { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss' } } });
  }
  return pino({ level, base: { name: 'traverse' } });
}
