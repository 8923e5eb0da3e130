// The dashboard page: one EventSource on /dashboard/events; tables rebuilt from each update, uPlot
// charts fed one point per second. The page's token (?token=) goes along on every request it makes.
import uPlot from 'uplot';
import { PLAYER_PATHS } from '../../src/dashboard/player-path.ts';
import type { ChartPoint, DashboardHello, DashboardSample, DashboardUpdate, PlayerRow, StreamRow } from '../../src/dashboard/sample.ts';
import { bitrate, bitrateTick, bytes, duration, fixed } from './format.ts';

const token = new URLSearchParams(location.search).get('token');
const HISTORY_SECONDS = 600;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

const byId = (id: string) => document.getElementById(id)!;

// ---- charts ----
const PATH_COLORS = ['#14804a', '#2f6fed', '#7a5af8', '#c11574'];
type Series = { label: string; color: string; value: (p: ChartPoint) => number };
const charts: { plot: uPlot; series: Series[]; data: number[][] }[] = [];

function chart(containerId: string, series: Series[], unit: (v: number) => string, wholeNumbers = false): void {
  const container = byId(containerId);
  const options: uPlot.Options = {
    width: Math.max(300, container.clientWidth),
    height: 180,
    legend: { live: false },
    cursor: { show: false },
    scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max, 1)] } },
    axes: [{}, { values: (_u, ticks) => ticks.map(unit), size: 56, ...(wholeNumbers ? { incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] } : {}) }],
    series: [{}, ...series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, fill: `${s.color}18` }))],
  };
  const data = [[], ...series.map(() => [])] as number[][];
  charts.push({ plot: new uPlot(options, data as uPlot.AlignedData, container), series, data });
}

function addPoints(points: ChartPoint[]): void {
  for (const c of charts) {
    for (const p of points) {
      c.data[0]!.push(p.time);
      c.series.forEach((s, i) => c.data[i + 1]!.push(s.value(p)));
    }
    const cutoff = (c.data[0]!.at(-1) ?? 0) - HISTORY_SECONDS;
    while (c.data[0]!.length > 0 && c.data[0]![0]! <= cutoff) for (const column of c.data) column.shift();
    c.plot.setData(c.data as uPlot.AlignedData);
  }
  document.body.dataset.chartPoints = String(charts[0]?.data[0]!.length ?? 0);
}

chart('chart-bitrate', [
  { label: 'in', color: '#2f6fed', value: (p) => p.bitrateIn },
  { label: 'out', color: '#14804a', value: (p) => p.bitrateOut },
], bitrateTick);
chart('chart-paths', PLAYER_PATHS.map((path, i) => ({ label: path, color: PATH_COLORS[i]!, value: (p: ChartPoint) => p.playersByPath[i] ?? 0 })), (v) => String(v), true);
chart('chart-cpu', [{ label: 'CPU', color: '#b54708', value: (p) => p.cpuPercent }], (v) => `${v.toFixed(0)} %`);

// ---- tables ----
async function terminate(stream: StreamRow, button: HTMLButtonElement): Promise<void> {
  if (!confirm(`Terminate stream "${stream.name}" and its ${stream.players.length} player(s)?`)) return;
  button.disabled = true;
  const response = await fetch('/rest-api/stream/terminate', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ mediaSessionId: stream.publisherId }),
  }).catch(() => undefined);
  if (!response?.ok) {
    button.disabled = false;
    alert(`Terminate failed: ${response ? `${response.status} ${await response.text()}` : 'no answer'}`);
  }
}

function playerTable(players: PlayerRow[]): HTMLElement {
  const head = el('tr', {}, ...['Player', 'Path', 'RTT', 'Loss', 'Bitrate', 'Connected'].map((h) => el('th', {}, h)));
  const rows = players.map((p) => el('tr', { 'data-player': p.id },
    el('td', {}, p.id),
    el('td', {}, el('span', { class: `path ${p.path === 'UDP direct' ? 'direct' : p.path === 'connecting' ? 'connecting' : 'turn'}` }, p.path)),
    el('td', {}, fixed(p.rttMs, 0, ' ms')),
    el('td', {}, fixed(p.lossPercent, 1, ' %')),
    el('td', {}, bitrate(p.bitrate)),
    el('td', {}, duration(p.connectedSeconds)),
  ));
  return el('table', {}, el('thead', {}, head), el('tbody', {}, ...rows));
}

