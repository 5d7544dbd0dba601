/**
 * Glob patterns over Matrix user IDs (`matrix.allowedUsers`): `*` matches any run of characters,
 * `?` exactly one, everything else itself, case-sensitively. Matrix IDs hold no path separators,
 * so the path globbers' rules (`/`, dot files, braces, extglobs) would only get in the way.
 */

/** Compile one pattern into an anchored regular expression. */
export function globToRegExp(pattern: string): RegExp {
  let source = '';
  for (const ch of pattern) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/**
 * The allowed-user patterns, compiled once.
 *
 * @example
 * const allowed = new UserPatterns(['@*:example.org']);
 * allowed.allows('@alice:example.org'); // true
 * allowed.mayAllowServer('evil.example'); // false: no pattern can match a user there
 */
export class UserPatterns {
  private readonly users: RegExp[];
  /** Per pattern, the part that can match a server name (after the localpart's colon). */
  private readonly servers: RegExp[];

  constructor(patterns: readonly string[]) {
    this.users = patterns.map(globToRegExp);
    this.servers = patterns.map((p) => {
      // A localpart holds no colon, so a pattern's server part is what follows its first one;
      // a pattern without a colon may match users of any server.
      const colon = p.indexOf(':');
      return colon < 0 ? /^.*$/s : globToRegExp(p.slice(colon + 1));
    });
  }

  /** Whether no pattern is configured: sign-in with Matrix is off. */
  get isEmpty(): boolean {
    return this.users.length === 0;
  }

  /** Whether `userID` matches one of the patterns. */
  allows(userID: string): boolean {
    return this.users.some((re) => re.test(userID));
  }

  /** Whether some user of `serverName` could match a pattern (checked before any network call). */
  mayAllowServer(serverName: string): boolean {
    return this.servers.some((re) => re.test(serverName));
  }
}
