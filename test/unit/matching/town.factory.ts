import fc from 'fast-check';
import { MatchTown } from '../../../src/matching/core/matching-input.types';

export const TOPICS = [
  'innenstadt',
  'leerstand',
  'einzelhandel',
  'wohnen',
  'coworking',
  'mobilitaet',
  'klimaschutz',
  'demografie',
  'beteiligung',
  'tourismus',
];
const STATES: [string, string][] = [
  ['01', 'Schleswig-Holstein'],
  ['05', 'Nordrhein-Westfalen'],
  ['06', 'Hessen'],
  ['09', 'Bayern'],
  ['12', 'Brandenburg'],
  ['14', 'Sachsen'],
];

export const townArb = (id: string): fc.Arbitrary<MatchTown> =>
  fc
    .record({
      state: fc.constantFrom(...STATES),
      population: fc.integer({ min: 800, max: 40000 }),
      assoc: fc.option(fc.integer({ min: 5000, max: 60000 }), { nil: null }),
      areaKm2: fc.double({ min: 5, max: 400, noNaN: true }),
      degurba: fc.option(fc.constantFrom(1, 2, 3), { nil: null }),
      lat: fc.double({ min: 47.5, max: 54.8, noNaN: true }),
      lon: fc.double({ min: 6, max: 15, noNaN: true }),
      topics: fc.uniqueArray(fc.constantFrom(...TOPICS), { maxLength: 5 }),
      challenges: fc.array(fc.record({ topic: fc.constantFrom(...TOPICS), urgency: fc.constantFrom(1, 2, 3) }), { maxLength: 3 }),
      experiences: fc.array(fc.record({ topic: fc.constantFrom(...TOPICS) }), { maxLength: 3 }),
      capacity: fc.integer({ min: 0, max: 3 }),
    })
    .map((r) => ({
      id,
      stateCode: r.state[0],
      stateName: r.state[1],
      population: r.population,
      associationPopulation: r.assoc,
      areaKm2: r.areaKm2,
      degurba: r.degurba,
      lat: r.lat,
      lon: r.lon,
      topics: r.topics,
      challenges: r.challenges,
      experiences: r.experiences,
      capacity: r.capacity,
    }));

export const townsArb = (min: number, max: number) =>
  fc.integer({ min, max }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => townArb(`t${i}`))));
