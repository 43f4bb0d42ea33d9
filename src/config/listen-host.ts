import { isIP } from 'node:net';

// Where the web process listens. Pure: shared by the config (web process) and the launcher's start output.
const LISTEN_DEFAULTS = { embedded: '127.0.0.1', servers: '0.0.0.0' } as const;

/** A HOST value is an IP address (v4 or v6) or `localhost`; names that need DNS are not accepted. */
export function isValidHost(host: string): boolean {
  return host === 'localhost' || isIP(host) !== 0;
}

/** True when only this machine can connect: 127.0.0.0/8, ::1, ::ffff:127.x, localhost. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice(7) : h;
  return isIP(v4) === 4 && v4.startsWith('127.');
}

export function listenHost(hostEnv: string | undefined, mode: 'servers' | 'embedded'): string {
  return hostEnv?.trim() || LISTEN_DEFAULTS[mode];
}

/** The one-line warning when HOST opens the service to a network (null on loopback). */
export function networkWarning(host: string, outbox: boolean): string | null {
  if (isLoopbackHost(host)) return null;
  return `WARNING: HOST=${host} opens the service to the network: anyone who can reach this port sees its pages${outbox ? ' (the outbox only after a Geschäftsstelle login)' : ''}; use https:// (a proxy) before real logins travel over it.`;
}

/** How an address appears in a URL (IPv6 in brackets; the wildcard addresses are reached via loopback locally). */
export function localUrlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}
