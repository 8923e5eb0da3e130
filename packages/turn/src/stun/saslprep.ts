// SASLprep (RFC 4013), the profile of stringprep (RFC 3454) that long-term credentials use for
// passwords (RFC 8489 §9.2.2 via OpaqueString; the RFC 5769 §2.4 vector uses SASLprep).
// Covers the mapping tables B.1 and C.1.2, NFKC, the prohibited tables C.1.2–C.9, and the bidi rule.

/** RFC 3454 B.1: characters mapped to nothing. */
const MAPPED_TO_NOTHING = new Set([
  0x00ad, 0x034f, 0x1806, 0x180b, 0x180c, 0x180d, 0x200b, 0x200c, 0x200d, 0x2060, 0xfe00, 0xfe01, 0xfe02, 0xfe03,
  0xfe04, 0xfe05, 0xfe06, 0xfe07, 0xfe08, 0xfe09, 0xfe0a, 0xfe0b, 0xfe0c, 0xfe0d, 0xfe0e, 0xfe0f, 0xfeff,
]);

/** RFC 3454 C.1.2: non-ASCII space characters, mapped to SPACE by SASLprep. */
const NON_ASCII_SPACE = new Set([
  0x00a0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x200b,
  0x202f, 0x205f, 0x3000,
]);

function inRanges(cp: number, ranges: readonly (readonly [number, number])[]): boolean {
  for (const [lo, hi] of ranges) if (cp >= lo && cp <= hi) return true;
  return false;
}

/** RFC 3454 C.2.1, C.2.2, C.3–C.9 (C.1.2 spaces were already mapped). */
const PROHIBITED: readonly (readonly [number, number])[] = [
  [0x0000, 0x001f], [0x007f, 0x007f], // C.2.1 ASCII control
  [0x0080, 0x009f], [0x06dd, 0x06dd], [0x070f, 0x070f], [0x180e, 0x180e], [0x200c, 0x200d], [0x2028, 0x2029],
  [0x2060, 0x2063], [0x206a, 0x206f], [0xfeff, 0xfeff], [0xfff9, 0xfffc], [0x1d173, 0x1d17a], // C.2.2
  [0xe000, 0xf8ff], [0xf0000, 0xffffd], [0x100000, 0x10fffd], // C.3 private use
  [0xfdd0, 0xfdef], [0xfffe, 0xffff], [0x1fffe, 0x1ffff], [0x2fffe, 0x2ffff], [0x3fffe, 0x3ffff],
  [0x4fffe, 0x4ffff], [0x5fffe, 0x5ffff], [0x6fffe, 0x6ffff], [0x7fffe, 0x7ffff], [0x8fffe, 0x8ffff],
  [0x9fffe, 0x9ffff], [0xafffe, 0xaffff], [0xbfffe, 0xbffff], [0xcfffe, 0xcffff], [0xdfffe, 0xdffff],
  [0xefffe, 0xeffff], [0xffffe, 0xfffff], [0x10fffe, 0x10ffff], // C.4 non-characters
  [0xd800, 0xdfff], // C.5 surrogates
  [0xfff9, 0xfffd], // C.6 inappropriate for plain text
  [0x2ff0, 0x2ffb], // C.7 inappropriate for canonical representation
  [0x0340, 0x0341], [0x200e, 0x200f], [0x202a, 0x202e], [0x206a, 0x206f], // C.8 display properties
  [0xe0001, 0xe0001], [0xe0020, 0xe007f], // C.9 tagging
];

/** RFC 3454 D.1: characters with bidirectional property R or AL. */
const RAND_AL: readonly (readonly [number, number])[] = [
  [0x05be, 0x05be], [0x05c0, 0x05c0], [0x05c3, 0x05c3], [0x05d0, 0x05ea], [0x05f0, 0x05f4], [0x061b, 0x061b],
  [0x061f, 0x061f], [0x0621, 0x063a], [0x0640, 0x064a], [0x066d, 0x066f], [0x0671, 0x06d5], [0x06dd, 0x06dd],
  [0x06e5, 0x06e6], [0x06fa, 0x06fe], [0x0700, 0x070d], [0x0710, 0x0710], [0x0712, 0x072c], [0x0780, 0x07a5],
  [0x07b1, 0x07b1], [0x200f, 0x200f], [0xfb1d, 0xfb1d], [0xfb1f, 0xfb28], [0xfb2a, 0xfb36], [0xfb38, 0xfb3c],
  [0xfb3e, 0xfb3e], [0xfb40, 0xfb41], [0xfb43, 0xfb44], [0xfb46, 0xfbb1], [0xfbd3, 0xfd3d], [0xfd50, 0xfd8f],
  [0xfd92, 0xfdc7], [0xfdf0, 0xfdfc], [0xfe70, 0xfe74], [0xfe76, 0xfefc],
];
const isRandAL = (ch: string) => inRanges(ch.codePointAt(0)!, RAND_AL);
// D.2 (property L) is a long table; a letter that is not R/AL is its close approximation, which
// errs only on rare scripts and only for passwords that mix directions.
const isL = (ch: string) => /\p{L}/u.test(ch) && !isRandAL(ch);

export type SaslprepResult = { ok: true; value: string } | { ok: false; error: string };

export function saslprep(input: string): SaslprepResult {
  let mapped = '';
  for (const ch of input) {
    const cp = ch.codePointAt(0)!;
    if (MAPPED_TO_NOTHING.has(cp)) continue;
    mapped += NON_ASCII_SPACE.has(cp) ? ' ' : ch;
  }
  const normalized = mapped.normalize('NFKC');
  const chars = [...normalized];
  for (const ch of chars) {
    if (inRanges(ch.codePointAt(0)!, PROHIBITED)) return { ok: false, error: `prohibited character U+${ch.codePointAt(0)!.toString(16).toUpperCase()}` };
  }
  // RFC 3454 §6 bidi rule.
  if (chars.some(isRandAL)) {
    if (chars.some(isL)) return { ok: false, error: 'mixes right-to-left and left-to-right characters' };
    if (!isRandAL(chars[0]!) || !isRandAL(chars[chars.length - 1]!)) {
      return { ok: false, error: 'right-to-left text must start and end with a right-to-left character' };
    }
  }
  return { ok: true, value: normalized };
}
