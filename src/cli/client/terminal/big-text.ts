/**
 * @module cli/client/terminal/big-text
 * Draws a short code (a pairing code such as `K7Q2-M9XD`) in letters five lines high, so that it
 * can be read from across the desk and typed on a phone without mistakes.
 */

// 5×5 glyphs, '#' on. Zero is slashed so that it never reads as the letter O.
const GLYPHS: Record<string, string> = {
  '0': '.###. #..## #.#.# ##..# .###.',
  '1': '..#.. .##.. ..#.. ..#.. .###.',
  '2': '####. ....# .###. #.... #####',
  '3': '####. ....# .###. ....# ####.',
  '4': '#...# #...# ##### ....# ....#',
  '5': '##### #.... ####. ....# ####.',
  '6': '.###. #.... ####. #...# .###.',
  '7': '##### ....# ...#. ..#.. ..#..',
  '8': '.###. #...# .###. #...# .###.',
  '9': '.###. #...# .#### ....# .###.',
  A: '.###. #...# ##### #...# #...#',
  B: '####. #...# ####. #...# ####.',
  C: '.#### #.... #.... #.... .####',
  D: '####. #...# #...# #...# ####.',
  E: '##### #.... ####. #.... #####',
  F: '##### #.... ####. #.... #....',
  G: '.#### #.... #..## #...# .###.',
  H: '#...# #...# ##### #...# #...#',
  I: '.###. ..#.. ..#.. ..#.. .###.',
  J: '..### ....# ....# #...# .###.',
  K: '#...# #..#. ###.. #..#. #...#',
  L: '#.... #.... #.... #.... #####',
  M: '#...# ##.## #.#.# #...# #...#',
  N: '#...# ##..# #.#.# #..## #...#',
  O: '.###. #...# #...# #...# .###.',
  P: '####. #...# ####. #.... #....',
  Q: '.###. #...# #.#.# #..#. .##.#',
  R: '####. #...# ####. #..#. #...#',
  S: '.#### #.... .###. ....# ####.',
  T: '##### ..#.. ..#.. ..#.. ..#..',
  U: '#...# #...# #...# #...# .###.',
  V: '#...# #...# #...# .#.#. ..#..',
  W: '#...# #...# #.#.# ##.## #...#',
  X: '#...# .#.#. ..#.. .#.#. #...#',
  Y: '#...# .#.#. ..#.. ..#.. ..#..',
  Z: '##### ...#. ..#.. .#... #####',
  '-': '..... ..... .###. ..... .....',
  ' ': '..... ..... ..... ..... .....',
};

/** Columns one drawn character takes, gap included. */
const CELL_WIDTH = 6;

/**
 * The lines of `text` drawn large, or `undefined` when it has a character the font lacks or
 * would not fit in `maxWidth` columns.
 * @example renderBigText('A1')?.[0] // → ' ███     █  '
 */
export function renderBigText(text: string, maxWidth = Infinity): string[] | undefined {
  const chars = [...text.toUpperCase()];
  if (chars.length === 0 || chars.length * CELL_WIDTH > maxWidth) return undefined;
  const glyphs = chars.map((c) => GLYPHS[c]?.split(' '));
  if (glyphs.some((g) => g === undefined)) return undefined;
  const lines: string[] = [];
  for (let row = 0; row < 5; row++) {
    lines.push(glyphs.map((g) => g![row]!.replaceAll('#', '█').replaceAll('.', ' ')).join(' ').trimEnd());
  }
  return lines;
}

/**
 * A code spaced out for reading aloud or typing: `K7Q2-M9XD` → `K 7 Q 2 - M 9 X D`.
 */
export function spacedCode(code: string): string {
  return [...code].join(' ');
}
