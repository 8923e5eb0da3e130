// The picture size an H.264 sequence parameter set announces (ITU-T H.264 §7.3.2.1.1, cropping per
// §7.4.2.1.1), read from RTP payloads (RFC 6184): a single SPS NAL unit or one inside a STAP-A.
// Browsers send the SPS with every key frame, so this runs once per key frame, not per packet.

const NAL_SPS = 7;
const NAL_STAP_A = 24;
/** Profiles whose SPS carries chroma format, bit depths and scaling matrices. */
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

/** Reads bits of an RBSP from NAL bytes, dropping emulation-prevention bytes (00 00 03). */
class RbspReader {
  #byte: number;
  #bit = 0;
  #zeros = 0;
  #current = 0;

  constructor(private readonly bytes: Uint8Array, start: number, private readonly end: number) {
    this.#byte = start;
    this.#load();
  }

  #load(): void {
    if (this.#byte >= this.end) throw new RangeError('SPS ends early');
    let value = this.bytes[this.#byte]!;
    if (this.#zeros >= 2 && value === 3) {
      this.#byte++;
      this.#zeros = 0;
      if (this.#byte >= this.end) throw new RangeError('SPS ends early');
      value = this.bytes[this.#byte]!;
    }
    this.#zeros = value === 0 ? this.#zeros + 1 : 0;
    this.#current = value;
  }

  bit(): number {
    const value = (this.#current >> (7 - this.#bit)) & 1;
    if (++this.#bit === 8) {
      this.#bit = 0;
      this.#byte++;
      if (this.#byte < this.end) this.#load();
      else this.#current = 0;
    }
    return value;
  }

  bits(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 2 + this.bit();
    return value;
  }

  /** Unsigned exp-Golomb. */
  ue(): number {
    let leadingZeros = 0;
    while (this.bit() === 0) if (++leadingZeros > 31) throw new RangeError('bad exp-Golomb code');
    return 2 ** leadingZeros - 1 + this.bits(leadingZeros);
  }

  /** Signed exp-Golomb. */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : -k / 2;
  }
}

function skipScalingList(r: RbspReader, size: number): void {
  let last = 8;
  let next = 8;
  for (let j = 0; j < size; j++) {
    if (next !== 0) next = (last + r.se() + 256) % 256;
    last = next === 0 ? last : next;
  }
}

/** Width and height of the SPS whose NAL unit (header byte included) spans bytes[start, end). */
export function spsSize(bytes: Uint8Array, start: number, end: number): { width: number; height: number } | undefined {
  try {
    const r = new RbspReader(bytes, start + 1, end);
    const profile = r.bits(8);
    r.bits(16); // constraint flags, level
    r.ue(); // seq_parameter_set_id
    let chromaFormat = 1;
    let separateColourPlanes = 0;
    if (HIGH_PROFILES.has(profile)) {
      chromaFormat = r.ue();
      if (chromaFormat === 3) separateColourPlanes = r.bit();
      r.ue(); // bit_depth_luma_minus8
      r.ue(); // bit_depth_chroma_minus8
      r.bit(); // qpprime_y_zero_transform_bypass_flag
      if (r.bit()) {
        for (let i = 0; i < (chromaFormat === 3 ? 12 : 8); i++) if (r.bit()) skipScalingList(r, i < 6 ? 16 : 64);
      }
    }
    r.ue(); // log2_max_frame_num_minus4
    const pocType = r.ue();
    if (pocType === 0) r.ue();
    else if (pocType === 1) {
      r.bit();
      r.se();
      r.se();
      const cycle = r.ue();
      for (let i = 0; i < cycle; i++) r.se();
    }
    r.ue(); // max_num_ref_frames
    r.bit(); // gaps_in_frame_num_value_allowed_flag
    const widthInMbs = r.ue() + 1;
    const heightInMapUnits = r.ue() + 1;
    const frameMbsOnly = r.bit();
    if (!frameMbsOnly) r.bit(); // mb_adaptive_frame_field_flag
    r.bit(); // direct_8x8_inference_flag
    let crop = [0, 0, 0, 0];
    if (r.bit()) crop = [r.ue(), r.ue(), r.ue(), r.ue()];
    const chroma = separateColourPlanes ? 0 : chromaFormat;
    const subWidth = chroma === 1 || chroma === 2 ? 2 : 1;
    const subHeight = chroma === 1 ? 2 : 1;
    const cropUnitX = chroma === 0 ? 1 : subWidth;
    const cropUnitY = (chroma === 0 ? 1 : subHeight) * (2 - frameMbsOnly);
    const width = widthInMbs * 16 - cropUnitX * (crop[0]! + crop[1]!);
    const height = (2 - frameMbsOnly) * heightInMapUnits * 16 - cropUnitY * (crop[2]! + crop[3]!);
    return width > 0 && height > 0 ? { width, height } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Writes into `into` the size of an SPS this RTP payload carries, alone or in a STAP-A; false when it
 * carries none. Costs one byte read for every other packet.
 */
export function readH264SpsSize(payload: Uint8Array, into: { width: number; height: number }): boolean {
  const type = (payload[0] ?? 0) & 0x1f;
  let found: { width: number; height: number } | undefined;
  if (type === NAL_SPS) found = spsSize(payload, 0, payload.length);
  else if (type === NAL_STAP_A) {
    for (let offset = 1; offset + 2 < payload.length && !found;) {
      const size = (payload[offset]! << 8) | payload[offset + 1]!;
      const start = offset + 2;
      if (size === 0 || start + size > payload.length) break;
      if ((payload[start]! & 0x1f) === NAL_SPS) found = spsSize(payload, start, start + size);
      offset = start + size;
    }
  }
  if (!found) return false;
  into.width = found.width;
  into.height = found.height;
  return true;
}
