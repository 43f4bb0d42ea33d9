import { MinHeap } from './min-heap.util';

/** Python-style index into a blossom's cyclic child list (negative counts from the end). */
const at = (arr: number[], idx: number) => arr[idx < 0 ? idx + arr.length : idx];

/**
 * Where a walk around a blossom from child index i starts and which way it goes: an odd index walks
 * forward (through the end of the list), an even one backward, so the path has even length.
 * Returns [start, step, endpoint trick].
 */
const walkFrom = (i: number, length: number): [number, number, number] => (i & 1 ? [i - length, 1, 0] : [i, -1, 1]);

/**
 * Exact maximum-weight matching on a general graph: Edmonds' blossom algorithm with dual variables,
 * ported from Joris van Rijn's reference implementation (mwmatching.py, the one NetworkX follows).
 * Weights must be integers (callers scale), which keeps every dual variable an exact integer:
 * floating-point slack is how known ports came to loop forever. A step guard throws instead of looping.
 *
 * Two changes to the reference, for speed (the same optimum; 10,773 towns: 37 s → under 3 s):
 * - It rebuilds the alternating forest from every free vertex in each of its ~n/2 stages, rescanning most
 *   edges each time (≈ n·m work). Here the forest is kept: every free vertex stays the root of its own tree,
 *   and an augmentation dissolves only the two trees it joined (as Blossom V and LEMON do). Their vertices
 *   become unlabelled and the least-slack bookkeeping that pointed at them is repaired locally (dissolve).
 * - Its dual step loops over all vertices and blossoms; with the forest kept there are tens of thousands of
 *   such steps, so duals here move lazily with one clock and the least-slack candidates sit in heaps.
 * test/utils/reference-max-weight-matching.ts keeps the stage-by-stage port as the test oracle.
 *
 * Input: vertices 0..n-1, edges [i, j, w]. Output: mate[v] = partner or -1.
 *
 * The state lives in one BlossomMatcher; its phases are methods: scan (grow the forest from one S-vertex),
 * dualStep (move the duals when no tight edge is left), shrinkBlossom / expandBlossom, augment, dissolve.
 */
export function maxWeightMatchingIndices(nvertex: number, edgeList: ReadonlyArray<readonly [number, number, number]>): Int32Array {
  if (edgeList.length === 0 || nvertex === 0) return new Int32Array(nvertex).fill(-1);
  return new BlossomMatcher(nvertex, edgeList).run();
}

/*
 * Invariants (checked by the tests against brute force and the reference port; kept by every phase):
 * - Edges and endpoints: edge k joins ei[k] and ej[k]; endpoint p = 2k or 2k+1 is its ei or ej end, and p ^ 1
 *   the other one. mate[v] is the endpoint p whose vertex endpoint[p] is v's partner (converted at the end), or -1.
 * - Blossoms: ids 0..n-1 are vertices, n..2n-1 blossoms. inblossom[v] is v's top-level blossom; a blossom's
 *   children form an odd cycle from its base (blossomchilds, with the connecting endpoints in blossomendps).
 * - Labels live on top-level blossoms (and on their vertices): 0 unlabelled, 1 S (outer), 2 T (inner); bit 4
 *   marks a blossom while scanBlossom traces two paths. Every free (unmatched) vertex is an S-root from the
 *   start to the end; treeOf[v] is the root of the tree v is labelled in; an S-tree alternates S and T along
 *   matched and tight edges.
 * - Duals (integers, since weights are): slack(k) = dual(i) + dual(j) − 2·w(k) ≥ 0 for every edge; matched edges
 *   and edges inside a blossom have slack 0; a non-trivial blossom's dual is ≥ 0. All free vertices share the
 *   smallest vertex dual, maxweight − clock; when it reaches 0 the matching is optimal.
 * - Lazy duals: dual(x) = dualvar[x] + sgn[x]·(clock − stamp[x]) with sgn −1 for S-vertices, +1 for T-vertices,
 *   +1 for top-level S-blossoms, −1 for top-level T-blossoms, 0 otherwise; setSign settles before it changes sgn.
 * - allowedge[k]: k was seen tight (slack 0). A dual step keeps it tight while the labels of its ends stay
 *   (S–T: −1 + 1); dissolve clears the marks on the edges of vertices that lose their labels.
 * - bestedge[w] of an unlabelled vertex: its least-slack edge to an S-vertex (heap2, key slack + clock);
 *   bestedge[b] of a top-level S-blossom: its least-slack edge to another S-blossom (heap3, key slack/2 + clock).
 *   Keys stay valid while labels do; stale heap entries are dropped when they reach the top.
 */
