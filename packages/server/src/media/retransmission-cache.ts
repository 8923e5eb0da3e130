// The last few hundred video packets of a publisher, by sequence number. Players keep the
// publisher's sequence numbers (rtp-forwarder.ts), so one cache per stream answers every player's
// NACKs, instead of a copy of each packet per player.

interface Sequenced {
  header: { sequenceNumber: number };
}

/** Packets a stream keeps: 512 is ~4 s of 1 Mbps video, longer than any useful retransmission. */
export const RETRANSMISSION_CACHE_PACKETS = 512;

export class RetransmissionCache<T extends Sequenced> {
  readonly #slots: (T | undefined)[];

  constructor(readonly size = RETRANSMISSION_CACHE_PACKETS) {
    this.#slots = new Array<T | undefined>(size);
  }

  put(packet: T): void {
    this.#slots[packet.header.sequenceNumber % this.size] = packet;
  }

  /** The packet with this sequence number, if it is still here. */
  get(sequenceNumber: number): T | undefined {
    const packet = this.#slots[sequenceNumber % this.size];
    return packet?.header.sequenceNumber === sequenceNumber ? packet : undefined;
  }
}
