// A small console logger with the stock SDK's severity names.
const levels = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;
type Level = (typeof levels)[number];

let threshold = 1;

export function setSeverity(severity: string | undefined): void {
  const i = levels.indexOf((severity ?? 'INFO').toUpperCase() as Level);
  threshold = i < 0 ? 1 : i;
}

function at(level: number, method: 'debug' | 'info' | 'warn' | 'error') {
  return (...args: unknown[]) => {
    if (level >= threshold && typeof console !== 'undefined') console[method]('[traverse-sdk]', ...args);
  };
}

export const logger = { debug: at(0, 'debug'), info: at(1, 'info'), warn: at(2, 'warn'), error: at(3, 'error') };
export type Logger = typeof logger;