class BlossomMatcher {
  private readonly n: number;
  private readonly n2: number;
  private readonly maxweight: number;
  // Edges, and per vertex its edges as a CSR list (remote endpoint, remote vertex, twice the weight).
  private readonly ei: Int32Array;
  private readonly ej: Int32Array;
  private readonly ew: Float64Array;
  private readonly endpoint: Int32Array;
  private readonly nbStart: Int32Array;
  private readonly nbEnd: Int32Array;
  private readonly nbV: Int32Array;
  private readonly nbW2: Float64Array;
  // Matching, labels and blossoms.
  private readonly mate: Int32Array;
  private readonly label: Int32Array;
  private readonly labelend: Int32Array;
  private readonly inblossom: Int32Array;
  private readonly blossomparent: Int32Array;
  private readonly blossomchilds: (number[] | null)[];
  private readonly blossombase: Int32Array;
  private readonly blossomendps: (number[] | null)[];
  private readonly bestedge: Int32Array;
  private readonly blossombestedges: (number[] | null)[];
  private readonly unusedblossoms: number[] = [];
  // Lazy duals.
  private clock = 0;
  private readonly dualvar: Float64Array;
  private readonly stamp: Float64Array;
  private readonly sgn: Int8Array;
  private readonly tBlossoms = new Set<number>();
  // Forest.
  private readonly allowedge: Uint8Array;
  private readonly queue: number[] = [];
  private readonly treeOf: Int32Array;
  private readonly members: (number[] | null)[];
  private readonly inD: Uint8Array;
  private free = 0;
  // Least-slack candidates for the dual step: bestedge can improve many times between two steps, so entries are
  // pushed once per step for what changed.
  private readonly heap2 = new MinHeap(); // (key, vertex, edge)
  private readonly heap3 = new MinHeap(); // (key, S-blossom, edge)
  private readonly changed2: number[] = [];
  private readonly changed3: number[] = [];
  private readonly isChanged: Uint8Array;
  // Bug guard: a step bound far above the algorithm's O(n·m·log) work.
  private steps = 0;
  private readonly stepLimit: number;

  constructor(nvertex: number, edgeList: ReadonlyArray<readonly [number, number, number]>) {
    const nedge = edgeList.length;
    const n = (this.n = nvertex);
    const n2 = (this.n2 = 2 * nvertex);
    const ei = (this.ei = new Int32Array(nedge));
    const ej = (this.ej = new Int32Array(nedge));
    const ew = (this.ew = new Float64Array(nedge));
    let maxweight = 0;
    for (let k = 0; k < nedge; k++) {
      const [i, j, w] = edgeList[k];
      if (!Number.isInteger(w) || !Number.isSafeInteger(w * 4)) throw new Error(`edge weight must be a safe integer, got ${w}`);
      if (i === j || i < 0 || j < 0 || i >= n || j >= n) throw new Error(`invalid edge [${i}, ${j}]`);
      ei[k] = i;
      ej[k] = j;
      ew[k] = w;
      if (w > maxweight) maxweight = w;
    }
    this.maxweight = maxweight;
    const endpoint = (this.endpoint = new Int32Array(2 * nedge));
    for (let p = 0; p < 2 * nedge; p++) endpoint[p] = p & 1 ? ej[p >> 1] : ei[p >> 1];
    const degree = new Int32Array(n + 1);
    for (let k = 0; k < nedge; k++) {
      degree[ei[k] + 1]++;
      degree[ej[k] + 1]++;
    }
    for (let v = 0; v < n; v++) degree[v + 1] += degree[v];
    this.nbStart = degree.slice();
    const nbEnd = (this.nbEnd = new Int32Array(2 * nedge));
    // Per CSR entry also the remote vertex and twice the weight, so the scan loop reads them in sequence.
    const nbV = (this.nbV = new Int32Array(2 * nedge));
    const nbW2 = (this.nbW2 = new Float64Array(2 * nedge));
    const fill = degree.slice(0, n);
    for (let k = 0; k < nedge; k++) {
      const qi = fill[ei[k]]++,
        qj = fill[ej[k]]++;
      nbEnd[qi] = 2 * k + 1;
      nbV[qi] = ej[k];
      nbW2[qi] = 2 * ew[k];
      nbEnd[qj] = 2 * k;
      nbV[qj] = ei[k];
      nbW2[qj] = 2 * ew[k];
    }

    this.mate = new Int32Array(n).fill(-1);
    this.label = new Int32Array(n2);
    this.labelend = new Int32Array(n2).fill(-1);
    this.inblossom = new Int32Array(n);
    for (let v = 0; v < n; v++) this.inblossom[v] = v;
    this.blossomparent = new Int32Array(n2).fill(-1);
    this.blossomchilds = new Array<number[] | null>(n2).fill(null);
    this.blossombase = new Int32Array(n2).fill(-1);
    for (let v = 0; v < n; v++) this.blossombase[v] = v;
    this.blossomendps = new Array<number[] | null>(n2).fill(null);
    this.bestedge = new Int32Array(n2).fill(-1);
    this.blossombestedges = new Array<number[] | null>(n2).fill(null);
    // Popped from the end like the reference (which pops the highest id first).
    for (let b = n2 - 1; b >= n; b--) this.unusedblossoms.push(b);
    this.unusedblossoms.reverse();
    this.dualvar = new Float64Array(n2);
    for (let v = 0; v < n; v++) this.dualvar[v] = maxweight;
    this.stamp = new Float64Array(n2);
    this.sgn = new Int8Array(n2);
    this.allowedge = new Uint8Array(nedge);
    this.treeOf = new Int32Array(n).fill(-1);
    this.members = new Array<number[] | null>(n).fill(null);
    this.inD = new Uint8Array(n);
    this.isChanged = new Uint8Array(n2 + n);
    this.stepLimit = 200 * (n + nedge + 10) * (n + 10);
  }

