import { checkPractice, EMPTY_PRACTICE, fromApi, fromForm, submitProblems } from '../../../src/practices/practice-input.util';
import { landCode, orderHits, parseQuery, API_QUERY_NAMES, townSimilarity } from '../../../src/practices/practice-search.util';
import { practiceActions, practiceStep } from '../../../src/practices/practice-states.util';

const KNOWN = { topics: new Set(['leerstand', 'mobilitaet']), methods: new Set(['pop-up-labor']), contacts: new Set(['u1']) };

describe('practice review cycle (issue 27)', () => {
  it.each([
    ['edit', 'own_town', 'draft', 'draft'],
    ['edit', 'own_town', 'returned', 'draft'],
    ['edit', 'own_town', 'published', 'draft'],
    ['submit', 'own_town', 'draft', 'submitted'],
    ['submit', 'own_town', 'returned', 'submitted'],
    ['publish', 'office', 'submitted', 'published'],
    ['return', 'office', 'submitted', 'returned'],
  ] as const)('%s by %s from %s → %s', (action, actor, from, to) => {
    expect(practiceStep(action, actor, from)).toEqual({ ok: true, to });
  });

  it('refuses the rest with a reason: under review, wrong state, wrong actor', () => {
    expect(practiceStep('edit', 'own_town', 'submitted')).toMatchObject({ ok: false, code: 'under_review' });
    expect(practiceStep('publish', 'office', 'draft')).toMatchObject({ ok: false, code: 'wrong_state' });
    expect(practiceStep('publish', 'own_town', 'submitted')).toMatchObject({ ok: false, code: 'office_only' });
    expect(practiceStep('edit', 'office', 'draft')).toMatchObject({ ok: false, code: 'office_reviews_only' });
    expect(practiceActions('office', 'submitted')).toEqual(['publish', 'return']);
    expect(practiceActions('own_town', 'submitted')).toEqual([]);
  });
});

describe('practice input', () => {
  it('the API merges fields over the current values and names wrong types and unknown fields', () => {
    const current = { ...EMPTY_PRACTICE, title: 'Alt', summary: 'bleibt' };
    expect(fromApi({ title: '  Neu  ' }, current)).toEqual({ input: { ...current, title: 'Neu' }, problems: [] });
    const { problems } = fromApi({ title: 1, steps: {}, results: [1], openForVisits: 'ja', contactUserId: 'x', farbe: 'rot' }, current);
    expect(problems.map((p) => p.field).sort()).toEqual(['contactUserId', 'farbe', 'openForVisits', 'results', 'steps', 'title']);
    expect(fromApi([], current).problems).toHaveLength(1);
    expect(fromApi(null, current).problems).toHaveLength(1);
  });

  it('the form keeps step and result rows aligned, drops empty rows, and treats nested values as empty', () => {
    const input = fromForm({
      step_what: ['Erfassen', '', 'Anschreiben'],
      step_actor: ['Bauamt', '', ''],
      result_text: ['', 'Vermietet'],
      result_figure: ['', '7'],
      challenge: ['Wie?', '', { x: 1 }],
      openForVisits: 'ja',
      status: 'gibt-es-nicht',
    });
    expect(input.steps.map((s) => [s.what, s.actor])).toEqual([
      ['Erfassen', 'Bauamt'],
      ['Anschreiben', ''],
    ]);
    expect(input.results).toEqual([{ text: 'Vermietet', figure: '7' }]);
    expect(input.challenges).toEqual(['Wie?']);
    expect(input.openForVisits).toBe(true);
    expect(input.status).toBe('running');
  });

  it('checks limits and known values; a submission also needs title, summary, a question, a topic and a step', () => {
    const ok = { ...EMPTY_PRACTICE, title: 'T', summary: 'Eine Zusammenfassung, lang genug.', challenges: ['Wie?'], topics: ['leerstand'] };
    expect(checkPractice({ ...ok, steps: [{ what: 'x', actor: '', effort: '', budget: '', funding: '', duration: '' }] }, KNOWN)).toEqual(
      [],
    );
    const bad = checkPractice(
      { ...ok, title: 'x'.repeat(201), challenges: ['1', '2', '3', '4'], topics: ['nix'], methods: ['nix'], contactUserId: 'u2' },
      KNOWN,
    );
    expect(bad.map((p) => p.field)).toEqual(['title', 'challenges', 'topics', 'methods', 'contactUserId']);
    expect(submitProblems(EMPTY_PRACTICE).map((p) => p.field)).toEqual(['title', 'summary', 'challenges', 'topics', 'steps']);
    expect(submitProblems({ ...ok, steps: [{ what: 'x', actor: '', effort: '', budget: '', funding: '', duration: '' }] })).toEqual([]);
  });
});

describe('practice search', () => {
  const known = { topics: new Set(['leerstand']), methods: new Set(['pop-up-labor']) };
  it('parses filters by the caller’s names and names every bad one', () => {
    expect(parseQuery({ q: ' Leerstände ', land: 'brandenburg', size: 'kleine-kleinstadt' }, API_QUERY_NAMES, known).query).toMatchObject({
      q: 'Leerstände',
      land: '12',
      size: 'kleine-kleinstadt',
      page: 1,
    });
    const { problems } = parseQuery(
      { topic: 'x', method: 'y', land: '99', size: 'z', status: 'w', sort: 'v', page: '0', q: ['a'] },
      API_QUERY_NAMES,
      known,
    );
    expect(problems.map((p) => p.field)).toEqual(['q', 'topic', 'method', 'land', 'size', 'status', 'sort', 'page']);
    expect(landCode('5')).toBe('05');
    expect(landCode('Thüringen')).toBe('16');
  });

  it('similarity: the same town is 1, a town 10× larger and much denser is far less similar', () => {
    const a = { population: 8000, associationPopulation: null, areaKm2: 80, degurba: 3 };
    expect(townSimilarity(a, a)).toBe(1);
    expect(townSimilarity(a, { population: 80000, associationPopulation: null, areaKm2: 40, degurba: 1 })).toBeLessThan(0.2);
    expect(townSimilarity(a, { ...a, population: 9000 })).toBeGreaterThan(0.9);
  });

  it('orders by relevance (blended with similarity for a town), by similarity, or newest first', () => {
    const d = (s: string) => new Date(`2026-12-0${s}T10:00:00Z`);
    const hits = [
      { id: 'a', rank: 0.9, publishedAt: d('1'), similarity: 0.1 },
      { id: 'b', rank: 0.8, publishedAt: d('3'), similarity: 1 },
      { id: 'c', rank: 0.1, publishedAt: d('2'), similarity: 0.5 },
    ];
    expect(orderHits(hits, 'x', null).map((h) => h.id)).toEqual(['b', 'a', 'c']);
    expect(orderHits(hits, 'x', 'similar').map((h) => h.id)).toEqual(['b', 'c', 'a']);
    expect(orderHits(hits, '', null).map((h) => h.id)).toEqual(['b', 'c', 'a']);
    const anonymous = hits.map((h) => ({ ...h, similarity: null }));
    expect(orderHits(anonymous, 'x', null).map((h) => h.id)).toEqual(['a', 'b', 'c']);
    expect(orderHits(anonymous, '', null).map((h) => h.id)).toEqual(['b', 'c', 'a']);
  });
});
