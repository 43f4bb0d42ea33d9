import { findInputProblem, MAX_DEPTH, pathProblem, queryProblem } from '../../../src/security/input-sanity.util';

describe('input sanity checks (issue 9, item 5)', () => {
  it.each([
    ['NUL in a string', { q: 'a\u0000b' }, 'nul'],
    ['NUL in a key', { ['a\u0000']: 1 }, 'nul'],
    ['lone high surrogate', { name: 'x\ud800' }, 'surrogate'],
    ['lone low surrogate', ['\udc00'], 'surrogate'],
    ['5000 nested arrays', JSON.parse('['.repeat(5000) + ']'.repeat(5000)), 'depth'],
    ['a key shadowing Object.prototype', JSON.parse('{"toString":1}'), 'key'],
    ['__proto__ as own key', JSON.parse('{"a":{"__proto__":{"x":1}}}'), 'key'],
    ['too many elements', Array.from({ length: 6000 }, () => 1), 'size'],
  ])('%s is refused', (_name, input, problem) => {
    expect(findInputProblem(input)).toBe(problem);
  });

  it('accepts ordinary input, umlauts, emoji and nesting up to the limit', () => {
    expect(findInputProblem({ name: 'Jörg Klaus 👍', topics: ['leerstand'], challenges: [{ topic: 'x', urgency: 2 }] })).toBeNull();
    let deep: unknown = 'x';
    for (let i = 0; i < MAX_DEPTH - 1; i++) deep = [deep];
    expect(findInputProblem(deep)).toBeNull();
    expect(findInputProblem(undefined)).toBeNull();
  });

  it('refuses repeated or structured query values and bad path encoding', () => {
    expect(queryProblem({ suche: ['a', 'b'] })).toBe('repeated');
    expect(queryProblem({ q: { a: 'b' } })).toBe('repeated');
    expect(queryProblem({ q: 'a\u0000b' })).toBe('nul');
    expect(queryProblem({ suche: 'Olbernhau' })).toBeNull();
    expect(pathProblem('/api/towns/%E0%A4%A')).toBe('encoding');
    expect(pathProblem('/api/towns/%00')).toBe('nul');
    expect(pathProblem('/api/towns/%ED%A0%80')).toBe('encoding');
    expect(pathProblem('/registrieren')).toBeNull();
  });
});