  /** Grows the forest from the queued S-vertices; when no tight edge is left, moves the duals; until optimal. */
  run(): Int32Array {
    const { n, mate, endpoint, queue, label, inblossom } = this;
    // Every free vertex is the root of its own tree for the whole run.
    for (let v = 0; v < n; v++) {
      this.members[v] = [];
      this.assignLabel(v, 1, -1);
      this.free++;
    }
    while (this.free >= 2) {
      while (queue.length && this.free >= 2) {
        const v = queue.pop()!;
        if (label[inblossom[v]] !== 1) continue; // its tree was dissolved after it was queued
        this.scan(v);
      }
      if (this.free < 2 || !this.dualStep()) break;
    }
    for (let v = 0; v < n; v++) if (mate[v] >= 0) mate[v] = endpoint[mate[v]];
    return mate;
  }

  // ---- duals, slack, guard ----

  private dual(x: number): number {
    return this.dualvar[x] + this.sgn[x] * (this.clock - this.stamp[x]);
  }

  /** Sets the direction x's dual moves in, settling its value first (see the lazy duals invariant). */
  private setSign(x: number, s: number): void {
    const { sgn } = this;
    if (sgn[x] === s) return;
    this.dualvar[x] += sgn[x] * (this.clock - this.stamp[x]);
    this.stamp[x] = this.clock;
    sgn[x] = s;
    if (x >= this.n) {
      if (s === -1) this.tBlossoms.add(x);
      else this.tBlossoms.delete(x);
    }
  }

  private slack(k: number): number {
    return this.dual(this.ei[k]) + this.dual(this.ej[k]) - 2 * this.ew[k];
  }

  private guard(): void {
    if (++this.steps > this.stepLimit) throw new Error('maximum-weight matching exceeded its step bound (bug guard)');
  }

  // ---- least-slack bookkeeping ----

  private setBest2(w: number, k: number): void {
    this.bestedge[w] = k;
    if (!this.isChanged[this.n2 + w]) {
      this.isChanged[this.n2 + w] = 1;
      this.changed2.push(w);
    }
  }

  private setBest3(b: number, k: number): void {
    this.bestedge[b] = k;
    if (!this.isChanged[b]) {
      this.isChanged[b] = 1;
      this.changed3.push(b);
    }
  }

  /** Pushes the bestedge entries that changed since the last dual step into the heaps (keys at this clock). */
  private pushChanged(): void {
    const { bestedge, label, inblossom, isChanged, n2 } = this;
    for (const w of this.changed2) {
      isChanged[n2 + w] = 0;
      const k = bestedge[w];
      if (k !== -1 && label[inblossom[w]] === 0) this.heap2.push(this.slack(k) + this.clock, w, k);
    }
    for (const b of this.changed3) {
      isChanged[b] = 0;
      const k = bestedge[b];
      if (k !== -1 && this.blossomparent[b] === -1 && label[b] === 1) this.heap3.push(this.slack(k) / 2 + this.clock, b, k);
    }
    this.changed2.length = this.changed3.length = 0;
  }

