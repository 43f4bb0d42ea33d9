import { orderHits } from '../../../src/practices/practice-search.util';
import { adoptionLabel, dueStage, followUpUrl, parseAnswer, verifyFollowUp } from '../../../src/practices/practice-follow-up.util';

const ID = '00000000-0000-4000-8000-000000000002';

// Issue 27, following up: when a town is asked, how it answers, and what the answers do to the list.
describe('practice follow-up', () => {
  it('is due 6 months after the end, then 12; a late first run asks only the later stage', () => {
    const ended = new Date('2026-01-15T10:00:00Z');
    expect(dueStage(ended, new Date('2026-07-15T09:59:59Z'))).toBeNull();
    expect(dueStage(ended, new Date('2026-07-15T10:00:00Z'))).toBe(6);
    expect(dueStage(ended, new Date('2027-01-15T09:00:00Z'))).toBe(6);
    expect(dueStage(ended, new Date('2027-01-15T10:00:00Z'))).toBe(12);
  });

  it('reads the answers from link and form words, nothing else', () => {
    expect(['ja', 'Teilweise', 'geplant', 'nein', 'yes', 'partly'].map(parseAnswer)).toEqual([
      'yes',
      'partly',
      'planned',
      'no',
      'yes',
      'partly',
    ]);
    for (const bad of ['', 'vielleicht', 5, null, ['ja'], undefined]) expect(parseAnswer(bad)).toBeNull();
  });

  it('says "übernommen in 1 Kommune" and "… in N Kommunen", nothing for none', () => {
    expect(adoptionLabel(0)).toBeNull();
    expect(adoptionLabel(1)).toBe('übernommen in 1 Kommune');
    expect(adoptionLabel(4)).toBe('übernommen in 4 Kommunen');
  });

  it('signs the one-click link; another id or a changed signature is refused', () => {
    const url = new URL(followUpUrl('https://kt.test', 'geheim', ID, 'partly'));
    expect(url.pathname).toBe(`/methodenkoffer/rueckmeldung/${ID}`);
    expect(url.searchParams.get('antwort')).toBe('teilweise');
    const s = url.searchParams.get('s');
    expect(verifyFollowUp('geheim', ID, s)).toBe(true);
    expect(verifyFollowUp('anders', ID, s)).toBe(false);
    expect(verifyFollowUp('geheim', ID.replace(/2$/, '3'), s)).toBe(false);
    expect(verifyFollowUp('geheim', 'kein-uuid', s)).toBe(false);
    expect(verifyFollowUp('geheim', ID, `${s}x`)).toBe(false);
    expect(verifyFollowUp('geheim', ID, undefined)).toBe(false);
  });

  it('an example that was taken over ranks higher in relevance and similarity order, not in "newest"', () => {
    const d = (s: string) => new Date(`2026-12-0${s}T10:00:00Z`);
    const hits = [
      { id: 'new', rank: 0.5, publishedAt: d('3'), similarity: null, adoptions: 0 },
      { id: 'old', rank: 0.5, publishedAt: d('1'), similarity: null, adoptions: 0 },
    ];
    expect(orderHits(hits, 'x', null).map((h) => h.id)).toEqual(['new', 'old']);
    const adopted = hits.map((h) => (h.id === 'old' ? { ...h, adoptions: 1 } : h));
    expect(orderHits(adopted, 'x', null).map((h) => h.id)).toEqual(['old', 'new']);
    expect(orderHits(adopted, '', null).map((h) => h.id)).toEqual(['old', 'new']);
    expect(orderHits(adopted, '', 'newest').map((h) => h.id)).toEqual(['new', 'old']);
    const town = adopted.map((h) => ({ ...h, similarity: 0.7 }));
    expect(orderHits(town, '', 'similar').map((h) => h.id)).toEqual(['old', 'new']);
    // A clearly better hit stays ahead of a weak one that was taken over once.
    const far = [
      { id: 'strong', rank: 1, publishedAt: d('1'), similarity: null, adoptions: 0 },
      { id: 'weak', rank: 0.3, publishedAt: d('2'), similarity: null, adoptions: 1 },
    ];
    expect(orderHits(far, 'x', null).map((h) => h.id)).toEqual(['strong', 'weak']);
  });
});
