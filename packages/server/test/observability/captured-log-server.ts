// The whole server in-process on loopback (no TURN), its log captured line by line at info level.
import { pino } from 'pino';
import { startApp, validateConfig, type ServerSettings } from '../../src/index.ts';

export async function serverWithCapturedLog(settings: ServerSettings) {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
  const config = validateConfig({
    httpPort: 0, wsPort: 0, listenIp: '127.0.0.1', mediaIps: ['127.0.0.1'], mediaUdpPort: 0, mediaTcpPort: 0,
    turn: { enabled: false }, ...settings,
  });
  const app = await startApp(config, { logger });
  return { app, lines, wsUrl: `ws://127.0.0.1:${app.ports.ws}/`, httpUrl: `http://127.0.0.1:${app.ports.http}` };
}

/** The `msg` of each captured line, with its reason when it has one. */
export function describeLines(lines: readonly string[]): string {
  return lines.map((l) => {
    const j = JSON.parse(l) as { msg: string; reason?: string };
    return `${j.msg}${j.reason ? ` (${j.reason})` : ''}`;
  }).join('\n');
}

/** Events of one message accounted for in the captured lines: those written, plus the counts of its "N more suppressed" lines. */
export function accountedFor(lines: readonly string[], msg: string): number {
  let n = 0;
  for (const line of lines) {
    const j = JSON.parse(line) as { msg: string; suppressed?: number };
    if (j.msg === msg) n++;
    else if (j.suppressed !== undefined && j.msg.endsWith(`more suppressed: "${msg}"`)) n += j.suppressed;
  }
  return n;
}
