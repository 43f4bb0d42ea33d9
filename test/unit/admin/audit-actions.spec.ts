import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ACTION_DE, auditActionLabel } from '../../../src/audit/audit-actions';
import { AUDIT_ACTIONS } from '../../../src/admin/office-format.util';
import { TANDEM_ACTIONS } from '../../../src/tandems/core/tandem-transitions.util';
import { INVITATION_ACTIONS, WORKSHOP_ACTIONS } from '../../../src/workshops/workshop-transitions.util';
import { EVENT_ACTIONS } from '../../../src/events/core/event-transitions.util';

// Issue 25: the audit page showed workshop events as "Sonstige Änderung". Every action any code in src writes has
// its German label: the literals ('workshop.created', also in SQL) and the template-built ones (`tandem.${…}`).
const SRC = join(__dirname, '../../../src');
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
const AREAS = [...new Set(Object.keys(AUDIT_ACTION_DE).map((a) => a.split('.')[0]))];

describe('audit actions: one list, each with a German label', () => {
  const sources = files(SRC).map((f) => ({ f, text: readFileSync(f, 'utf8') }));

  it('labels every action string written anywhere in src', () => {
    const literal = new RegExp(`['"\`]((?:${AREAS.join('|')})\\.[a-z_]+)['"\`]`, 'g');
    const found = new Set(sources.flatMap(({ text }) => [...text.matchAll(literal)].map((m) => m[1])));
    expect(found.size).toBeGreaterThan(30);
    expect([...found].filter((a) => !(a in AUDIT_ACTION_DE))).toEqual([]);
  });

  it('labels every expansion of the template-built actions, and no other template writes one', () => {
    const templates = new Set(
      sources.flatMap(({ text }) =>
        [...text.matchAll(/`((?:[a-z_]+)\.)\$\{/g)].map((m) => m[1]).filter((p) => AREAS.includes(p.slice(0, -1))),
      ),
    );
    expect([...templates].sort()).toEqual(['event.', 'tandem.', 'workshop.']);
    const expansions = [
      ...[...TANDEM_ACTIONS, 'requested', 'proposed'].map((a) => `tandem.${a}`),
      ...[...WORKSHOP_ACTIONS, ...INVITATION_ACTIONS, 'created', 'withdraw_invitation'].map((a) => `workshop.${a}`),
      ...EVENT_ACTIONS.map((a) => `event.${a}`),
    ].filter((a) => a !== 'workshop.withdraw'); // an invitation's withdrawal is written as workshop.withdraw_invitation
    expect(expansions.filter((a) => !(a in AUDIT_ACTION_DE))).toEqual([]);
  });

  it('never shows a raw code or "Sonstige Änderung" for a known action; the filter offers every action', () => {
    for (const [action, label] of Object.entries(AUDIT_ACTION_DE)) {
      expect(auditActionLabel(action)).toBe(label);
      expect(label).not.toMatch(/[a-z]+\.[a-z_]+|Sonstige/);
    }
    expect(auditActionLabel('workshop.something_new')).toBe('Änderung an einer Werkstatt');
    expect(AUDIT_ACTIONS.map((a) => a.value)).toEqual(Object.keys(AUDIT_ACTION_DE));
  });
});
