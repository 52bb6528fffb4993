// A stand-in for the `string-width` package, meant for the CLI bundle only
// (esbuild `alias: { 'string-width': './cli/string-width-lite.ts' }`).
// yargs lays out --help with string-width, and the real one builds an emoji
// regex and an Intl.Segmenter the moment it is imported: 25-70 ms of every
// start-up, help or not. Help text here is plain ASCII; this counts columns
// well enough for it, wide East Asian characters and emoji included.

const ANSI = /\x1b\[[0-9;]*[A-Za-z]|\x1b\][^\x07]*\x07/g;

/** Code point ranges terminals draw two columns wide (East Asian Wide/Fullwidth, common emoji). */
const WIDE: [number, number][] = [
  [0x1100, 0x115f], [0x2e80, 0x303e], [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf],
  [0xac00, 0xd7a3], [0xf900, 0xfaff], [0xfe30, 0xfe4f], [0xff00, 0xff60], [0xffe0, 0xffe6],
  [0x1f300, 0x1f64f], [0x1f900, 0x1f9ff], [0x20000, 0x3fffd],
];

export default function stringWidth(text: string): number {
  let width = 0;
  for (const char of text.replace(ANSI, '')) {
    const code = char.codePointAt(0)!;
    // Control characters, combining marks, zero-width space and joiner, variation selectors: no column.
    if (code < 0x20 || (code >= 0x7f && code < 0xa0) || (code >= 0x300 && code < 0x370) || (code >= 0x200b && code <= 0x200d) || (code >= 0xfe00 && code <= 0xfe0f)) continue;
    width += WIDE.some(([from, to]) => code >= from && code <= to) ? 2 : 1;
  }
  return width;
}