  /** Least-slack edge from v to an S-vertex outside v's top-level blossom: [edge, slack, remote endpoint]. */
  private leastSlackToS(v: number): [number, number, number] {
    const { nbStart, nbV, nbEnd, nbW2, inblossom, label, dualvar, sgn, stamp, clock } = this;
    const bv = inblossom[v];
    let best = -1,
      bestSlack = Infinity,
      bestP = -1;
    const dv = this.dual(v);
    for (let q = nbStart[v]; q < nbStart[v + 1]; q++) {
      const x = nbV[q];
      const bx = inblossom[x];
      if (bx === bv || label[bx] !== 1) continue;
      const ks = dv + dualvar[x] + sgn[x] * (clock - stamp[x]) - nbW2[q]; // dual(x), inlined
      if (ks < bestSlack) {
        bestSlack = ks;
        best = nbEnd[q] >> 1;
        bestP = nbEnd[q];
      }
    }
    this.steps += nbStart[v + 1] - nbStart[v];
    return [best, bestSlack, bestP];
  }

  // ---- blossoms ----

  private blossomLeaves(b: number, out: number[] = []): number[] {
    if (b < this.n) {
      out.push(b);
      return out;
    }
    const stack = [b];
    while (stack.length) {
      const t = stack.pop()!;
      if (t < this.n) out.push(t);
      else {
        const ch = this.blossomchilds[t]!;
        for (let i = ch.length - 1; i >= 0; i--) stack.push(ch[i]);
      }
    }
    return out;
  }

  /**
   * Labels w's top-level blossom t (1 S, 2 T) reached through endpoint p (-1: a root) into p's tree; a T-blossom
   * labels its mate's blossom S in turn. New S-vertices are queued for scanning.
   */
  private assignLabel(w0: number, t0: number, p0: number): void {
    const { inblossom, label, labelend, bestedge, treeOf, endpoint, queue, n } = this;
    let w = w0,
      t = t0,
      p = p0;
    for (;;) {
      this.guard();
      const b = inblossom[w];
      label[w] = label[b] = t;
      labelend[w] = labelend[b] = p;
      bestedge[w] = bestedge[b] = -1;
      const root = p === -1 ? w : treeOf[endpoint[p]];
      const list = this.members[root]!;
      const from = queue.length;
      this.blossomLeaves(b, queue);
      for (let x = from; x < queue.length; x++) {
        treeOf[queue[x]] = root;
        list.push(queue[x]);
        this.setSign(queue[x], t === 1 ? -1 : 1);
      }
      if (b >= n) this.setSign(b, t === 1 ? 1 : -1);
      if (t === 1) return;
      queue.length = from; // T-vertices are not scanned
      const mb = this.mate[this.blossombase[b]];
      w = endpoint[mb];
      t = 1;
      p = mb ^ 1;
    }
  }

  /**
   * Traces back from the S-vertices v and w towards their roots, alternately: returns the base of the first
   * blossom both paths reach (a new blossom closes there), or -1 when they end in two roots (an augmenting path).
   */
  private scanBlossom(v0: number, w0: number): number {
    const { inblossom, label, labelend, endpoint } = this;
    const path: number[] = [];
    let base = -1;
    let v = v0,
      w = w0;
    while (v !== -1 || w !== -1) {
      this.guard();
      let b = inblossom[v];
      if (label[b] & 4) {
        base = this.blossombase[b];
        break;
      }
      path.push(b);
      label[b] = 5;
      if (labelend[b] === -1) v = -1;
      else {
        v = endpoint[labelend[b]];
        b = inblossom[v];
        v = endpoint[labelend[b]];
      }
      if (w !== -1) {
        const tmp = v;
        v = w;
        w = tmp;
      }
    }
    for (const b of path) label[b] = 1;
    return base;
  }

