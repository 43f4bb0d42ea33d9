import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { officeActorLabel } from '../../../src/accounts/display-name.util';
import { TEMPLATES_DIR } from '../../../src/common/paths';
import { periodLabel } from '../../../src/digests/digest-content.util';
import { LegalTextService } from '../../../src/legal/legal-text.service';
import { MailRenderer } from '../../../src/mail/mail-renderer';
import { waitingFor } from '../../../src/tandems/tandem-wording.util';
import type { AppConfig } from '../../../src/config/app-config';
import { MAIL_CASES } from '../../factories/mail-contexts.factory';

/** The forms docs/glossary.md says to avoid (its last column), read from the maintained glossary itself. */
function avoidedForms(): string[] {
  const md = readFileSync(join(__dirname, '../../../docs/glossary.md'), 'utf8');
  return md
    .split('\n')
    .filter((l) => l.startsWith('|') && !/^\|\s*(Begriff|---)/.test(l))
    .flatMap((l) => (l.split('|').at(-2) ?? '').split(','))
    .map((f) => f.trim())
    .filter(Boolean);
}

// The German text check (issue 25): every mail template rendered with fixture contexts as the services build them,
// and the page strings built in code, scanned for what a reader must never see: raw codes, "undefined", doubled words,
// doubled or nested parentheses, the accusative after "von"/"mit". Terms: docs/glossary.md.

