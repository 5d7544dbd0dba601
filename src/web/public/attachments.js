// Attachments of a `user_input` step (bridgev2's shape: `{type, filename, content, info}`,
// `content` in base64), such as a captcha to read or listen to. Only a few image and audio
// types are shown, from a `data:` URI; anything else is named in a note, never parsed.

import { h } from './dom.js';

const imageTypes = new Set(['image/png', 'image/jpeg', 'image/gif', 'image/webp']);
const audioTypes = new Set(['audio/ogg', 'audio/mpeg', 'audio/wav', 'audio/webm']);
const base64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The attachments of a step, or null when it has none. */
export function attachments(list) {
  if (!Array.isArray(list) || list.length === 0) return null;
  return h('div', { class: 'attachments' }, list.map(attachment));
}

function attachment(item) {
  const filename = typeof item?.filename === 'string' && item.filename ? item.filename : undefined;
  const mimetype = typeof item?.info?.mimetype === 'string' ? item.info.mimetype.split(';')[0].trim().toLowerCase() : '';
  const content = typeof item?.content === 'string' ? item.content.replace(/\s+/g, '') : '';
  const src = base64.test(content) ? `data:${mimetype};base64,${content}` : undefined;
  if (src && item.type === 'm.image' && imageTypes.has(mimetype)) {
    const { w, h: height } = item.info;
    const sized = Number.isInteger(w) && w > 0 && Number.isInteger(height) && height > 0;
    return h('figure', { class: 'attachment attachment-image' },
      h('img', { src, alt: filename ?? 'Image from the bridge', width: sized ? w : undefined, height: sized ? height : undefined }));
  }
  if (src && item.type === 'm.audio' && audioTypes.has(mimetype)) {
    const label = filename ? `Audio: ${filename}` : 'Audio from the bridge';
    return h('figure', { class: 'attachment attachment-audio' },
      h('figcaption', { class: 'small muted', text: label }),
      h('audio', { controls: true, preload: 'metadata', src, 'aria-label': label }));
  }
  const what = [filename ? `“${filename}”` : null, mimetype ? `(${mimetype})` : null].filter(Boolean).join(' ');
  return h('p', { class: 'attachment attachment-note muted small', text: `An attachment${what ? ` ${what}` : ''} cannot be shown here.` });
}
