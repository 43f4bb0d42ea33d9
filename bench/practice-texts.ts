import { mulberry32 } from '../src/matching/core/prng.util';
import type { PracticeInput } from '../src/practices/practice-input.util';
import { PRACTICE_STATUSES } from '../src/practices/practice-states.util';

// The practices benchmark's input: application examples in varied German, seeded. Each topic has its own nouns (in
// several inflections, so stemming matters), the sentences around them are shared; about 20 words per field.

const BY_TOPIC: Record<string, { things: string[]; goals: string[] }> = {
  leerstand: {
    things: ['Leerstand', 'Leerstände', 'leerstehende Läden', 'Leerstandskataster', 'Zwischennutzung', 'Ladenlokale'],
    goals: ['leere Läden wieder vermieten', 'Leerstände in der Innenstadt beleben', 'Eigentümer von Ladenlokalen erreichen'],
  },
  innenstadt: {
    things: ['Innenstadt', 'Marktplatz', 'Fußgängerzone', 'Altstadt', 'Innenstädte', 'Ortskern'],
    goals: ['die Innenstadt beleben', 'den Marktplatz neu gestalten', 'mehr Menschen in den Ortskern bringen'],
  },
  mobilitaet: {
    things: ['Radweg', 'Radwege', 'Bürgerbus', 'Mitfahrbank', 'Mitfahrbänke', 'Rufbus', 'Carsharing', 'Bahnhof'],
    goals: ['Ortsteile ohne Auto erreichbar machen', 'den Radverkehr sicherer machen', 'Pendlern den Umstieg erleichtern'],
  },
  wohnen: {
    things: ['Wohnungen', 'Baulücken', 'Wohnprojekt', 'Mehrgenerationenhaus', 'Bauland', 'Altbauten'],
    goals: ['bezahlbaren Wohnraum schaffen', 'Altbauten wieder bewohnbar machen', 'junge Familien im Ort halten'],
  },
  coworking: {
    things: ['Co-Working', 'Coworking-Space', 'Gemeinschaftsbüro', 'Arbeitsplätze auf Probe', 'Dorfbüro'],
    goals: ['Pendlerinnen und Pendlern Arbeit im Ort bieten', 'Rückkehrer gewinnen', 'leere Räume für Büros nutzen'],
  },
  'digitale-verwaltung': {
    things: ['Online-Dienste', 'digitale Verwaltung', 'Bürgerportal', 'Terminbuchung', 'Digitalisierung', 'Glasfaser'],
    goals: ['Anträge online ermöglichen', 'Wege ins Rathaus sparen', 'die Verwaltung digital aufstellen'],
  },
  klimaschutz: {
    things: ['Wärmeplanung', 'Wärmenetz', 'Solaranlagen', 'Energieberatung', 'Klimaschutzkonzept', 'Straßenbeleuchtung'],
    goals: ['den Energieverbrauch senken', 'die kommunale Wärmeplanung voranbringen', 'Dächer mit Solar belegen'],
  },
  klimaanpassung: {
    things: ['Schwammstadt', 'Hitzeschutz', 'Starkregen', 'Baumrigolen', 'Trinkbrunnen', 'Stadtbäume'],
    goals: ['Regenwasser vor Ort halten', 'Hitze in den Straßen mindern', 'Keller vor Starkregen schützen'],
  },
  demografie: {
    things: ['Seniorinnen und Senioren', 'Pflege', 'Nachbarschaftshilfe', 'Dorfgemeinschaftshaus', 'Alterung'],
    goals: ['älteren Menschen das Leben im Ort erleichtern', 'Nachbarschaftshilfe organisieren', 'Pflege im Ort sichern'],
  },
  'junge-menschen': {
    things: ['Jugendliche', 'Jugendparlament', 'Jugendtreff', 'Skatepark', 'Ausbildungsplätze', 'Schülerinnen und Schüler'],
    goals: ['Jugendliche an Entscheidungen beteiligen', 'junge Menschen im Ort halten', 'einen Treffpunkt schaffen'],
  },
  fachkraefte: {
    things: ['Fachkräfte', 'Fachkräftegewinnung', 'Willkommensagentur', 'Probewohnen', 'Azubis'],
    goals: ['Fachkräfte für Betriebe im Ort gewinnen', 'Zuzug erleichtern', 'Betriebe und Schulen verbinden'],
  },
  beteiligung: {
    things: ['Bürgerrat', 'Bürgerräte', 'Bürgerbeteiligung', 'Ehrenamt', 'Ehrenamtliche', 'Zukunftswerkstatt', 'Bürgerhaushalt'],
    goals: ['Bürgerinnen und Bürger beteiligen', 'das Ehrenamt stärken', 'Entscheidungen gemeinsam vorbereiten'],
  },
  daseinsvorsorge: {
    things: ['Dorfladen', 'Dorfläden', 'Nahversorgung', 'Hausarztpraxis', 'Genossenschaft', 'Kita-Plätze'],
    goals: ['die Nahversorgung sichern', 'einen Dorfladen in Bürgerhand gründen', 'eine Hausarztpraxis gewinnen'],
  },
  tourismus: {
    things: ['Tourismus', 'Wanderwege', 'Radtouristen', 'Gästeführungen', 'Ferienwohnungen', 'Heimatmuseum'],
    goals: ['mehr Gäste in den Ort bringen', 'Wanderwege verbinden', 'Übernachtungen verlängern'],
  },
  'kultur-bildung': {
    things: ['Bibliothek', 'Volkshochschule', 'Kulturscheune', 'Musikschule', 'Lesecafé', 'Konzerte'],
    goals: ['Kultur auf dem Land anbieten', 'die Bibliothek zum Treffpunkt machen', 'Bildungsangebote bündeln'],
  },
  'oeffentlicher-raum': {
    things: ['Spielplatz', 'Spielplätze', 'Parkanlage', 'Sitzbänke', 'Dorfplatz', 'Grünflächen'],
    goals: ['öffentliche Plätze für alle Generationen gestalten', 'den Dorfplatz beleben', 'Grünflächen pflegen'],
  },
};
export const GENERATED_TOPICS = Object.keys(BY_TOPIC);

