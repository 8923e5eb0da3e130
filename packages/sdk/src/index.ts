// The public API, shaped like the stock Flashphoner Web SDK's module (research/wcs-websdk.md §2.1).
// The IIFE build exposes it as the global `Flashphoner`.
import * as constantsModule from '@traverse/protocol/constants';
import { ERROR_INFO } from '@traverse/protocol/constants';
import { logger, setSeverity } from './logger.ts';
import { DEFAULT_CONSTRAINTS, captureLocal, stopTracks, videoElement, type StreamConstraints } from './media.ts';
import { Session, type SessionOptions } from './session.ts';

export type { Session, SessionOptions } from './session.ts';
export type { Stream, StreamOptions } from './stream.ts';
// Ours, not the stock SDK's: the connectivity self-test (docs/sdk.md).
export { testConnectivity, type ConnectivityOptions, type ConnectivityReport, type PathResult, type PathName } from './connectivity/index.ts';

export const constants = {
  SESSION_STATUS: constantsModule.SESSION_STATUS,
  STREAM_STATUS: constantsModule.STREAM_STATUS,
  STREAM_STATUS_INFO: constantsModule.STREAM_STATUS_INFO,
  STREAM_EVENT: constantsModule.STREAM_EVENT,
  STREAM_EVENT_TYPE: constantsModule.STREAM_EVENT_TYPE,
  ERROR_INFO: constantsModule.ERROR_INFO,
  TRANSPORT_TYPE: constantsModule.TRANSPORT_TYPE,
  CONNECTION_QUALITY: constantsModule.CONNECTION_QUALITY,
  MEDIA_DEVICE_KIND: constantsModule.MEDIA_DEVICE_KIND,
  CONTENT_HINT_TYPE: constantsModule.CONTENT_HINT_TYPE,
};

let initialized = false;
let defaults: StreamConstraints = DEFAULT_CONSTRAINTS;
const sessions = new Map<string, Session>();
const localMedia = new Map<HTMLElement, MediaStream>();

export interface InitOptions {
  constraints?: StreamConstraints;
  logger?: { severity?: string };
  mediaProvidersReadyCallback?: (providers: string[]) => void;
  preferredMediaProviders?: string[];
  [other: string]: unknown;
}

/** Initialises the API. Usable right away; also returns a Promise, like the stock SDK. */
export function init(options: InitOptions = {}): Promise<void> {
  if (!initialized) {
    initialized = true;
    if (options.constraints) defaults = options.constraints;
    setSeverity(options.logger?.severity);
    try {
      options.mediaProvidersReadyCallback?.(getMediaProviders());
    } catch (err) {
      logger.error('mediaProvidersReadyCallback threw:', err);
    }
  }
  return Promise.resolve();
}

export function getMediaProviders(): string[] {
  return typeof (globalThis as { RTCPeerConnection?: unknown }).RTCPeerConnection === 'function' ? ['WebRTC'] : [];
}

export function isUsingTemasys(): boolean {
  return false;
}

export function createSession(options: SessionOptions): Session {
  if (!initialized) throw new Error(ERROR_INFO.FLASHPHONER_API_NOT_INITIALIZED);
  if (!options || !options.urlServer) throw new TypeError(ERROR_INFO.OPTIONS_URLSERVER_MUST_BE_PROVIDED);
  const session = new Session(options, { forget: (s) => sessions.delete(s.id()), defaultConstraints: () => defaults });
  sessions.set(session.id(), session);
  return session;
}

export function getSessions(): Session[] {
  return [...sessions.values()];
}

export function getSession(id: string): Session | undefined {
  return sessions.get(id);
}

/** Captures the camera/microphone into `display` ahead of publishing (a preview). */
export async function getMediaAccess(constraints: StreamConstraints | undefined, display: HTMLElement): Promise<HTMLElement> {
  const stream = await captureLocal(constraints ?? defaults);
  const video = videoElement(display, `${display.id || 'local'}-preview`, true);
  if (video) video.srcObject = stream;
  localMedia.set(display, stream);
  return display;
}

export function releaseLocalMedia(display: HTMLElement): boolean {
  const stream = localMedia.get(display);
  if (!stream) return false;
  stopTracks(stream);
  localMedia.delete(display);
  return true;
}

export async function getMediaDevices(): Promise<{ audio: MediaDeviceInfo[]; video: MediaDeviceInfo[] }> {
  const all = (await (globalThis as { navigator?: Navigator }).navigator?.mediaDevices?.enumerateDevices()) ?? [];
  return { audio: all.filter((d) => d.kind === 'audioinput'), video: all.filter((d) => d.kind === 'videoinput') };
}

/** Needed by some mobile browsers before audio can play; harmless elsewhere. */
export function playFirstSound(): Promise<void> {
  return Promise.resolve();
}

export function playFirstVideo(): Promise<void> {
  return Promise.resolve();
}

export function getLogger() {
  return logger;
}

const ua = () => ((globalThis as { navigator?: Navigator }).navigator?.userAgent ?? '').toLowerCase();

export const Browser = {
  isIE: () => false,
  isFirefox: () => ua().includes('firefox'),
  isChrome: () => ua().includes('chrome') && !ua().includes('edg/'),
  isEdge: () => false,
  isChromiumEdge: () => ua().includes('edg/'),
  isOpera: () => ua().includes('opr/'),
  isiOS: () => /iphone|ipad|ipod/.test(ua()),
  isSafari: () => ua().includes('safari') && !ua().includes('chrome'),
  isAndroid: () => ua().includes('android'),
  isSafariWebRTC: () => ua().includes('safari') && !ua().includes('chrome'),
  isSamsungBrowser: () => ua().includes('samsungbrowser'),
  isAndroidFirefox: () => ua().includes('android') && ua().includes('firefox'),
  version: () => /(?:chrome|firefox|version)\/([\d.]+)/.exec(ua())?.[1] ?? '',
};

export const firefoxScreenSharingExtensionInstalled = true;