  /**
   * Shrinks the odd cycle closed by edge k into a new S-blossom with the given base: its T-vertices become S
   * (and are queued), the children's duals freeze, and its least-slack edges to other S-blossoms are merged.
   */
  private shrinkBlossom(base: number, k: number): void {
    const { inblossom, blossomparent, labelend, endpoint, label, n, ei, ej } = this;
    let v = ei[k],
      w = ej[k];
    const bb = inblossom[base];
    let bv = inblossom[v];
    let bw = inblossom[w];
    const b = this.unusedblossoms.pop()!;
    this.blossombase[b] = base;
    blossomparent[b] = -1;
    blossomparent[bb] = b;
    const path: number[] = [];
    const endps: number[] = [];
    while (bv !== bb) {
      this.guard();
      blossomparent[bv] = b;
      path.push(bv);
      endps.push(labelend[bv]);
      v = endpoint[labelend[bv]];
      bv = inblossom[v];
    }
    path.push(bb);
    path.reverse();
    endps.reverse();
    endps.push(2 * k);
    while (bw !== bb) {
      this.guard();
      blossomparent[bw] = b;
      path.push(bw);
      endps.push(labelend[bw] ^ 1);
      w = endpoint[labelend[bw]];
      bw = inblossom[w];
    }
    this.blossomchilds[b] = path;
    this.blossomendps[b] = endps;
    label[b] = 1;
    labelend[b] = labelend[bb];
    for (const sub of path) if (sub >= n) this.setSign(sub, 0); // no longer top-level: dual frozen
    this.dualvar[b] = 0;
    this.sgn[b] = 0;
    this.setSign(b, 1);
    for (const leaf of this.blossomLeaves(b)) {
      if (label[inblossom[leaf]] === 2) this.queue.push(leaf);
      inblossom[leaf] = b;
      this.setSign(leaf, -1);
    }
    const bestedgeto = new Map<number, number>();
    for (const sub of path) {
      const lists: number[][] = [];
      const kept = this.blossombestedges[sub];
      if (kept === null) {
        for (const leaf of this.blossomLeaves(sub)) {
          const l: number[] = [];
          for (let q = this.nbStart[leaf]; q < this.nbStart[leaf + 1]; q++) l.push(this.nbEnd[q] >> 1);
          lists.push(l);
        }
      } else lists.push(kept);
      for (const l of lists) {
        for (const kk of l) {
          this.guard();
          let j = ej[kk];
          if (inblossom[j] === b) j = ei[kk];
          const bj = inblossom[j];
          if (bj !== b && label[bj] === 1) {
            const cur = bestedgeto.get(bj);
            if (cur === undefined || this.slack(kk) < this.slack(cur)) bestedgeto.set(bj, kk);
          }
        }
      }
      this.blossombestedges[sub] = null;
      this.bestedge[sub] = -1;
    }
    const best = [...bestedgeto.values()];
    this.blossombestedges[b] = best;
    let be = -1;
    for (const kk of best) if (be === -1 || this.slack(kk) < this.slack(be)) be = kk;
    this.setBest3(b, be);
  }

  /**
   * Dissolves blossom b into its children. endstage: b's tree was dissolved (no labels to keep; zero-dual
   * S-sub-blossoms go too, as in the reference). Otherwise b is a T-blossom whose dual reached 0: the children
   * on the even path from its entry to its base are relabelled T/S, the others become unlabelled.
   */
  private expandBlossom(b: number, endstage: boolean): void {
    const { blossomparent, inblossom, label, labelend, endpoint, bestedge, allowedge, n } = this;
    const childs = this.blossomchilds[b]!;
    this.setSign(b, 0);
    // A T-blossom's vertices are relabelled below; those left unlabelled stop moving and become delta candidates.
    const leaves = endstage ? [] : this.blossomLeaves(b);
    for (const leaf of leaves) this.setSign(leaf, 0);
    for (const s of childs) {
      blossomparent[s] = -1;
      if (s < n) inblossom[s] = s;
      else if (endstage && this.dualvar[s] === 0) this.expandBlossom(s, endstage);
      else for (const leaf of this.blossomLeaves(s)) inblossom[leaf] = s;
    }
    if (!endstage && label[b] === 2) {
      const endps = this.blossomendps[b]!;
      const entrychild = inblossom[endpoint[labelend[b] ^ 1]];
      const walk = walkFrom(childs.indexOf(entrychild), childs.length);
      let j = walk[0];
      const [, jstep, endptrick] = walk;
      let p = labelend[b];
      while (j !== 0) {
        this.guard();
        label[endpoint[p ^ 1]] = 0;
        label[endpoint[at(endps, j - endptrick) ^ endptrick ^ 1]] = 0;
        this.assignLabel(endpoint[p ^ 1], 2, p);
        allowedge[at(endps, j - endptrick) >> 1] = 1;
        j += jstep;
        p = at(endps, j - endptrick) ^ endptrick;
        allowedge[p >> 1] = 1;
        j += jstep;
      }
      let bv = at(childs, j);
      label[endpoint[p ^ 1]] = label[bv] = 2;
      labelend[endpoint[p ^ 1]] = labelend[bv] = p;
      bestedge[bv] = -1;
      for (const leaf of this.blossomLeaves(bv)) this.setSign(leaf, 1);
      if (bv >= n) this.setSign(bv, -1);
      j += jstep;
      while (at(childs, j) !== entrychild) {
        this.guard();
        bv = at(childs, j);
        if (label[bv] === 1) {
          j += jstep;
          continue;
        }
        let found = -1;
        for (const leaf of this.blossomLeaves(bv)) {
          if (label[leaf] !== 0) {
            found = leaf;
            break;
          }
        }
        if (found >= 0) {
          label[found] = 0;
          label[endpoint[this.mate[this.blossombase[bv]]]] = 0;
          this.assignLabel(found, 2, labelend[found]);
        }
        j += jstep;
      }
      for (const leaf of leaves) if (label[inblossom[leaf]] === 0 && bestedge[leaf] !== -1) this.setBest2(leaf, bestedge[leaf]);
    }
    label[b] = labelend[b] = -1;
    this.blossomchilds[b] = this.blossomendps[b] = null;
    this.blossombase[b] = -1;
    this.blossombestedges[b] = null;
    bestedge[b] = -1;
    this.unusedblossoms.push(b);
  }

