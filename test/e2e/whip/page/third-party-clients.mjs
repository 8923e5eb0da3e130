// The page-side of the WHIP/WHEP browser tests: third-party clients only (medooze's whip-whep, by
// an RFC 9725 author; Eyevinn's whip-web-client and webrtc-player), bundled by esbuild into one IIFE. The page is
// served from another origin than Traverse, so every request is a real CORS request.
import { WHIPClient } from 'whip-whep/whip.js';
import { WHEPClient } from 'whip-whep/whep.js';
import { WHIPClient as EyevinnWHIPClient } from '@eyevinn/whip-web-client';
import { WebRTCPlayer } from '@eyevinn/webrtc-player';

const sessions = {};
window.sessions = sessions;

/** Publishes the fake camera with medooze's WHIPClient; `codec` ('VP8' or 'H264') is preferred. */
window.publishWhip = async (key, endpoint, token, codec) => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
  const pc = new RTCPeerConnection();
  for (const track of stream.getTracks()) {
    const transceiver = pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    if (track.kind === 'video' && codec) {
      const codecs = RTCRtpSender.getCapabilities('video').codecs;
      transceiver.setCodecPreferences([...codecs.filter((c) => c.mimeType === `video/${codec}`), ...codecs.filter((c) => c.mimeType !== `video/${codec}`)]);
    }
  }
  const client = new WHIPClient();
  await client.publish(pc, endpoint, token);
  sessions[key] = { client, pc };
  return { iceServers: pc.getConfiguration().iceServers.map((s) => ({ urls: s.urls, username: s.username, credentialSet: Boolean(s.credential) })) };
};

/** Plays with medooze's WHEPClient into the <video id=`videoId`>. */
window.playWhep = async (key, endpoint, videoId) => {
  const pc = new RTCPeerConnection();
  pc.addTransceiver('audio', { direction: 'recvonly' });
  pc.addTransceiver('video', { direction: 'recvonly' });
  const video = document.getElementById(videoId);
  pc.ontrack = (event) => {
    if (event.track.kind === 'video') video.srcObject = event.streams[0] ?? new MediaStream([event.track]);
  };
  const client = new WHEPClient();
  await client.view(pc, endpoint);
  sessions[key] = { client, pc };
};

/** Publishes with Eyevinn's WHIPClient (it gathers, then POSTs, and trickles by PATCH). */
window.publishEyevinn = async (key, endpoint) => {
  const stream = await navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
  const client = new EyevinnWHIPClient({ endpoint, opts: { debug: false, iceServers: [] } });
  await client.ingest(stream);
  sessions[key] = { client };
};

/** Plays with Eyevinn's WebRTCPlayer (WHEP adapter: gathers, then POSTs a full offer). */
window.playEyevinn = async (key, endpoint, videoId) => {
  const player = new WebRTCPlayer({ video: document.getElementById(videoId), type: 'whep', iceServers: [] });
  await player.load(new URL(endpoint));
  sessions[key] = { client: { stop: () => player.unload() } };
};

/** DELETE through the client itself. */
window.stopSession = async (key) => {
  const s = sessions[key];
  if (s.client.destroy) await s.client.destroy();
  else await s.client.stop();
  delete sessions[key];
};
