import fc from 'fast-check';
import { MinHeap } from '../../../src/matching/core/min-heap.util';

describe('MinHeap', () => {
  it('pops keys in ascending order with their payloads, across growth and interleaved pushes', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.integer({ min: -50, max: 50 })), { maxLength: 3000 }), (ops) => {
        const heap = new MinHeap();
        const model: number[] = [];
        let id = 0;
        for (const [isPop, key] of ops) {
          if (isPop && model.length) {
            model.sort((x, y) => x - y);
            expect(heap.topKey()).toBe(model[0]);
            // the payload travels with its key
            expect(heap.topA() % 101).toBe(((heap.topKey() % 101) + 101) % 101);
            heap.pop();
            model.shift();
          } else {
            heap.push(key, (((key % 101) + 101) % 101) + 101 * id++, id);
            model.push(key);
          }
          expect(heap.size).toBe(model.length);
        }
      }),
      { numRuns: 100 },
    );
  });
});