  private resetNested(b: number): void {
    this.label[b] = 0;
    this.labelend[b] = -1;
    this.bestedge[b] = -1;
    this.blossombestedges[b] = null;
    if (b >= this.n) for (const c of this.blossomchilds[b]!) if (c >= this.n) this.resetNested(c);
  }

  // ---- augmentation ----

  /** Swaps matched and unmatched edges on the even path inside blossom b from v to its base; v becomes the base. */
  private augmentBlossom(b: number, v: number): void {
    const { blossomparent, endpoint, mate, n } = this;
    let t = v;
    while (blossomparent[t] !== b) t = blossomparent[t];
    if (t >= n) this.augmentBlossom(t, v);
    const childs = this.blossomchilds[b]!;
    const endps = this.blossomendps[b]!;
    const i = childs.indexOf(t);
    const walk = walkFrom(i, childs.length);
    let j = walk[0];
    const [, jstep, endptrick] = walk;
    while (j !== 0) {
      this.guard();
      j += jstep;
      t = at(childs, j);
      const p = at(endps, j - endptrick) ^ endptrick;
      if (t >= n) this.augmentBlossom(t, endpoint[p]);
      j += jstep;
      t = at(childs, j);
      if (t >= n) this.augmentBlossom(t, endpoint[p ^ 1]);
      mate[endpoint[p]] = p ^ 1;
      mate[endpoint[p ^ 1]] = p;
    }
    const rotated = childs.slice(i).concat(childs.slice(0, i));
    this.blossomchilds[b] = rotated;
    this.blossomendps[b] = endps.slice(i).concat(endps.slice(0, i));
    this.blossombase[b] = this.blossombase[rotated[0]];
  }

  /** Flips the augmenting path through edge k, from both of its ends back to their roots: two fewer free vertices. */
  private augment(k: number): void {
    const { inblossom, labelend, endpoint, mate, n } = this;
    for (const [s0, p0] of [
      [this.ei[k], 2 * k + 1],
      [this.ej[k], 2 * k],
    ]) {
      let s = s0,
        p = p0;
      for (;;) {
        this.guard();
        const bs = inblossom[s];
        if (bs >= n) this.augmentBlossom(bs, s);
        mate[s] = p;
        if (labelend[bs] === -1) break;
        const t = endpoint[labelend[bs]];
        const bt = inblossom[t];
        s = endpoint[labelend[bt]];
        const j = endpoint[labelend[bt] ^ 1];
        if (bt >= n) this.augmentBlossom(bt, j);
        mate[j] = labelend[bt];
        p = labelend[bt] ^ 1;
      }
    }
    this.free -= 2;
  }

