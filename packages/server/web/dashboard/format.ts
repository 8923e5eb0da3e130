// How numbers read on the dashboard. Pure (the page and the unit tests use it).

export function bitrate(bps: number | null): string {
  if (bps === null) return '—';
  if (bps >= 1e6) return `${(bps / 1e6).toFixed(2)} Mbit/s`;
  if (bps >= 1e3) return `${(bps / 1e3).toFixed(0)} kbit/s`;
  return `${bps.toFixed(0)} bit/s`;
}

/** A chart axis label: short, so it fits beside the plot. */
export function bitrateTick(bps: number): string {
  return bps >= 1e6 ? `${+(bps / 1e6).toFixed(1)}M` : bps >= 1e3 ? `${+(bps / 1e3).toFixed(0)}k` : `${bps}`;
}

export function duration(seconds: number | null): string {
  if (seconds === null) return '—';
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = Math.floor(seconds % 60);
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m ${String(s).padStart(2, '0')}s` : `${s}s`;
}

export function bytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(2)} GiB` : `${(n / 1024 ** 2).toFixed(0)} MiB`;
}

export function fixed(n: number | null, digits: number, unit = ''): string {
  return n === null ? '—' : `${n.toFixed(digits)}${unit}`;
}
