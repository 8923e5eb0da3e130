// What counts as hearing from a peer (peer-silence.ts), on a stand-in for werift's ICE connection:
// a check, or anything from the nominated address; not a stranger's packets. An idle but connected
// browser (consent checks only) must stay live, a silent one must not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RTCPeerConnection } from 'werift';
import { listenForPeer, watchSilence, type PeerHearing } from '../../src/media/peer-silence.ts';
import { until } from '../support/werift-client.ts';

type Address = [string, number];
const BROWSER: Address = ['127.0.0.1', 40000];
const STRANGER: Address = ['127.0.0.1', 40001];

/** A STUN message header (RFC 8489 §5): a Binding request, or its success response. */
function stun(kind: 'request' | 'response'): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(kind === 'request' ? 0x0001 : 0x0101, 0);
  b.writeUInt32BE(0x2112a442, 4);
  return b;
}
const DTLS = Buffer.from([0x17, 0xfe, 0xfd, 0, 1, 2, 3]);

/** werift's shape as peer-silence.ts reads it: one ICE socket, a nominated pair. */
function fakePeerConnection() {
  const delivered: Buffer[] = [];
  const protocol = { datagramReceived: (data: Buffer, _addr: Address) => void delivered.push(data) };
  const pc = { iceTransports: [{ connection: { protocols: [protocol], nominated: { remoteAddr: BROWSER } } }] };
  return { pc: pc as unknown as RTCPeerConnection, receive: (data: Buffer, from: Address) => protocol.datagramReceived(data, from), delivered };
}

/** Whether a datagram from `from` counts as hearing the peer. */
function hears(data: Buffer, from: Address): boolean {
  const { pc, receive, delivered } = fakePeerConnection();
  const hearing = listenForPeer(pc)!;
  const before = hearing.lastHeardAt();
  while (Date.now() === before); // the next millisecond, so a new hearing shows
  receive(data, from);
  assert.equal(delivered.length, 1, 'every datagram still reaches werift');
  return hearing.lastHeardAt() > before;
}

test('a check from any address, and anything from the nominated address, is the peer; a stranger\'s DTLS or STUN response is not', () => {
  assert.equal(hears(stun('request'), BROWSER), true);
  assert.equal(hears(stun('request'), STRANGER), true, 'a check on another pair (ice-request-auth.ts drops unauthenticated ones first)');
  assert.equal(hears(DTLS, BROWSER), true);
  assert.equal(hears(DTLS, STRANGER), false);
  assert.equal(hears(stun('response'), STRANGER), false);
});

test('listenForPeer refuses a werift without the expected ICE connection shape', () => {
  assert.equal(listenForPeer({ iceTransports: [{ connection: {} }] } as unknown as RTCPeerConnection), undefined);
});

test('a peer heard from more often than the timeout stays; one not heard from is declared silent', async () => {
  const TIMEOUT_MS = 200;
  const { pc, receive } = fakePeerConnection();
  const heard = listenForPeer(pc)!;
  const never: PeerHearing = { lastHeardAt: () => 0 };
  let heardSilent = false;
  const stopHeard = watchSilence(heard, TIMEOUT_MS, () => (heardSilent = true));
  const consent = setInterval(() => receive(stun('request'), BROWSER), TIMEOUT_MS / 4);
  try {
    // Two silent peers watched one after the other: once the second is declared silent, more than
    // two timeouts have passed for the one that was heard from.
    let silent = 0;
    let stopSecond = () => undefined as void;
    const stopFirst = watchSilence(never, TIMEOUT_MS, () => {
      silent++;
      stopSecond = watchSilence(never, TIMEOUT_MS, () => silent++);
    });
    await until(() => silent === 2, 5000, 'both silent peers declared silent');
    stopFirst();
    stopSecond();
    assert.equal(heardSilent, false, 'the peer sending checks was not declared silent');
  } finally {
    clearInterval(consent);
    stopHeard();
  }
  // Once the checks stop, it is.
  const { pc: quietPc } = fakePeerConnection();
  let quiet = false;
  watchSilence(listenForPeer(quietPc)!, TIMEOUT_MS, () => (quiet = true));
  await until(() => quiet, 5000, 'the quiet peer declared silent');
});