  /**
   * After an augmentation joined the trees rooted at r1 and r2: unlabel their vertices (their blossoms
   * stay, zero-dual S-blossoms are expanded as the reference does at the end of a stage), forget tight
   * marks on their edges, and repair what the surviving trees recorded about them: least-slack edges of
   * S-blossoms and unlabelled vertices that ended in a dissolved vertex (their order may have changed while
   * it was labelled), and marks on leaves of T-blossoms reached from a dissolved S-vertex. Finally each
   * dissolved vertex looks for S-neighbours itself: a tight edge labels it T at once, else it records the
   * least-slack one.
   */
  private dissolve(r1: number, r2: number): void {
    const { inD, treeOf, inblossom, label, labelend, bestedge, nbStart, nbEnd, nbV, allowedge, ei, ej, endpoint, n } = this;
    const D: number[] = [];
    for (const r of [r1, r2]) {
      for (const v of this.members[r]!) {
        if (!inD[v] && treeOf[v] === r && label[inblossom[v]] !== 0) {
          inD[v] = 1;
          D.push(v);
        }
      }
      this.members[r] = null;
    }
    for (const v of D) {
      const b = inblossom[v];
      if (b >= n && label[b] !== 0) {
        const wasS = label[b] === 1;
        this.setSign(b, 0);
        this.resetNested(b);
        if (wasS && this.dualvar[b] === 0) this.expandBlossom(b, true);
      }
    }
    for (const v of D) {
      label[v] = 0;
      labelend[v] = -1;
      bestedge[v] = -1;
      treeOf[v] = -1;
      this.setSign(v, 0);
      for (let q = nbStart[v]; q < nbStart[v + 1]; q++) allowedge[nbEnd[q] >> 1] = 0;
    }
    const fixS: number[] = [],
      fixV: number[] = [],
      relink: number[] = [];
    for (const v of D) {
      this.steps += nbStart[v + 1] - nbStart[v];
      this.guard();
      for (let q = nbStart[v]; q < nbStart[v + 1]; q++) {
        const w = nbV[q];
        if (inD[w]) continue;
        const bw = inblossom[w];
        if (label[bw] === 1) {
          const e = bestedge[bw];
          if (e !== -1 && (inD[ei[e]] || inD[ej[e]])) {
            bestedge[bw] = -1;
            fixS.push(bw);
          }
          continue;
        }
        const e = bestedge[w];
        if (e !== -1 && (inD[ei[e]] || inD[ej[e]])) {
          bestedge[w] = -1;
          fixV.push(w);
        }
        if (label[bw] === 2 && label[w] === 2 && labelend[w] !== -1 && inD[endpoint[labelend[w]]]) {
          label[w] = 0;
          labelend[w] = -1;
          relink.push(w);
        }
      }
    }
    for (const w of fixV) {
      const [e, ks] = this.leastSlackToS(w);
      if (e !== -1 && (bestedge[w] === -1 || ks < this.slack(bestedge[w]))) this.setBest2(w, e);
    }
    for (const w of relink) {
      const [e, ks, p] = this.leastSlackToS(w);
      if (e !== -1 && ks <= 0 && label[w] === 0) {
        allowedge[e] = 1;
        label[w] = 2;
        labelend[w] = p;
      } else if (e !== -1 && (bestedge[w] === -1 || ks < this.slack(bestedge[w]))) this.setBest2(w, e);
    }
    for (const b of fixS) {
      if (label[b] !== 1 || this.blossomparent[b] !== -1) continue;
      let be = -1;
      const kept = b < n ? null : this.blossombestedges[b];
      if (kept === null) {
        // A single vertex, or a blossom labelled S whole (no list kept): its leaves' edges to other S-blossoms.
        for (const leaf of this.blossomLeaves(b)) {
          const [e, ks] = this.leastSlackToS(leaf);
          if (e !== -1 && (be === -1 || ks < this.slack(be))) be = e;
        }
      } else {
        const still = kept.filter((k) => {
          const bi = inblossom[ei[k]],
            bj = inblossom[ej[k]];
          return bi !== bj && label[bi] === 1 && label[bj] === 1;
        });
        this.blossombestedges[b] = still;
        for (const k of still) if (be === -1 || this.slack(k) < this.slack(be)) be = k;
      }
      this.setBest3(b, be);
    }
    for (const v of D) {
      const b = inblossom[v];
      const l = label[b];
      if (l === 1) continue; // relabelled S meanwhile: it is queued and will scan its edges
      const [e, ks, p] = this.leastSlackToS(v);
      if (e === -1) continue;
      if (ks <= 0) {
        allowedge[e] = 1;
        if (l === 0) this.assignLabel(v, 2, p);
        else if (label[v] === 0) {
          label[v] = 2;
          labelend[v] = p;
        }
      } else if (bestedge[v] === -1 || ks < this.slack(bestedge[v])) this.setBest2(v, e);
    }
    for (const v of D) inD[v] = 0;
  }

  // ---- the two phases of the main loop ----

