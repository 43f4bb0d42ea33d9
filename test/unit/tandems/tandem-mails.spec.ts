import { reasonList } from '../../../src/matching/core/reason-list.util';
import { MailRenderer } from '../../../src/mail/mail-renderer';

// Every tandem mail in both versions, with the contexts TandemsService builds: German, the shared layout, the link,
// user text escaped in HTML, and no placeholder left empty or unrendered.
describe('tandem mail templates', () => {
  const r = new MailRenderer();
  const base = {
    displayName: 'Anna Beispiel',
    ownTown: 'Penkun',
    otherTown: 'Seelow',
    townA: 'Seelow',
    townB: 'Penkun',
    topicName: 'Leerstand',
    stateLabel: 'angefragt',
    origin: 'request',
    proposal: false,
    link: 'http://app.test/tandems/1234',
    requestMessage: 'Hallo <Penkun>',
  };
  const cases: [string, Record<string, unknown>, string, string[]][] = [
    [
      'tandem-requested',
      { reasons: 'Ihre Herausforderung Leerstand ↔ deren Erfahrung', message: 'Hallo <Penkun>' },
      'Seelow fragt ein Tandem mit Penkun an',
      [
        'Warum das passt: Ihre Herausforderung Leerstand',
        'Hallo <Penkun>',
        'innerhalb von 30 Tagen',
        'Anfrage ansehen und beantworten: http://app.test/tandems/1234',
      ],
    ],
    [
      'tandem-answered',
      { accepted: true, message: 'Gern!' },
      'Seelow hat Ihre Tandem-Anfrage angenommen',
      ['Die Geschäftsstelle prüft das Tandem', 'Gern!'],
    ],
    [
      'tandem-answered',
      { accepted: false, reason: 'Keine Zeit' },
      'Seelow hat Ihre Tandem-Anfrage abgelehnt',
      ['zwölf Monaten', 'Begründung:\nKeine Zeit'],
    ],
    [
      'tandem-approval-needed',
      { forOffice: true, message: 'Gern!' },
      'Tandem zur Freigabe: Seelow und Penkun',
      ['wartet auf die Freigabe', 'Antwort von Penkun: Gern!', 'Tandem prüfen und freigeben: http://app.test/tandems/1234'],
    ],
    [
      'tandem-proposed',
      { reasons: 'vergleichbare Größe', proposal: true, origin: 'office_proposal' },
      'Vorschlag der Geschäftsstelle: ein Tandem mit Seelow',
      ['Sobald beide Kommunen zugestimmt haben', 'Vorschlag ansehen und beantworten: http://app.test/tandems/1234'],
    ],
    [
      'tandem-update',
      { stateLabel: 'vorzeitig beendet', text: 'Das Tandem wurde vorzeitig beendet.', reason: 'Neue Prioritäten' },
      'Tandem Penkun – Seelow: vorzeitig beendet',
      ['Begründung:\nNeue Prioritäten', 'Zum Tandem: http://app.test/tandems/1234'],
    ],
    [
      'tandem-reminder',
      { days: 8, expiresInDays: 22 },
      'Erinnerung: Seelow wartet auf Ihre Antwort',
      [
        'seit 8 Tagen wartet die Tandem-Anfrage mit Seelow zum Thema „Leerstand“ auf die Antwort von Penkun. Ohne Antwort läuft die Anfrage in 22 Tagen ab.',
      ],
    ],
    [
      'tandem-reminder',
      { days: 15, expiresInDays: 15, proposal: true },
      'Erinnerung: Seelow wartet auf Ihre Antwort',
      ['wartet der Vorschlag der Geschäftsstelle für ein Tandem mit Seelow', 'läuft der Vorschlag in 15 Tagen ab'],
    ],
    [
      'tandem-reminder',
      { days: 7, forOffice: true, expiresInDays: null },
      'Erinnerung: Tandem Seelow – Penkun wartet auf Freigabe',
      ['wartet seit 7 Tagen auf die Freigabe durch die Geschäftsstelle'],
    ],
    [
      'tandem-start-reminder',
      { days: 14, expiresInDays: 46, stateLabel: 'freigegeben' },
      'Erinnerung: Tandem mit Seelow noch nicht begonnen',
      [
        'hat das Tandem von Penkun mit Seelow zum Thema „Leerstand“ vor 14 Tagen freigegeben, es wurde aber noch nicht begonnen.',
        'Ohne Start läuft das Tandem in 46 Tagen ab.',
        'Zum Tandem: http://app.test/tandems/1234',
      ],
    ],
  ];

  it.each(cases)('%s renders German subject, text and HTML in the shared layout', (template, extra, subject, texts) => {
    const m = r.render(template, { ...base, ...extra });
    expect(m.subject).toBe(subject);
    expect(m.text.startsWith('Guten Tag Anna Beispiel,')).toBe(true);
    for (const t of texts) expect(m.text).toContain(t);
    expect(m.text).not.toMatch(/undefined|null|\{\{| {2}\./);
    expect(m.html).toContain('lang="de"');
    expect(m.html).toContain('Kleinstadt-Tandem der Kleinstadtakademie');
    expect(m.html).toContain('href="http://app.test/tandems/1234"');
    expect(m.html).not.toContain('<Penkun>');
    expect(m.html).not.toMatch(/undefined|\{\{/);
  });

  // Issue 30: the reasons as a list, one line per criterion with its share, strongest first, in both versions.
  const list = reasonList([
    { key: 'size', weight: 0.2, similarity: 0.5, value: 0.1, reason: 'ähnlich groß (ca. 1.800 und 4.000 Einwohner)' },
    { key: 'sharedTopics', weight: 0.3, similarity: 1, value: 0.3, reason: 'Gemeinsame Themen: Leerstand' },
  ]);
  it.each([
    ['tandem-requested', 'Warum das passt'],
    ['tandem-proposed', 'Warum das passt'],
    ['tandem-paired', 'Was außerdem passt'],
  ])('%s lists the reasons one per line with their shares', (template, label) => {
    const m = r.render(template, { ...base, reasons: 'alt', reasonList: list, officeReason: 'Begründung der Geschäftsstelle' });
    expect(m.text).toContain(`${label}:\n– Gemeinsame Themen: Leerstand (75 %)\n– ähnlich groß (ca. 1.800 und 4.000 Einwohner) (25 %)\n`);
    expect(m.text).not.toContain('passt: alt');
    expect(m.html).toMatch(/<li>Gemeinsame Themen: Leerstand <span[^>]*>\(75 %\)<\/span><\/li><li>ähnlich groß/);
  });
});
