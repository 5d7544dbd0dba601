/** Matrix server names (Matrix spec, appendix "Server name"): a DNS name, IPv4 or [IPv6] literal, with an optional port. */
export const SERVER_NAME_PATTERN = '^(?:[A-Za-z0-9.-]{1,255}|\\[[0-9A-Fa-f:.]{2,45}\\])(?::[0-9]{1,5})?$';
const SERVER_NAME = new RegExp(SERVER_NAME_PATTERN);

/** Whether `name` is a well-formed Matrix server name. */
export function isServerName(name: string): boolean {
  return name.length <= 255 && SERVER_NAME.test(name);
}
