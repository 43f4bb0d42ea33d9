// Methods (Steckbriefe) of the Methodenkoffer named in the seed report on the pilot phase (2019–2022): the formats the
// model projects tried (§ 3.1, § 3.4, § 4.1–4.6). Demo data: loaded by the demo seed only.
export const DEMO_METHODS = [
  {
    slug: 'pop-up-labor',
    name: 'Pop-up-Labor',
    whatItIs:
      'Ein Ladenlokal oder ein Platz in der Innenstadt wird für einige Tage bis Wochen zum offenen Labor: Ideen werden vor Ort ausprobiert, Passantinnen und Passanten reden mit.',
    helpsWhen:
      'Leerstand in der Innenstadt, neue Nutzungen sollen sichtbar und testbar werden, junge Menschen sollen sich beteiligen (Modellvorhaben „Kleine Städte. Große Vielfalt.“ und „StadtLabor Kleinstadt“).',
    effort: 'mittel: Raum, Ausstattung, Betreuung an den Öffnungstagen',
    actors: 'Stadtverwaltung, Eigentümerinnen und Eigentümer, Vereine, Jugendliche, Einzelhandel',
    links: [],
  },
  {
    slug: 'solution-lab',
    name: 'Solution Lab',
    whatItIs: 'Ein moderierter Ideenworkshop, in dem eine konkrete Frage der Stadtentwicklung in kurzer Zeit zu erprobbaren Lösungen wird.',
    helpsWhen: 'Eine Herausforderung ist benannt, aber es fehlen Lösungsideen; verschiedene Gruppen sollen gemeinsam entwickeln.',
    effort: 'gering bis mittel: ein bis zwei Tage mit Moderation',
    actors: 'Verwaltung, Bürgerinnen und Bürger, junge Menschen, Fachleute',
    links: [],
  },
  {
    slug: 'buergerrat',
    name: 'Bürgerrat',
    whatItIs:
      'Zufällig ausgewählte Einwohnerinnen und Einwohner beraten über mehrere Sitzungen eine Frage und geben Empfehlungen an Rat und Verwaltung.',
    helpsWhen:
      'Beteiligungsferne Gruppen sollen mitreden, eine strittige Frage braucht breiten Rückhalt (Modellvorhaben „Lokale Demokratie gestalten“).',
    effort: 'mittel bis hoch: Auswahl, Moderation, mehrere Sitzungen',
    actors: 'Rat, Verwaltung, zufällig Ausgewählte, Moderation',
    links: [],
  },
  {
    slug: 'kleinraeumige-datenanalyse',
    name: 'Kleinräumige Datenanalyse',
    whatItIs:
      'Daten zu Wohnen, Mobilität und Bevölkerung werden auf Ebene von Quartieren oder Ortsteilen ausgewertet und als Karten sichtbar gemacht.',
    helpsWhen:
      'Bedarfe bei Wohnen und Mobilität sollen belegt werden, bevor Geld ausgegeben wird (Modellvorhaben „Reallabor Stadtentwicklung“).',
    effort: 'mittel: Datenbeschaffung, Auswertung, Datenschutz',
    actors: 'Verwaltung, Hochschule, Wohnungsunternehmen, Verkehrsbetriebe',
    links: [],
  },
  {
    slug: 'co-working-auf-probe',
    name: 'Co-Working auf Probe',
    whatItIs: 'Ein leerstehender Raum wird befristet als Co-Working-Space geöffnet, um Nachfrage und Betreibermodelle zu testen.',
    helpsWhen:
      'Leerstand in der Kernlage, Pendlerinnen und Pendler, Zuzug junger Menschen (Modellvorhaben „StadtLabor Kleinstadt“, CoWorkLand).',
    effort: 'mittel: Raum, Internet, Möbel, Betreuung',
    actors: 'Wirtschaftsförderung, Eigentümerinnen und Eigentümer, Genossenschaft, Selbstständige',
    links: [],
  },
  {
    slug: 'transferwerkstatt',
    name: 'Transferwerkstatt',
    whatItIs:
      'Vier bis sechs Kleinstädte aus verschiedenen Bundesländern stellen einander vor, was sie zu einem Thema ausprobiert haben, und verabreden, was sie übernehmen.',
    helpsWhen: 'Eine Kommune will von erprobten Lösungen anderer lernen, statt selbst von vorn anzufangen.',
    effort: 'gering: ein halber bis ganzer Tag, online oder vor Ort',
    actors: 'Bürgermeisterinnen und Bürgermeister, Fachverwaltung, Geschäftsstelle',
    links: [],
  },
];
