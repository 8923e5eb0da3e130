// Minimal browser fakes for the SDK's state machine: WebSocket, RTCPeerConnection, getUserMedia,
// MediaStream and a document with <video> elements. Installed on globalThis by install().

export class FakeWebSocket {
  static last: FakeWebSocket | undefined;
  readyState = 0;
  sent: { message: string; data: unknown[] }[] = [];
  onopen: (() => void) | null = null;
  onclose: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  constructor(readonly url: string) {
    FakeWebSocket.last = this;
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text));
  }
  close(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    this.onclose?.();
  }
  // Test side:
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: string, ...data: unknown[]): void {
    this.onmessage?.({ data: JSON.stringify({ message, data }) });
  }
  receiveRaw(text: unknown): void {
    this.onmessage?.({ data: text });
  }
  fail(): void {
    this.readyState = 3;
    this.onerror?.();
    this.onclose?.();
  }
  take(message: string): Record<string, unknown>[] {
    const out = this.sent.filter((f) => f.message === message).map((f) => f.data[0] as Record<string, unknown>);
    this.sent = this.sent.filter((f) => f.message !== message);
    return out;
  }
}

export class FakeTrack {
  enabled = true;
  stopped = false;
  constructor(readonly kind: 'audio' | 'video') {}
  stop(): void {
    this.stopped = true;
  }
}

export class FakeMediaStream {
  constructor(readonly tracks: FakeTrack[] = []) {}
  getTracks() { return this.tracks; }
  getAudioTracks() { return this.tracks.filter((t) => t.kind === 'audio'); }
  getVideoTracks() { return this.tracks.filter((t) => t.kind === 'video'); }
}

export class FakePeerConnection {
  static all: FakePeerConnection[] = [];
  transceivers: { kind: string; direction: string }[] = [];
  signalingState = 'stable';
  localDescription: { type: string; sdp: string } | null = null;
  remoteDescription: { type: string; sdp: string } | null = null;
  closed = false;
  ontrack: ((e: { track: FakeTrack; streams: FakeMediaStream[] }) => void) | null = null;
  constructor(readonly config: RTCConfiguration) {
    FakePeerConnection.all.push(this);
  }
  addTransceiver(trackOrKind: FakeTrack | string, init: { direction: string }) {
    this.transceivers.push({ kind: typeof trackOrKind === 'string' ? trackOrKind : trackOrKind.kind, direction: init.direction });
  }
  async createOffer() {
    const m = this.transceivers.map((t, i) => `m=${t.kind} 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:${i}\r\na=${t.direction}\r\na=rtpmap:96 ${t.kind === 'audio' ? 'opus/48000/2' : 'VP8/90000'}`).join('\r\n');
    return { type: 'offer', sdp: `v=0\r\n${m}\r\n` };
  }
  async setLocalDescription(d: { type: string; sdp: string }) {
    this.localDescription = d;
    this.signalingState = 'have-local-offer';
  }
  async setRemoteDescription(d: { type: string; sdp: string }) {
    this.remoteDescription = d;
    this.signalingState = 'stable';
  }
  async getStats() {
    return new Map([['x', { type: 'inbound-rtp', kind: 'video', framesDecoded: 42 }]]);
  }
  close() {
    this.closed = true;
    this.signalingState = 'closed';
  }
}

class FakeElement {
  children: FakeElement[] = [];
  id = '';
  srcObject: unknown = null;
  autoplay = false;
  playsInline = false;
  muted = false;
  volume = 1;
  videoWidth = 320;
  videoHeight = 240;
  style: Record<string, string> = {};
  parent: FakeElement | undefined;
  constructor(readonly tagName: string, readonly ownerDocument: FakeDocument) {}
  appendChild(c: FakeElement) {
    c.parent = this;
    this.children.push(c);
    this.ownerDocument.register(c);
  }
  setAttribute() {}
  remove() {
    if (this.parent) this.parent.children = this.parent.children.filter((c) => c !== this);
    this.ownerDocument.unregister(this);
  }
  play() { return Promise.resolve(); }
}

export class FakeDocument {
  readonly #byId = new Map<string, FakeElement>();
  createElement(tag: string) { return new FakeElement(tag, this); }
  register(e: FakeElement) { if (e.id) this.#byId.set(e.id, e); }
  unregister(e: FakeElement) { this.#byId.delete(e.id); }
  getElementById(id: string) { return this.#byId.get(id) ?? null; }
  div() { return new FakeElement('div', this); }
}

export interface Fakes {
  /** `hold`: capture waits until the promise resolves; `streams`: every stream handed out. */
  gum: { calls: unknown[]; fail?: Error; hold?: Promise<void>; streams: FakeMediaStream[] };
  document: FakeDocument;
}

export function install(): Fakes {
  const fakes: Fakes = { gum: { calls: [], streams: [] }, document: new FakeDocument() };
  const g = globalThis as Record<string, unknown>;
  g.WebSocket = FakeWebSocket;
  g.RTCPeerConnection = FakePeerConnection;
  g.MediaStream = FakeMediaStream;
  Object.defineProperty(globalThis, 'navigator', {
    configurable: true,
    value: {
      userAgent: 'FakeBrowser/1.0',
      appVersion: '1.0',
      mediaDevices: {
        async getUserMedia(c: unknown) {
          fakes.gum.calls.push(c);
          await fakes.gum.hold;
          if (fakes.gum.fail) throw fakes.gum.fail;
          const stream = new FakeMediaStream([new FakeTrack('audio'), new FakeTrack('video')]);
          fakes.gum.streams.push(stream);
          return stream;
        },
      },
    },
  });
  return fakes;
}

export const tick = () => new Promise((r) => setTimeout(r, 0));
