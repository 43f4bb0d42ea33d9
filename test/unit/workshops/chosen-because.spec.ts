import type { MatchTown } from '../../../src/matching/core/matching-input.types';
import { reasonList } from '../../../src/matching/core/reason-list.util';
import { buildContext, scorePair } from '../../../src/matching/core/score.util';
import { DEFAULT_WEIGHTS } from '../../../src/matching/core/weights';
import { chosenBecause, chosenBecauseBlocks } from '../../../src/workshops/workshop-fit.util';

const town = (id: string, name: string, stateCode: string, over: Partial<MatchTown> = {}): MatchTown => ({
  id,
  name,
  stateCode,
  stateName: `Land ${stateCode}`,
  population: 8000,
  areaKm2: 60,
  degurba: 3,
  topics: ['leerstand'],
  challenges: [],
  experiences: [],
  capacity: 1,
  ...over,
});

describe('why a town is in a workshop: one line per reason in the mail, the same blocks on its Werkstätten page (issue 30)', () => {
  const penkun = town('p', 'Penkun', '13', { experiences: [{ topic: 'leerstand' }] });
  const seelow = town('s', 'Seelow', '12', { population: 5700, challenges: [{ topic: 'leerstand', urgency: 3 }] });
  const olbernhau = town('o', 'Olbernhau', '14', { population: 11000, topics: ['leerstand', 'mobilitaet'] });
  const ctx = buildContext([penkun, seelow, olbernhau], DEFAULT_WEIGHTS, { leerstand: 'Leerstand', mobilitaet: 'Mobilität' });

  it('the mail text lists, per member it fits best, the reasons with their shares; the page reads the same back', () => {
    const text = chosenBecause(ctx, penkun, [seelow, olbernhau], 'leerstand', 'Leerstand');
    const lines = text.split('\n');
    expect(lines[0]).toBe('Ihre Kommune hat Erfahrung mit dem Thema „Leerstand“, von der die anderen lernen können.');
    expect(lines[1]).toBe('Mit Seelow:');
    const withSeelow = reasonList(scorePair(ctx, penkun, seelow).components).items;
    expect(lines.slice(2, 2 + withSeelow.length)).toEqual(withSeelow.map((i) => `  – ${i.text} (${i.percent} %)`));

    const blocks = chosenBecauseBlocks(text);
    expect(blocks[0]).toEqual({ text: lines[0], items: [] });
    expect(blocks[1]).toEqual({ text: 'Mit Seelow:', items: withSeelow.map((i) => ({ text: i.text, percent: i.percent })) });
    expect(blocks.map((b) => b.text)).toEqual(lines.filter((l) => !l.startsWith('  – ')));
  });

  it('a text stored before the lists, or none, still reads', () => {
    expect(chosenBecauseBlocks('Mit Seelow: Gemeinsame Themen: Leerstand · anderes Bundesland (Brandenburg)')).toEqual([
      { text: 'Mit Seelow: Gemeinsame Themen: Leerstand · anderes Bundesland (Brandenburg)', items: [] },
    ]);
    expect(chosenBecauseBlocks('')).toEqual([]);
    expect(chosenBecauseBlocks(null)).toEqual([]);
  });
});
