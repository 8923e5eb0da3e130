// A tiny H.264 encoder for tests: Constrained Baseline, every frame an IDR whose macroblocks are all
// I_PCM (raw samples, ITU-T H.264 §7.3.5), so any decoder shows exactly the picture drawn here — a
// diagonal gradient that moves each frame. Plus RFC 6184 packetization (STAP-A for SPS+PPS, FU-A for
// the slice). Pure: frames in, RTP payloads out.

class BitWriter {
  readonly #bytes: number[] = [];
  #current = 0;
  #bits = 0;

  u(bits: number, value: number): this {
    for (let i = bits - 1; i >= 0; i--) {
      this.#current = (this.#current << 1) | ((value >>> i) & 1);
      if (++this.#bits === 8) this.#flush();
    }
    return this;
  }

  /** Exp-Golomb ue(v). */
  ue(value: number): this {
    const v = value + 1;
    const length = 32 - Math.clz32(v);
    return this.u(length - 1, 0).u(length, v);
  }

  /** se(v): 0, 1, −1, 2, −2 … */
  se(value: number): this {
    return this.ue(value <= 0 ? -2 * value : 2 * value - 1);
  }

  aligned(): boolean {
    return this.#bits === 0;
  }

  /** rbsp_trailing_bits: a one, then zeros to the byte boundary. */
  trailing(): Uint8Array {
    this.u(1, 1);
    while (!this.aligned()) this.u(1, 0);
    return Uint8Array.from(this.#bytes);
  }

  byte(value: number): this {
    return this.u(8, value);
  }

  #flush(): void {
    this.#bytes.push(this.#current & 0xff);
    this.#current = 0;
    this.#bits = 0;
  }
}

/** NAL unit from an RBSP: header byte, then emulation prevention (00 00 0x≤3 → 00 00 03 0x). */
function nal(header: number, rbsp: Uint8Array): Buffer {
  const out = [header];
  let zeros = 0;
  for (const b of rbsp) {
    if (zeros >= 2 && b <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(b);
    zeros = b === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

export interface H264Picture {
  width: number;
  height: number;
}

/** profile-level-id 42e01f: Constrained Baseline, level 3.1 — what the SDP offers. */
export function sps({ width, height }: H264Picture): Buffer {
  const w = new BitWriter()
    .byte(66).byte(0xe0).byte(31) // profile_idc, constraint_set0..2, level_idc
    .ue(0) // seq_parameter_set_id
    .ue(0) // log2_max_frame_num_minus4
    .ue(2) // pic_order_cnt_type: output order is decoding order
    .ue(0) // max_num_ref_frames: intra only
    .u(1, 0) // gaps_in_frame_num_value_allowed_flag
    .ue(width / 16 - 1).ue(height / 16 - 1)
    .u(1, 1) // frame_mbs_only_flag
    .u(1, 1) // direct_8x8_inference_flag
    .u(1, 0) // frame_cropping_flag
    .u(1, 0); // vui_parameters_present_flag
  return nal(0x67, w.trailing());
}

export function pps(): Buffer {
  const w = new BitWriter()
    .ue(0).ue(0) // pic_parameter_set_id, seq_parameter_set_id
    .u(1, 0).u(1, 0) // CAVLC; no bottom_field_pic_order_in_frame
    .ue(0) // num_slice_groups_minus1
    .ue(0).ue(0) // num_ref_idx_l0/l1_default_active_minus1
    .u(1, 0).u(2, 0) // weighted prediction off
    .se(0).se(0).se(0) // pic_init_qp/qs_minus26, chroma_qp_index_offset
    .u(1, 1) // deblocking_filter_control_present_flag
    .u(1, 0).u(1, 0); // constrained_intra_pred_flag, redundant_pic_cnt_present_flag
  return nal(0x68, w.trailing());
}

/** The luma sample at (x, y) of frame `index`: a gradient that moves 4 samples a frame, in 16..235. */
function luma(x: number, y: number, index: number): number {
  return 16 + ((x + y + index * 4) % 220);
}

/** One IDR slice of I_PCM macroblocks. */
export function idrSlice({ width, height }: H264Picture, index: number): Buffer {
  const w = new BitWriter()
    .ue(0) // first_mb_in_slice
    .ue(7) // slice_type: I, and every slice of the picture is I
    .ue(0) // pic_parameter_set_id
    .u(4, 0) // frame_num (0 for an IDR)
    .ue(index & 0xffff) // idr_pic_id: consecutive IDRs differ
    .u(1, 0).u(1, 0) // dec_ref_pic_marking: no_output_of_prior_pics, long_term_reference
    .se(0) // slice_qp_delta
    .ue(1); // disable_deblocking_filter_idc: off (PCM needs none)
  for (let mbY = 0; mbY < height / 16; mbY++) {
    for (let mbX = 0; mbX < width / 16; mbX++) {
      w.ue(25); // mb_type I_PCM
      while (!w.aligned()) w.u(1, 0); // pcm_alignment_zero_bit
      for (let y = 0; y < 16; y++) for (let x = 0; x < 16; x++) w.byte(luma(mbX * 16 + x, mbY * 16 + y, index));
      for (let i = 0; i < 2 * 64; i++) w.byte(128); // Cb, Cr: grey
    }
  }
  return nal(0x65, w.trailing());
}

/** RFC 6184 payloads of one access unit: STAP-A(SPS, PPS), then the slice in FU-A fragments. */
export function packetize(units: { sps: Buffer; pps: Buffer; slice: Buffer }, maxPayload = 1100): Buffer[] {
  const length = (b: Buffer) => Buffer.from([b.length >> 8, b.length & 0xff]);
  const stapA = Buffer.concat([Buffer.from([0x78]), length(units.sps), units.sps, length(units.pps), units.pps]);
  const header = units.slice[0]!;
  const body = units.slice.subarray(1);
  const fragments: Buffer[] = [];
  for (let offset = 0; offset < body.length; offset += maxPayload - 2) {
    const start = offset === 0;
    const end = offset + maxPayload - 2 >= body.length;
    const indicator = (header & 0xe0) | 28;
    const fuHeader = (start ? 0x80 : 0) | (end ? 0x40 : 0) | (header & 0x1f);
    fragments.push(Buffer.concat([Buffer.from([indicator, fuHeader]), body.subarray(offset, offset + maxPayload - 2)]));
  }
  return [stapA, ...fragments];
}