const ACTORS = ['Bauamt', 'Bürgermeisterin', 'Bürgermeister', 'Stadtrat', 'Wirtschaftsförderung', 'Verein', 'Quartiersmanagement'];
const EFFORTS = ['zwei Tage', 'eine Woche', 'drei Monate Teilzeit', 'ein halber Tag je Woche', 'zwei Personen für ein Jahr'];
const BUDGETS = ['500 Euro', '3.000 Euro', '12.000 Euro', '45.000 Euro', 'kein eigenes Budget'];
const FUNDING = ['Städtebauförderung', 'LEADER', 'Landesprogramm', 'Stiftung', 'Eigenmittel', 'Bundesprogramm'];
const DURATIONS = ['vier Wochen', 'ein halbes Jahr', 'ein Jahr', 'zwei Jahre'];
const VERBS = ['erfasst', 'angeschrieben', 'eingeladen', 'ausprobiert', 'umgebaut', 'gemeinsam geplant', 'ausgewertet'];
const OPENERS = ['Gemeinsam mit', 'Auf Anregung von', 'Zusammen mit', 'Mit Unterstützung durch'];
const LESSONS = [
  'Die Abstimmung mit den Eigentümern dauerte länger als gedacht.',
  'Am Anfang kamen nur wenige Menschen zu den Treffen.',
  'Die Förderung kam erst nach einem Jahr.',
  'Ohne feste Ansprechperson im Rathaus schlief das Projekt ein.',
  'Die Pressearbeit hätten wir früher beginnen sollen.',
];
const CONDITIONS = [
  'Eine feste Ansprechperson in der Verwaltung und ein kleiner Verfügungsfonds.',
  'Ein Beschluss des Gemeinderats und engagierte Vereine.',
  'Ein Raum im Ortskern und ein Jahr Geduld.',
  'Partner aus der Wirtschaft und eine Förderzusage.',
];

// A long tail as in real texts: a project name compounded from a place and a kind (12 × 16 = 192 names, each in about
// 1 % of the examples), and a street.
const PLACES = ['Dorf', 'Stadt', 'Markt', 'Kirch', 'Schul', 'Bahnhofs', 'Mühlen', 'Hafen', 'Schloss', 'Wald', 'Wiesen', 'Bach'];
const KINDS = ['werkstatt', 'garten', 'café', 'laden', 'treff', 'fest', 'führung', 'büro', 'labor', 'rat', 'fonds', 'zeitung'];
const KINDS_MORE = ['akademie', 'wette', 'sommer', 'spaziergang'];
const STREETS = ['Lange Straße', 'Mühlenweg', 'Am Markt', 'Schlossberg', 'Bahnhofstraße', 'Kirchplatz', 'Hafenstraße', 'Lindenallee'];

export interface GeneratedPractice {
  input: PracticeInput;
  topics: string[];
}

/** `n` examples, the same for the same seed. */
export function generatePractices(n: number, seed: number): GeneratedPractice[] {
  const rnd = mulberry32(seed);
  const pick = <T>(a: readonly T[]) => a[Math.floor(rnd() * a.length)];
  return Array.from({ length: n }, () => {
    const main = pick(GENERATED_TOPICS);
    const second = rnd() < 0.4 ? pick(GENERATED_TOPICS.filter((t) => t !== main)) : null;
    const topics = second ? [main, second] : [main];
    const t = BY_TOPIC[main];
    const other = second ? BY_TOPIC[second] : t;
    const thing = pick(t.things);
    const goal = pick(t.goals);
    const project = `${pick(PLACES)}${pick([...KINDS, ...KINDS_MORE])}`;
    const title = `${pick(['Wie wir', 'So haben wir', 'Gemeinsam'])} ${goal}: ${thing}${rnd() < 0.5 ? ` und ${pick(other.things)}` : ''}`;
    const summary = `${pick(OPENERS)} ${pick(ACTORS)} haben wir im Projekt „${project}“ ${thing} ${pick(VERBS)} und ${pick(other.things)} ${pick(VERBS)}. Ziel war es, ${pick(t.goals)}. Treffpunkt: ${pick(STREETS)}.`;
    const steps = Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => ({
      what: `${pick(t.things)} ${pick(VERBS)}, dann ${pick(other.things)} ${pick(VERBS)}`,
      actor: pick(ACTORS),
      effort: pick(EFFORTS),
      budget: pick(BUDGETS),
      funding: pick(FUNDING),
      duration: pick(DURATIONS),
    }));
    return {
      topics,
      input: {
        title: title.slice(0, 200),
        summary,
        challenges: [`Wie können wir ${pick(t.goals)}?`, ...(rnd() < 0.5 ? [`Was tun gegen fehlende ${pick(other.things)}?`] : [])],
        topics,
        steps,
        results: [{ text: `${pick(t.things)} ${pick(VERBS)}`, figure: `${1 + Math.floor(rnd() * 40)} von ${40 + Math.floor(rnd() * 60)}` }],
        notWorked: pick(LESSONS),
        transferConditions: pick(CONDITIONS),
        status: pick(PRACTICE_STATUSES),
        contactUserId: null,
        openForVisits: rnd() < 0.3,
        licence: 'CC-BY-4.0',
        methods: [],
      },
    };
  });
}
