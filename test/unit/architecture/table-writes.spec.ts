import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

// Issue 26: each feature owns its tables. Only the owner's repository writes a table (INSERT, UPDATE, DELETE in its
// SQL); others ask the owner's service or repository. A new table needs an owner here, a second writer a reason.
const OWNERS: Record<string, string[]> = {
  accessibility_feedback: ['legal/accessibility-feedback.repository.ts'],
  audit_log: ['audit/audit.repository.ts'],
  data_version: ['database/data-version.repository.ts'],
  digest_recipient: ['digests/digest.repository.ts'],
  digest_run: ['digests/digest.repository.ts'],
  email_token: ['auth/user.repository.ts'],
  event_invitation: ['events/event.repository.ts'],
  event_registration: ['events/event.repository.ts'],
  http_session: ['auth/user.repository.ts'],
  mail_delivery: ['mail/mail-delivery.repository.ts'],
  matching_run: ['matching/matching.repository.ts'],
  matching_settings: ['matching/matching.repository.ts'],
  matching_suggestion: ['matching/matching.repository.ts'],
  municipality: ['municipalities/municipality.repository.ts'],
  network_event: ['events/event.repository.ts'],
  office_note: ['admin/office.repository.ts'],
  outbox_message: ['mail/mail-transport.repository.ts'],
  pair_history: ['tandems/tandem.repository.ts'],
  practice: ['practices/practice.repository.ts'],
  practice_follow_up: ['practices/practice-follow-up.repository.ts'],
  practice_method: ['practices/practice.repository.ts'],
  practice_method_use: ['practices/practice.repository.ts'],
  practice_version: ['practices/practice.repository.ts'],
  rate_limit_counter: ['security/rate-limit.repository.ts'],
  tandem: ['tandems/tandem.repository.ts'],
  tandem_fit_answer: ['tandems/tandem.repository.ts'],
  tandem_meeting: ['tandems/tandem-activity.repository.ts'],
  tandem_result: ['tandems/tandem.repository.ts'],
  tandem_round_pair: ['matching/matching.repository.ts'],
  tandem_silence: ['tandems/tandem-activity.repository.ts'],
  // town.dormant_since is the activity rule's flag: set by the tandem activity job, lifted by a sign-in (auth sits
  // below municipalities and cannot call the town repository).
  town: ['municipalities/town.repository.ts', 'tandems/tandem-activity.repository.ts', 'auth/user.repository.ts'],
  town_challenge: ['municipalities/town.repository.ts'],
  town_contact_person: ['accounts/address-book/address-book.repository.ts'],
  town_experience: ['municipalities/town.repository.ts'],
  town_topic: ['municipalities/town.repository.ts'],
  user_account: ['auth/user.repository.ts'],
  workshop: ['workshops/workshop.repository.ts'],
  workshop_invitation: ['workshops/workshop.repository.ts'],
  workshop_proposal: ['matching/matching.repository.ts'],
  workshop_reminder: ['workshops/workshop.repository.ts'],
};

const SRC = join(__dirname, '../../../src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.ts') ? [join(dir, f)] : []));

/** Words after a keyword in comments ("a bare UPDATE or DELETE", "UPDATE answers"), not tables. */
const PROSE = new Set(['or', 'answers']);

/** Every table a file writes: an SQL write keyword followed by a table name. */
function writes(): Map<string, Set<string>> {
  const byTable = new Map<string, Set<string>>();
  for (const f of files(SRC)) {
    for (const m of readFileSync(f, 'utf8').matchAll(/\b(?:INSERT INTO|UPDATE|DELETE FROM)\s+([a-z_]+)\b/g)) {
      if (PROSE.has(m[1])) continue;
      const set = byTable.get(m[1]) ?? new Set<string>();
      set.add(relative(SRC, f));
      byTable.set(m[1], set);
    }
  }
  return byTable;
}

describe('table ownership (writes)', () => {
  const found = writes();

  it('finds the writes it guards (the scan works)', () => {
    expect(found.get('tandem')).toEqual(new Set(['tandems/tandem.repository.ts']));
    expect(found.get('mail_delivery')?.has('mail/mail-delivery.repository.ts')).toBe(true);
    expect(found.size).toBeGreaterThan(30);
  });

  it('only the owner writes a table', () => {
    const outside = [...found].flatMap(([table, writers]) =>
      [...writers].filter((w) => !(OWNERS[table] ?? []).includes(w)).map((w) => `${w} writes ${table}`),
    );
    // A table without an owner shows up here too: give it one in OWNERS.
    expect(outside).toEqual([]);
  });
});
