import { resolve } from 'node:path';
import { MatchTown } from '../src/matching/core/matching-input.types';
import { mulberry32 } from '../src/matching/core/prng.util';
import { parseDestatis, readWorkbook } from '../src/municipalities/directory/destatis-parser.util';

// The benchmarks' input: every municipality of the Destatis directory with a seeded synthetic profile.
export const TOPICS = [
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

export function syntheticProfiles(records: Awaited<ReturnType<typeof parseDestatis>>, seed: number): MatchTown[] {
  const rnd = mulberry32(seed);
  // Zipf-like popularity: Leerstand, Digitalisierung, Überalterung, Mobilität first (the 2022 survey's top four).
  const order = [
    'leerstand',
    'digitale-verwaltung',
    'demografie',
    'mobilitaet',
    ...TOPICS.filter((t) => !['leerstand', 'digitale-verwaltung', 'demografie', 'mobilitaet'].includes(t)),
  ];
  const weights = order.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const draw = () => {
    let x = rnd() * total;
    for (let i = 0; i < order.length; i++) if ((x -= weights[i]) <= 0) return order[i];
    return order[order.length - 1];
  };
  const some = (min: number, max: number) => {
    const n = min + Math.floor(rnd() * (max - min + 1));
    const s = new Set<string>();
    for (let guard = 0; s.size < n && guard < 50; guard++) s.add(draw());
    return [...s];
  };
  return records.map((r) => ({
    id: r.ags,
    name: r.name,
    stateCode: r.stateCode,
    stateName: r.stateName,
    population: r.population,
    associationPopulation: r.associationPopulation,
    areaKm2: r.areaKm2,
    degurba: r.degurba,
    lat: r.latitude,
    lon: r.longitude,
    topics: some(2, 6),
    challenges: some(1, 3).map((topic) => ({ topic, urgency: 1 + Math.floor(rnd() * 3) })),
    experiences: some(0, 3).map((topic) => ({ topic })),
    capacity: 1,
  }));
}

/** The seed of the benchmarks' profiles (bench:matching, and the suite's test on the same input). */
export const BENCH_SEED = 42;

/**
 * The real Destatis directory, next to the repository (../shared/data/destatis, never copied into it); DESTATIS_XLSX
 * overrides. From bench/ (ts) and dist/bench/ (js) alike: the repository root is where the path has its bench folder.
 */
export const BENCH_XLSX =
  process.env.DESTATIS_XLSX ??
  resolve(__dirname.replace(/[\\/]dist[\\/]bench$|[\\/]bench$/, ''), '../shared/data/destatis/31122023_Auszug_GV.xlsx');

/** The benchmark input: every municipality of the directory with its seeded synthetic profile. */
export async function benchmarkTowns(xlsx: string = BENCH_XLSX, seed: number = BENCH_SEED): Promise<MatchTown[]> {
  return syntheticProfiles(parseDestatis(await readWorkbook(xlsx)), seed);
}
