// A small moving picture drawn on a canvas: a video track to publish without asking for the camera.
import { stopTracks } from '../media.ts';

export interface SyntheticVideo {
  /** A stream of its own clone of the track: a probe's stream stops its tracks when it ends. */
  stream(): MediaStream;
  stop(): void;
}

export function syntheticVideo(): SyntheticVideo {
  const doc = (globalThis as { document?: Document }).document;
  if (!doc) throw new Error('testConnectivity() runs in a browser page');
  const canvas = doc.createElement('canvas');
  canvas.width = 160;
  canvas.height = 120;
  const ctx = canvas.getContext('2d');
  if (!ctx || typeof canvas.captureStream !== 'function') throw new Error('this browser cannot capture a canvas (captureStream)');
  let frame = 0;
  const draw = () => {
    ctx.fillStyle = `hsl(${(frame++ * 11) % 360} 60% 45%)`;
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  };
  draw();
  // Frames must keep coming: an encoder with nothing to send would still connect, but a stalled
  // capture is not what a page publishes.
  const timer = setInterval(draw, 100);
  const source = canvas.captureStream(10);
  return {
    stream: () => new MediaStream(source.getVideoTracks().map((t) => t.clone())),
    stop() {
      clearInterval(timer);
      stopTracks(source);
    },
  };
}
