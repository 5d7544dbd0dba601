/**
 * What makes a screenshot the same from one run to the next (`npm run screenshots`): a fixed
 * port (URLs are shown and drawn into QR codes), a fixed clock on both sides, seeded demo
 * tokens and pairing codes, and a fixed set of fonts, whatever else the machine has installed.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The port the server listens on while screenshots are taken (one test file at a time). */
export const SCREENSHOT_PORT = 23399;

/** The time both clocks show: the server's manual clock and the page's `Date`. */
export const SCREENSHOT_TIME = Date.UTC(2026, 0, 15, 12, 0, 0);

/** Random bytes from a seed: the same seed gives the same bytes, call after call. */
export function seededBytes(seed: string): (size: number) => Buffer {
  let counter = 0;
  return (size) => {
    const out: Buffer[] = [];
    for (let n = 0; n < size; n += 32) out.push(createHash('sha256').update(`${seed}:${counter++}`).digest());
    return Buffer.concat(out).subarray(0, size);
  };
}

const DEJAVU = '/usr/share/fonts/truetype/dejavu';
const EMOJI = '/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf';

/**
 * A fontconfig file that offers Chromium only DejaVu (text) and Noto Color Emoji, written into
 * `dir`; pass it as FONTCONFIG_FILE. Fails with the packages to install when a font is missing.
 */
export function screenshotFontConfig(dir: string): string {
  if (!existsSync(path.join(DEJAVU, 'DejaVuSans.ttf')) || !existsSync(EMOJI)) {
    throw new Error(`screenshots are drawn with DejaVu and Noto Color Emoji only: apt-get install fonts-dejavu-core fonts-noto-color-emoji`);
  }
  const fonts = path.join(dir, 'fonts');
  mkdirSync(fonts, { recursive: true });
  for (const name of readdirSync(DEJAVU).filter((n) => /^DejaVuSans(Mono)?(-Bold)?\.ttf$/.test(n))) {
    symlinkSync(path.join(DEJAVU, name), path.join(fonts, name));
  }
  symlinkSync(EMOJI, path.join(fonts, 'NotoColorEmoji.ttf'));
  const alias = (family: string, font: string) => `<alias><family>${family}</family><prefer><family>${font}</family></prefer></alias>`;
  const file = path.join(dir, 'fonts.conf');
  writeFileSync(
    file,
    `<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <dir>${fonts}</dir>
  <cachedir>${path.join(dir, 'cache')}</cachedir>
  ${alias('system-ui', 'DejaVu Sans')}
  ${alias('sans-serif', 'DejaVu Sans')}
  ${alias('serif', 'DejaVu Sans')}
  ${alias('monospace', 'DejaVu Sans Mono')}
  ${alias('emoji', 'Noto Color Emoji')}
</fontconfig>
`,
  );
  return file;
}