function renderStreams(streams: StreamRow[]): void {
  const body = byId('streams').querySelector('tbody')!;
  body.replaceChildren(...streams.flatMap((s) => {
    const button = el('button', { class: 'terminate', 'data-terminate': s.name }, 'Terminate');
    button.addEventListener('click', () => void terminate(s, button));
    const row = el('tr', { 'data-stream': s.name },
      el('td', { class: 'stream-name' }, s.name),
      el('td', {}, s.codec),
      el('td', {}, s.resolution ?? '—'),
      el('td', {}, fixed(s.fps, 0, ' fps')),
      el('td', {}, bitrate(s.bitrate)),
      el('td', { class: 'player-count' }, String(s.players.length)),
      el('td', {}, button),
    );
    return s.players.length === 0 ? [row] : [row, el('tr', { class: 'players' }, el('td', { colspan: '7' }, playerTable(s.players)))];
  }));
  byId('no-streams').hidden = streams.length > 0;
}

function renderTurn(turn: DashboardSample['turn']): void {
  const body = byId('turn').querySelector('tbody')!;
  if (!turn.enabled) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: '3' }, 'The embedded TURN server is disabled.')));
    return;
  }
  body.replaceChildren(...turn.transports.map((t) => el('tr', { 'data-transport': t.transport },
    el('td', {}, t.transport.toUpperCase()), el('td', {}, String(t.allocations)), el('td', {}, bitrate(t.bitrate)))));
  byId('refusals').textContent = `Refused: ${turn.refusals[401]} × 401 (authentication), ${turn.refusals[403]} × 403 (forbidden peer), ${turn.refusals[508]} × 508 (capacity)`;
}

function renderProcess(sample: DashboardSample): void {
  const p = sample.process;
  const items: [string, string][] = [
    ['Node', sample.nodeId],
    ['CPU', `${p.cpuPercent.toFixed(1)} %`],
    ['Memory (RSS)', bytes(p.rssBytes)],
    ['Event-loop delay', `${p.loopDelayMeanMs.toFixed(1)} ms mean, ${p.loopDelayMaxMs.toFixed(1)} ms max`],
    ['Signaling connections', String(p.connections)],
    ['Sessions', `${p.publishers} publishing, ${p.players} playing`],
  ];
  byId('process').replaceChildren(...items.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  byId('node').textContent = sample.nodeId;
}

function render(sample: DashboardSample): void {
  renderStreams(sample.streams);
  renderTurn(sample.turn);
  renderProcess(sample);
}

// ---- the live connection ----
const status = byId('connection');
const events = new EventSource(`events${token ? `?token=${encodeURIComponent(token)}` : ''}`);
events.addEventListener('hello', (e) => {
  const hello = JSON.parse((e as MessageEvent<string>).data) as DashboardHello;
  for (const c of charts) for (const column of c.data) column.length = 0;
  addPoints(hello.history);
  if (hello.sample) render(hello.sample);
});
events.addEventListener('update', (e) => {
  const update = JSON.parse((e as MessageEvent<string>).data) as DashboardUpdate;
  render(update.sample);
  addPoints([update.point]);
  status.textContent = `live · ${new Date(update.sample.time * 1000).toLocaleTimeString()}`;
  status.className = 'status ok';
});
events.addEventListener('error', () => {
  status.textContent = 'reconnecting…';
  status.className = 'status bad';
});
addEventListener('resize', () => {
  for (const c of charts) c.plot.setSize({ width: Math.max(300, c.plot.root.parentElement!.clientWidth), height: 180 });
});