  /**
   * Scan: looks at every edge of the S-vertex v. A tight edge to an unlabelled blossom labels it T (and its mate
   * S); a tight edge to another S-blossom closes a blossom (same tree) or an augmenting path (two trees), after
   * which both trees are dissolved and the scan stops. A non-tight edge may become a least-slack candidate.
   */
  private scan(v: number): void {
    const { nbStart, nbV, nbEnd, nbW2, inblossom, allowedge, label, labelend, bestedge, treeOf, dualvar, sgn, stamp } = this;
    // The clock moves only in dualStep, never during a scan (setSign keeps dual() unchanged when it settles).
    const clock = this.clock;
    const qEnd = nbStart[v + 1];
    // The guard counts this vertex's edges at once instead of one call per edge in the hottest loop.
    this.steps += qEnd - nbStart[v];
    this.guard();
    const dv = this.dual(v); // duals change only between scans (dual step)
    for (let q = nbStart[v]; q < qEnd; q++) {
      const w = nbV[q];
      if (inblossom[v] === inblossom[w]) continue;
      const p = nbEnd[q];
      const k = p >> 1;
      let kslack = 0;
      if (!allowedge[k]) {
        kslack = dv + dualvar[w] + sgn[w] * (clock - stamp[w]) - nbW2[q]; // dual(w), inlined
        if (kslack <= 0) allowedge[k] = 1;
      }
      if (allowedge[k]) {
        if (label[inblossom[w]] === 0) this.assignLabel(w, 2, p ^ 1);
        else if (label[inblossom[w]] === 1) {
          const base = this.scanBlossom(v, w);
          if (base >= 0) this.shrinkBlossom(base, k);
          else {
            const r1 = treeOf[v],
              r2 = treeOf[w];
            this.augment(k);
            this.dissolve(r1, r2);
            return;
          }
        } else if (label[w] === 0) {
          label[w] = 2;
          labelend[w] = p ^ 1;
        }
      } else if (label[inblossom[w]] === 1) {
        const b = inblossom[v];
        if (bestedge[b] === -1 || kslack < this.slack(bestedge[b])) this.setBest3(b, k);
      } else if (label[w] === 0) {
        if (bestedge[w] === -1 || kslack < this.slack(bestedge[w])) this.setBest2(w, k);
      }
    }
  }

  /**
   * Dual step: no tight edge is left to grow the forest, so every S-dual falls and every T-dual rises by the
   * largest delta that keeps all slacks ≥ 0 and all blossom duals ≥ 0. What limits delta decides what happens:
   * 1 the free vertices' duals reach 0 (optimal: returns false), 2 an unlabelled–S edge becomes tight,
   * 3 an S–S edge becomes tight (either is queued for a scan), 4 a T-blossom's dual reaches 0 (expanded).
   */
  private dualStep(): boolean {
    const { heap2, heap3, label, inblossom, bestedge, blossomparent, ei, ej, allowedge } = this;
    this.guard();
    this.pushChanged();
    let deltatype = 1;
    // Every free vertex has been an S-root since the start: its dual, the smallest, is maxweight − clock.
    let delta = this.maxweight - this.clock;
    let deltaedge = -1;
    let deltablossom = -1;
    while (heap2.size) {
      const v = heap2.topA(),
        e = heap2.topB();
      if (label[inblossom[v]] === 0 && bestedge[v] === e && this.slack(e) + this.clock === heap2.topKey()) break;
      heap2.pop();
    }
    if (heap2.size) {
      const e = heap2.topB();
      const d = this.slack(e);
      if (d < delta) {
        delta = d;
        deltatype = 2;
        deltaedge = e;
      }
    }
    while (heap3.size) {
      const b = heap3.topA(),
        e = heap3.topB();
      const bi = inblossom[ei[e]],
        bj = inblossom[ej[e]];
      if (
        blossomparent[b] === -1 &&
        label[b] === 1 &&
        bestedge[b] === e &&
        bi !== bj &&
        label[bi] === 1 &&
        label[bj] === 1 &&
        this.slack(e) / 2 + this.clock === heap3.topKey()
      )
        break;
      heap3.pop();
    }
    if (heap3.size) {
      const e = heap3.topB();
      const ks = this.slack(e);
      if (ks % 2 !== 0) throw new Error('odd slack between S-blossoms (weights must be integers)');
      const d = ks / 2;
      if (d < delta) {
        delta = d;
        deltatype = 3;
        deltaedge = e;
      }
    }
    for (const b of this.tBlossoms) {
      const z = this.dual(b);
      if (z < delta) {
        delta = z;
        deltatype = 4;
        deltablossom = b;
      }
    }
    this.clock += delta;
    if (deltatype === 1) return false;
    if (deltatype === 2) {
      allowedge[deltaedge] = 1;
      let i = ei[deltaedge];
      if (label[inblossom[i]] === 0) i = ej[deltaedge];
      this.queue.push(i);
    } else if (deltatype === 3) {
      allowedge[deltaedge] = 1;
      this.queue.push(ei[deltaedge]);
    } else this.expandBlossom(deltablossom, false);
    return true;
  }
}
