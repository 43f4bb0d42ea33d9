// Issue 30: the Erklärung zur Barrierefreiheit (BITV 2.0 § 7, structured after the EU model statement, Durchführungs-
// beschluss (EU) 2018/1523). Plain data; the page template lays it out. Update `reviewed` and the gaps when they change.

export interface AccessibilityStatement {
  status: string;
  created: string;
  reviewed: string;
  method: string;
  gaps: { title: string; text: string }[];
  /** Name and website only: its address and phone are kept current on its own site. */
  enforcement: { name: string; web: string };
}

export const ACCESSIBILITY_STATEMENT: AccessibilityStatement = {
  status: 'teilweise barrierefrei',
  created: '7. Dezember 2026',
  reviewed: '7. Dezember 2026',
  method:
    'Selbstbewertung: automatische Prüfung aller Seiten mit axe-core (WCAG 2.1 AA und Best Practices) bei 1.366 und 390 Pixel Breite, ' +
    'ein Durchgang nur mit der Tastatur von der Registrierung bis zur Antwort auf eine Tandem-Anfrage, Prüfung auf Inhalte, die über ' +
    'den Bildschirmrand hinausragen. Eine Prüfung durch eine unabhängige Prüfstelle (BITV-Test) hat noch nicht stattgefunden.',
  gaps: [
    {
      title: 'Keine Informationen in Leichter Sprache und Deutscher Gebärdensprache',
      text: 'Die nach § 4 BITV 2.0 vorgesehenen Erläuterungen zu Inhalt und Bedienung in Leichter Sprache und in Deutscher Gebärdensprache gibt es noch nicht.',
    },
    {
      title: 'Karten und Diagramme der Geschäftsstelle',
      text: 'Die Deutschlandkarte und die Diagramme auf den Seiten der Geschäftsstelle sind Grafiken. Dieselben Zahlen stehen jeweils in einer Tabelle daneben; die Karte selbst lässt sich mit einem Screenreader nicht erkunden.',
    },
    {
      title: 'Dateien zum Herunterladen',
      text: 'Tabellen als CSV-Datei und Kalendereinträge (ICS) sind nicht gesondert auf Barrierefreiheit geprüft.',
    },
    {
      title: 'Nicht mit Hilfsmitteln getestet',
      text: 'Die Seiten wurden noch nicht mit Screenreadern, Vergrößerungssoftware oder Spracheingabe durch betroffene Personen getestet. Es kann deshalb Barrieren geben, die automatische Prüfungen nicht finden.',
    },
  ],
  enforcement: {
    name: 'Schlichtungsstelle nach § 16 BGG bei dem Beauftragten der Bundesregierung für die Belange von Menschen mit Behinderungen',
    web: 'https://www.schlichtungsstelle-bgg.de',
  },
};