/** Topic slugs of the taxonomy (migrations/…-Foundation.ts): in a text, a name belongs where one of these stands. */
const TOPIC_SLUGS = [
  'innenstadt',
  'leerstand',
  'einzelhandel',
  'wohnen',
  'coworking',
  'digitale-verwaltung',
  'mobilitaet',
  'klimaschutz',
  'klimaanpassung',
  'erneuerbare-energien',
  'demografie',
  'junge-menschen',
  'fachkraefte',
  'beteiligung',
  'oeffentlicher-raum',
  'kultur-bildung',
  'daseinsvorsorge',
  'stadt-land',
  'finanzen',
  'integration',
  'tourismus',
  'resilienz',
];
/** State and role codes of the data model, which pages and mails translate. */
const CODES = [
  'requested',
  'accepted',
  'approved',
  'proposed',
  'declined',
  'withdrawn',
  'rejected',
  'expired',
  'cancelled',
  'concluded',
  'active',
  'invited',
  'draft',
  'held',
  'documented',
  'office_proposal',
  'town_contact',
  'mayor',
  'deputy',
  'staff',
  'pending',
  'verified',
];

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#x27;': "'",
  '&#x60;': '`',
  '&#x3D;': '=',
};
/** The words a reader sees in an HTML mail: no tags, no attribute values, entities decoded. */
const visibleText = (html: string) =>
  html
    .replace(/<(style|head)[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<\/?(a|strong|em|b|i|span)\b[^>]*>/gi, '')
    .replace(/<[^>]*>/g, '\n')
    .replace(/&(?:amp|lt|gt|quot|#x27|#x60|#x3D);/g, (e) => ENTITIES[e])
    .replace(/[ \t]+/g, ' ');

/** Everything wrong with one German text (URLs and mail addresses are left out: codes in them are fine). */
export function germanTextProblems(raw: string): string[] {
  const text = raw.replace(/https?:\/\/[^\s<>"]+[^\s<>".,;:)]/g, 'URL').replace(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g, 'MAIL');
  const problems: string[] = [];
  for (const bad of ['undefined', 'null', 'NaN', '[object Object]'])
    if (new RegExp(`(^|\\W)${bad.replace(/[[\]]/g, '\\$&')}(\\W|$)`).test(text)) problems.push(`"${bad}"`);
  for (const m of text.matchAll(/\b[a-z]+(?:_[a-z]+)+\b/g)) problems.push(`snake_case code "${m[0]}"`);
  for (const m of text.matchAll(new RegExp(`(?<![\\p{L}-])(${[...TOPIC_SLUGS, ...CODES].join('|')})(?![\\p{L}-])`, 'gu')))
    problems.push(`raw code "${m[1]}"`);
  // Case-sensitive: "können Sie sie" is German, "das das" is not.
  for (const m of text.matchAll(/(?<![\p{L}])(\p{L}+)[ \t]+\1(?![\p{L}])/gu)) problems.push(`doubled word "${m[0]}"`);
  for (const m of text.matchAll(
    /\b(von|mit|bei|aus|nach|zu|seit)\s+(Ihre|Ihr|deine|unsere)\s+(Kommune|Stadt|Gemeinde|Antwort|Anfrage|Registrierung)\b/g,
  ))
    problems.push(`dative needed: "${m[0]}"`);
  if (/\bkeine\s+Impressum\b/.test(text)) problems.push('"keine Impressum"');
  // Parentheses: never doubled, never nested, never empty, always closed.
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (depth > 1) problems.push('nested parentheses');
    if (depth < 0) problems.push('unbalanced ")"');
    if (depth > 1 || depth < 0) break;
  }
  if (depth > 0) problems.push('unclosed "("');
  if (/\(\s*\)/.test(text)) problems.push('empty parentheses');
  for (const line of text.split('\n')) if (/\S {2,}\S/.test(line)) problems.push(`double space in "${line.trim()}"`);
  if (/[ \t][,.:;](?!\S)/.test(text)) problems.push('space before punctuation');
  return [...new Set(problems)];
}

describe('German text check', () => {
  const renderer = new MailRenderer(undefined, 'https://tandem.example');
  const templates = readdirSync(join(TEMPLATES_DIR, 'mail'))
    .filter((f) => f.endsWith('.txt.hbs'))
    .map((f) => f.replace(/\.txt\.hbs$/, ''));

  it('has fixture contexts for every mail template', () => {
    expect(templates.filter((t) => !MAIL_CASES.some((c) => c.template === t))).toEqual([]);
    expect(templates.length).toBeGreaterThanOrEqual(24);
  });

  it.each(MAIL_CASES.map((c) => [`${c.template} (${c.name})`, c] as const))('%s: subject, text and HTML read as clean German', (_, c) => {
    const m = renderer.render(c.template, c.context);
    const found = {
      subject: germanTextProblems(m.subject),
      text: germanTextProblems(m.text),
      html: germanTextProblems(visibleText(m.html)),
    };
    expect(found).toEqual({ subject: [], text: [], html: [] });
  });

  it('the checker itself catches each kind of defect (from the walk-through of issue 25)', () => {
    expect(germanTextProblems('Antwort von Ihre Kommune')).toEqual(['dative needed: "Antwort von Ihre Kommune"'.replace('Antwort ', '')]);
    expect(germanTextProblems('Der Betreiber hat noch keine Impressum hinterlegt.')).toContain('"keine Impressum"');
    expect(germanTextProblems('Geschäftsstelle (Geschäftsstelle (Demo))')).toContain('nested parentheses');
    expect(germanTextProblems('Übersicht für Seelow (KW 49/2026 (30.11.–6.12.2026))')).toContain('nested parentheses');
    expect(germanTextProblems('Thema: leerstand')).toContain('raw code "leerstand"');
    expect(germanTextProblems('Stand: office_proposal')).toContain('snake_case code "office_proposal"');
    expect(germanTextProblems('Guten Tag undefined,')).toContain('"undefined"');
    expect(germanTextProblems('das das Tandem')).toContain('doubled word "das das"');
    expect(germanTextProblems('Link: https://x.example/a_b/leerstand und a_b@x.example.')).toEqual([]);
  });

  it('page strings built in code: whose answer a tandem waits for, who acted for the office, legal placeholders, weeks', () => {
    const row = { nameA: 'Seelow', nameB: 'Penkun', acceptedAAt: null, acceptedBAt: null };
    const strings = [
      waitingFor({ ...row, state: 'requested' }, 'partner'),
      waitingFor({ ...row, state: 'requested' }, 'requester'),
      waitingFor({ ...row, state: 'proposed' }, 'requester'),
      waitingFor({ ...row, state: 'proposed' }, 'partner'),
      waitingFor({ ...row, state: 'proposed' }, 'office'),
      officeActorLabel('Geschäftsstelle (Demo)'),
      officeActorLabel('Anna Beispiel'),
      officeActorLabel('Anna Beispiel (Demo)'),
      officeActorLabel(null),
      `Ihre Übersicht für Seelow (${periodLabel('2026-W49')})`,
      ...(['impressum', 'privacy'] as const).flatMap(
        (page) => new LegalTextService({ legalFiles: { impressum: null, privacy: null } } as unknown as AppConfig).get(page).paragraphs,
      ),
    ].map(String);
    expect(strings.filter((s) => germanTextProblems(s).length).map((s) => `${s}: ${germanTextProblems(s).join(', ')}`)).toEqual([]);
    expect(waitingFor({ ...row, state: 'requested' }, 'partner')).toBe('Antwort von Ihrer Kommune');
    expect(waitingFor({ ...row, state: 'proposed' }, 'requester')).toBe('Antwort von Ihrer Kommune und Antwort von Penkun');
    expect(officeActorLabel('Geschäftsstelle (Demo)')).toBe('Geschäftsstelle (Demo)');
    expect(officeActorLabel('Anna Beispiel')).toBe('Geschäftsstelle (Anna Beispiel)');
    expect(
      new LegalTextService({ legalFiles: { impressum: null, privacy: null } } as unknown as AppConfig).get('impressum').paragraphs[0],
    ).toBe('Der Betreiber dieses Dienstes hat noch kein Impressum hinterlegt.');
  });

  it('uses the glossary: no avoided form in any mail or page template, rendered or literal', () => {
    const avoid = avoidedForms();
    expect(avoid).toEqual(expect.arrayContaining(['Transfer-Werkstatt', 'keine Impressum', 'Kontaktperson']));
    const hits: string[] = [];
    const scan = (where: string, text: string) => {
      for (const form of avoid) if (new RegExp(`(?<![\\p{L}-])${form}(?![\\p{L}-])`, 'u').test(text)) hits.push(`${where}: ${form}`);
    };
    for (const c of MAIL_CASES) {
      const m = renderer.render(c.template, c.context);
      scan(`${c.template} (${c.name})`, `${m.subject}\n${m.text}\n${visibleText(m.html)}`);
    }
    for (const dir of ['mail', 'pages', join('pages', 'partials')])
      for (const f of readdirSync(join(TEMPLATES_DIR, dir)).filter((x) => x.endsWith('.hbs')))
        scan(join(dir, f), visibleText(readFileSync(join(TEMPLATES_DIR, dir, f), 'utf8').replace(/\{\{[\s\S]*?\}\}/g, ' ')));
    expect(hits).toEqual([]);
  });

  it('page templates and German strings in the code: no "von/mit Ihre …", no "keine Impressum", no doubled words', () => {
    const files = [
      ...readdirSync(join(TEMPLATES_DIR, 'pages')).map((f) => join(TEMPLATES_DIR, 'pages', f)),
      ...readdirSync(join(TEMPLATES_DIR, 'pages', 'partials')).map((f) => join(TEMPLATES_DIR, 'pages', 'partials', f)),
    ].filter((f) => f.endsWith('.hbs'));
    const found: string[] = [];
    for (const f of files) {
      // The words around the placeholders: expressions and tags out, so only literal German remains.
      const words = visibleText(readFileSync(f, 'utf8').replace(/\{\{[\s\S]*?\}\}/g, ' '));
      for (const p of germanTextProblems(words).filter((p) => /dative|Impressum|doubled word/.test(p))) found.push(`${f}: ${p}`);
    }
    expect(found).toEqual([]);
  });
});
