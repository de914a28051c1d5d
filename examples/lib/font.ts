/**
 * A 5 × 7 pixel bitmap font (capitals, digits and a little punctuation) for labels in the
 * examples' PNG images, so a picture carries its own captions without a font renderer.
 */

/** Width and height of a glyph in font pixels; glyphs are set 1 pixel apart. */
export const GLYPH = { width: 5, height: 7, advance: 6 } as const;

// Each glyph is 7 rows, top to bottom; each row one base-32 digit whose 5 bits are its pixels,
// leftmost pixel in the highest bit ("A" starts ".###." = 0b01110 = "e").
// prettier-ignore
const ROWS: Record<string, string> = {
  "A": "ehhvhhh", "B": "uhhuhhu", "C": "ehggghe", "D": "uhhhhhu", "E": "vgguggv", "F": "vgguggg",
  "G": "ehgnhhf", "H": "hhhvhhh", "I": "e44444e", "J": "72222ic", "K": "hikokih", "L": "ggggggv",
  "M": "hrllhhh", "N": "hhpljhh", "O": "ehhhhhe", "P": "uhhuggg", "Q": "ehhhlid", "R": "uhhukih",
  "S": "fgge11u", "T": "v444444", "U": "hhhhhhe", "V": "hhhhha4", "W": "hhhllla", "X": "hha4ahh",
  "Y": "hha4444", "Z": "v1248gv", "0": "ehjlphe", "1": "4c4444e", "2": "eh1248v", "3": "v2421he",
  "4": "26aiv22", "5": "vgu11he", "6": "68guhhe", "7": "v124888", "8": "ehhehhe", "9": "ehhf12c",
  " ": "0000000", "-": "000v000", "/": "01248g0", ".": "00000cc", ",": "0000c48", ":": "0cc0cc0",
  "=": "00v0v00", "(": "2488842", ")": "8422248", "+": "044v440", "%": "op248j3", "?": "eh12404",
  "'": "4480000", ";": "0cc0c48",
};

/**
 * The pixel rows of `ch` (upper-cased; characters the font lacks print as "?"): 7 numbers whose
 * bits 4..0 are the row's pixels from left to right.
 */
export function glyphRows(ch: string): number[] {
  const code = ROWS[ch.toUpperCase()] ?? ROWS["?"]!;
  return [...code].map((d) => parseInt(d, 32));
}

/** Width in font pixels of `text` set on one line. */
export function textWidth(text: string): number {
  return text.length === 0 ? 0 : text.length * GLYPH.advance - 1;
}
