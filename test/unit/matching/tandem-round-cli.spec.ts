import { runTandemRoundCli } from '../../../src/matching/core/tandem-round-cli.util';

describe('tandem-round command', () => {
  it('prints one JSON object with the total and the pairs', () => {
    const out = runTandemRoundCli(
      JSON.stringify({
        edges: [
          ['a', 'b', 3],
          ['b', 'c', 5],
          ['c', 'd', 3],
        ],
        capacity: { b: 1 },
      }),
    );
    expect(JSON.parse(out)).toEqual({
      weight: 6,
      pairs: [
        ['a', 'b'],
        ['c', 'd'],
      ],
    });
    expect(JSON.parse(runTandemRoundCli('{"edges": [[1, 2, 1.5], [2, 3, 1]], "capacity": {"2": 2}}'))).toEqual({
      weight: 2.5,
      pairs: [
        [1, 2],
        [2, 3],
      ],
    });
  });

  it('keeps large integer weights exact', () => {
    expect(JSON.parse(runTandemRoundCli('{"edges": [["a", "b", 10000000000], ["b", "c", 10000000001], ["c", "d", 10000000000]]}'))).toEqual(
      {
        weight: 20000000000,
        pairs: [
          ['a', 'b'],
          ['c', 'd'],
        ],
      },
    );
  });

  it('rejects malformed input with a clear message', () => {
    expect(() => runTandemRoundCli('nope')).toThrow(/not valid JSON/);
    expect(() => runTandemRoundCli('{"edge": []}')).toThrow(/"edges"/);
    expect(() => runTandemRoundCli('{"edges": [["a", "b"]]}')).toThrow(/edges\[0\] must be/);
    expect(() => runTandemRoundCli('{"edges": [["a", "b", 1]], "capacity": {"a": -1}}')).toThrow(/capacity of a/);
  });
});
