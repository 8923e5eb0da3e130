// The process logger: pino JSON lines, or pino-pretty's readable lines for a person at a terminal.
import { pino, type Logger } from 'pino';
import { build as prettyStream } from 'pino-pretty';

/** `auto`: pretty when stdout is a terminal, JSON lines otherwise (pipes, files, log collectors). */
export type LogFormatOption = 'auto' | 'json' | 'pretty';
export type LogFormat = 'json' | 'pretty';

export function resolveLogFormat(option: LogFormatOption, stdoutIsTTY: boolean | undefined): LogFormat {
  if (option !== 'auto') return option;
  return stdoutIsTTY === true ? 'pretty' : 'json';
}

export function createLogger(level: string, format: LogFormat = resolveLogFormat('auto', process.stdout.isTTY)): Logger {
  if (format === 'pretty') {
    // In-process and synchronous (not a worker transport), so lines keep their order with anything
    // else written to stdout and none is lost at exit. Colours only for a terminal.
    const stream = prettyStream({
      colorize: process.stdout.isTTY === true,
      translateTime: 'SYS:HH:MM:ss',
      ignore: 'pid,hostname,name',
      sync: true,
      destination: 1,
    });
    return pino({ level, base: { name: 'traverse' } }, stream);
  }
  return pino({ level, base: { name: 'traverse' } });
}
