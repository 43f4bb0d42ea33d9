import type { DigestSection } from './digest-content.util';

/** What a section provider knows about the recipient when it builds its part of the digest. */
export interface DigestRecipient {
  userId: string;
  townId: string;
  townName: string;
  /** Start of "new": when the last digest went to this contact (or when the contact was created). */
  since: Date;
}

/**
 * One block of the digest (suggestions, newly verified towns; tandem requests and workshop invitations once those
 * modules exist). Register an implementation in DIGEST_SECTION_PROVIDERS (digests.module.ts); order = list order.
 * Return null or an empty item list when there is nothing; items already mailed are dropped by composeDigest.
 * `collect` gets a batch of recipients (the digest jobs that run side by side) and answers one section (or null) per
 * recipient, in the same order: read set-based (one query for the batch), not once per recipient.
 */
export interface DigestSectionProvider {
  readonly key: string;
  collect(recipients: readonly DigestRecipient[]): Promise<(DigestSection | null)[]>;
}

export const DIGEST_SECTION_PROVIDERS = Symbol('DIGEST_SECTION_PROVIDERS');

/**
 * One section (or null) per recipient from rows read for the whole batch, grouped by town: several contacts of one
 * town in a batch get the same rows.
 */
export function sectionsPerRecipient<R extends { townId: string }>(
  recipients: readonly DigestRecipient[],
  rows: readonly R[],
  section: (rows: R[]) => DigestSection,
): (DigestSection | null)[] {
  const byTown = new Map<string, R[]>();
  for (const row of rows) {
    const list = byTown.get(row.townId);
    if (list) list.push(row);
    else byTown.set(row.townId, [row]);
  }
  return recipients.map((r) => {
    const own = byTown.get(r.townId);
    return own?.length ? section(own) : null;
  });
}
