export const DISPLAY_NAME_MIN = 2;
export const DISPLAY_NAME_MAX = 80;

/**
 * A person's name as typed at registration, made safe to show: Unicode-normalised, control and invisible
 * characters dropped, whitespace collapsed. Returns null unless it is 2–80 characters of letters, spaces and
 * the punctuation names use (. - ' ’), with no domain-like part — so it cannot carry a link or a message.
 */
export function sanitiseDisplayName(raw: string): string | null {
  const name = raw
    .normalize('NFC')
    .replace(/\s+/gu, ' ')
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cn}]/gu, '')
    .trim();
  if (name.length < DISPLAY_NAME_MIN || name.length > DISPLAY_NAME_MAX) return null;
  if (!/^[\p{L}\p{M}][\p{L}\p{M} .'’-]*$/u.test(name)) return null;
  // "Dr. Klaus" is a name, "evil.example" or "www.x" reads as an address.
  if (/[\p{L}\p{M}]\.[\p{L}\p{M}]/u.test(name)) return null;
  return name;
}

/**
 * Who acted for the Geschäftsstelle, for timelines: "Geschäftsstelle (Anna Beispiel)"; a name that already says
 * Geschäftsstelle ("Geschäftsstelle (Demo)") stands alone, and a name with its own parentheses goes after a dash, so
 * no label reads "Geschäftsstelle (Geschäftsstelle (Demo))".
 */
export function officeActorLabel(name: string | null | undefined): string {
  const n = name?.trim();
  if (!n) return 'Geschäftsstelle';
  if (/geschäftsstelle/i.test(n)) return n;
  return /[()]/.test(n) ? `Geschäftsstelle – ${n}` : `Geschäftsstelle (${n})`;
}
