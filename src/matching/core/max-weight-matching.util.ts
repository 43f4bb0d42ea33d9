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
 */
export function maxWeightMatchingIndices(nvertex: number, edgeList: ReadonlyArray<readonly [number, number, number]>): Int32Array {
  const nedge = edgeList.length;
  const mate = new Int32Array(nvertex).fill(-1);
  if (nedge === 0 || nvertex === 0) return mate;

  const ei = new Int32Array(nedge);
  const ej = new Int32Array(nedge);
  const ew = new Float64Array(nedge);
  let maxweight = 0;
  for (let k = 0; k < nedge; k++) {
    const [i, j, w] = edgeList[k];
    if (!Number.isInteger(w) || !Number.isSafeInteger(w * 4)) throw new Error(`edge weight must be a safe integer, got ${w}`);
    if (i === j || i < 0 || j < 0 || i >= nvertex || j >= nvertex) throw new Error(`invalid edge [${i}, ${j}]`);
    ei[k] = i;
    ej[k] = j;
    ew[k] = w;
    if (w > maxweight) maxweight = w;
  }
  const endpoint = new Int32Array(2 * nedge);
  for (let p = 0; p < 2 * nedge; p++) endpoint[p] = p & 1 ? ej[p >> 1] : ei[p >> 1];
  // neighbend[v]: remote endpoints of v's edges, as a CSR list.
  const degree = new Int32Array(nvertex + 1);
  for (let k = 0; k < nedge; k++) {
    degree[ei[k] + 1]++;
    degree[ej[k] + 1]++;
  }
  for (let v = 0; v < nvertex; v++) degree[v + 1] += degree[v];
  const nbStart = degree.slice();
  const nbEnd = new Int32Array(2 * nedge);
  // Per CSR entry also the remote vertex and twice the weight, so the scan loop reads them in sequence.
  const nbV = new Int32Array(2 * nedge);
  const nbW2 = new Float64Array(2 * nedge);
  const fill = degree.slice(0, nvertex);
  for (let k = 0; k < nedge; k++) {
    const qi = fill[ei[k]]++, qj = fill[ej[k]]++;
    nbEnd[qi] = 2 * k + 1;
    nbV[qi] = ej[k];
    nbW2[qi] = 2 * ew[k];
    nbEnd[qj] = 2 * k;
    nbV[qj] = ei[k];
    nbW2[qj] = 2 * ew[k];
  }

  const n2 = 2 * nvertex;
  const label = new Int32Array(n2);
  const labelend = new Int32Array(n2).fill(-1);
  const inblossom = new Int32Array(nvertex);
  for (let v = 0; v < nvertex; v++) inblossom[v] = v;
  const blossomparent = new Int32Array(n2).fill(-1);
  const blossomchilds: (number[] | null)[] = new Array(n2).fill(null);
  const blossombase = new Int32Array(n2).fill(-1);
  for (let v = 0; v < nvertex; v++) blossombase[v] = v;
  const blossomendps: (number[] | null)[] = new Array(n2).fill(null);
  const bestedge = new Int32Array(n2).fill(-1);
  const blossombestedges: (number[] | null)[] = new Array(n2).fill(null);
  const unusedblossoms: number[] = [];
  for (let b = n2 - 1; b >= nvertex; b--) unusedblossoms.push(b);
  // Popped from the end like the reference (which pops the highest id first).
  unusedblossoms.reverse();
  const dualvar = new Float64Array(n2);
  for (let v = 0; v < nvertex; v++) dualvar[v] = maxweight;
  // Lazy duals: a delta step moves every labelled dual by the same amount, so instead of touching them all,
  // each one stores its value at clock time stamp[x] and the direction it moves in (vertex: S −1, T +1;
  // top-level blossom: S +1, T −1; else 0). setSign settles the value before the direction changes.
  let clock = 0;
  const stamp = new Float64Array(n2);
  const sgn = new Int8Array(n2);
  const tBlossoms = new Set<number>();
  const dual = (x: number) => dualvar[x] + sgn[x] * (clock - stamp[x]);
  const setSign = (x: number, s: number) => {
    if (sgn[x] === s) return;
    dualvar[x] += sgn[x] * (clock - stamp[x]);
    stamp[x] = clock;
    sgn[x] = s;
    if (x >= nvertex) {
      if (s === -1) tBlossoms.add(x);
      else tBlossoms.delete(x);
    }
  };
  const allowedge = new Uint8Array(nedge);
  const queue: number[] = [];
  // treeOf[v]: the root (a free vertex) of the tree v's top-level blossom is labelled in; members[root]:
  // the vertices labelled into that tree (may hold stale entries, filtered by treeOf when read).
  const treeOf = new Int32Array(nvertex).fill(-1);
  const members: (number[] | null)[] = new Array(nvertex).fill(null);
  const inD = new Uint8Array(nvertex);
  let steps = 0;
  const stepLimit = 200 * (nvertex + nedge + 10) * (nvertex + 10);
  const guard = () => {
    if (++steps > stepLimit) throw new Error('maximum-weight matching exceeded its step bound (bug guard)');
  };

  const slack = (k: number) => dual(ei[k]) + dual(ej[k]) - 2 * ew[k];

  // Least-slack candidates for the delta step, keyed by slack + clock (unlabelled vertex to S: the slack falls by
  // one per clock unit) or slack/2 + clock (S to S: falls by two). The key stays fixed while the labels do, so a
  // heap orders them; entries that no longer describe bestedge are dropped when they reach the top.
  const heap2 = new MinHeap(); // (key, vertex, edge)
  const heap3 = new MinHeap(); // (key, S-blossom, edge)
  // bestedge can improve many times between two delta steps: entries are pushed once per step for what changed.
  const changed2: number[] = [], changed3: number[] = [];
  const isChanged = new Uint8Array(n2 + nvertex);
  const setBest2 = (w: number, k: number) => {
    bestedge[w] = k;
    if (!isChanged[n2 + w]) {
      isChanged[n2 + w] = 1;
      changed2.push(w);
    }
  };
  const setBest3 = (b: number, k: number) => {
    bestedge[b] = k;
    if (!isChanged[b]) {
      isChanged[b] = 1;
      changed3.push(b);
    }
  };
  const pushChanged = () => {
    for (const w of changed2) {
      isChanged[n2 + w] = 0;
      const k = bestedge[w];
      if (k !== -1 && label[inblossom[w]] === 0) heap2.push(slack(k) + clock, w, k);
    }
    for (const b of changed3) {
      isChanged[b] = 0;
      const k = bestedge[b];
      if (k !== -1 && blossomparent[b] === -1 && label[b] === 1) heap3.push(slack(k) / 2 + clock, b, k);
    }
    changed2.length = changed3.length = 0;
  };

  const blossomLeaves = (b: number, out: number[] = []): number[] => {
    if (b < nvertex) {
      out.push(b);
      return out;
    }
    const stack = [b];
    while (stack.length) {
      const t = stack.pop()!;
      if (t < nvertex) out.push(t);
      else {
        const ch = blossomchilds[t]!;
        for (let i = ch.length - 1; i >= 0; i--) stack.push(ch[i]);
      }
    }
    return out;
  };

  const assignLabel = (w0: number, t0: number, p0: number) => {
    let w = w0, t = t0, p = p0;
    for (;;) {
      guard();
      const b = inblossom[w];
      label[w] = label[b] = t;
      labelend[w] = labelend[b] = p;
      bestedge[w] = bestedge[b] = -1;
      const root = p === -1 ? w : treeOf[endpoint[p]];
      const list = members[root]!;
      const from = queue.length;
      blossomLeaves(b, queue);
      for (let x = from; x < queue.length; x++) {
        treeOf[queue[x]] = root;
        list.push(queue[x]);
        setSign(queue[x], t === 1 ? -1 : 1);
      }
      if (b >= nvertex) setSign(b, t === 1 ? 1 : -1);
      if (t === 1) return;
      queue.length = from; // T-vertices are not scanned
      const base = blossombase[b];
      const mb = mate[base];
      w = endpoint[mb];
      t = 1;
      p = mb ^ 1;
    }
  };

  const scanBlossom = (v0: number, w0: number): number => {
    const path: number[] = [];
    let base = -1;
    let v = v0, w = w0;
    while (v !== -1 || w !== -1) {
      guard();
      let b = inblossom[v];
      if (label[b] & 4) {
        base = blossombase[b];
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
  };

  const addBlossom = (base: number, k: number) => {
    let v = ei[k], w = ej[k];
    const bb = inblossom[base];
    let bv = inblossom[v];
    let bw = inblossom[w];
    const b = unusedblossoms.pop()!;
    blossombase[b] = base;
    blossomparent[b] = -1;
    blossomparent[bb] = b;
    const path: number[] = [];
    const endps: number[] = [];
    while (bv !== bb) {
      guard();
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
      guard();
      blossomparent[bw] = b;
      path.push(bw);
      endps.push(labelend[bw] ^ 1);
      w = endpoint[labelend[bw]];
      bw = inblossom[w];
    }
    blossomchilds[b] = path;
    blossomendps[b] = endps;
    label[b] = 1;
    labelend[b] = labelend[bb];
    for (const sub of path) if (sub >= nvertex) setSign(sub, 0); // no longer top-level: dual frozen
    dualvar[b] = 0;
    sgn[b] = 0;
    setSign(b, 1);
    for (const leaf of blossomLeaves(b)) {
      if (label[inblossom[leaf]] === 2) queue.push(leaf);
      inblossom[leaf] = b;
      setSign(leaf, -1);
    }
    const bestedgeto = new Map<number, number>();
    for (const sub of path) {
      const lists: number[][] = [];
      if (blossombestedges[sub] === null) {
        for (const leaf of blossomLeaves(sub)) {
          const l: number[] = [];
          for (let q = nbStart[leaf]; q < nbStart[leaf + 1]; q++) l.push(nbEnd[q] >> 1);
          lists.push(l);
        }
      } else lists.push(blossombestedges[sub]);
      for (const l of lists) {
        for (const kk of l) {
          guard();
          let j = ej[kk];
          if (inblossom[j] === b) j = ei[kk];
          const bj = inblossom[j];
          if (bj !== b && label[bj] === 1) {
            const cur = bestedgeto.get(bj);
            if (cur === undefined || slack(kk) < slack(cur)) bestedgeto.set(bj, kk);
          }
        }
      }
      blossombestedges[sub] = null;
      bestedge[sub] = -1;
    }
    const best = [...bestedgeto.values()];
    blossombestedges[b] = best;
    let be = -1;
    for (const kk of best) if (be === -1 || slack(kk) < slack(be)) be = kk;
    setBest3(b, be);
  };

  const expandBlossom = (b: number, endstage: boolean) => {
    const childs = blossomchilds[b]!;
    setSign(b, 0);
    // A T-blossom's vertices are relabelled below; those left unlabelled stop moving and become delta candidates.
    const leaves = endstage ? [] : blossomLeaves(b);
    for (const leaf of leaves) setSign(leaf, 0);
    for (const s of childs) {
      blossomparent[s] = -1;
      if (s < nvertex) inblossom[s] = s;
      else if (endstage && dualvar[s] === 0) expandBlossom(s, endstage);
      else for (const leaf of blossomLeaves(s)) inblossom[leaf] = s;
    }
    if (!endstage && label[b] === 2) {
      const endps = blossomendps[b]!;
      const entrychild = inblossom[endpoint[labelend[b] ^ 1]];
      const walk = walkFrom(childs.indexOf(entrychild), childs.length);
      let j = walk[0];
      const [, jstep, endptrick] = walk;
      let p = labelend[b];
      while (j !== 0) {
        guard();
        label[endpoint[p ^ 1]] = 0;
        label[endpoint[at(endps, j - endptrick) ^ endptrick ^ 1]] = 0;
        assignLabel(endpoint[p ^ 1], 2, p);
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
      for (const leaf of blossomLeaves(bv)) setSign(leaf, 1);
      if (bv >= nvertex) setSign(bv, -1);
      j += jstep;
      while (at(childs, j) !== entrychild) {
        guard();
        bv = at(childs, j);
        if (label[bv] === 1) {
          j += jstep;
          continue;
        }
        let found = -1;
        for (const leaf of blossomLeaves(bv)) {
          if (label[leaf] !== 0) {
            found = leaf;
            break;
          }
        }
        if (found >= 0) {
          label[found] = 0;
          label[endpoint[mate[blossombase[bv]]]] = 0;
          assignLabel(found, 2, labelend[found]);
        }
        j += jstep;
      }
      for (const leaf of leaves) if (label[inblossom[leaf]] === 0 && bestedge[leaf] !== -1) setBest2(leaf, bestedge[leaf]);
    }
    label[b] = labelend[b] = -1;
    blossomchilds[b] = blossomendps[b] = null;
    blossombase[b] = -1;
    blossombestedges[b] = null;
    bestedge[b] = -1;
    unusedblossoms.push(b);
  };

  const augmentBlossom = (b: number, v: number) => {
    let t = v;
    while (blossomparent[t] !== b) t = blossomparent[t];
    if (t >= nvertex) augmentBlossom(t, v);
    const childs = blossomchilds[b]!;
    const endps = blossomendps[b]!;
    const i = childs.indexOf(t);
    const walk = walkFrom(i, childs.length);
    let j = walk[0];
    const [, jstep, endptrick] = walk;
    while (j !== 0) {
      guard();
      j += jstep;
      t = at(childs, j);
      const p = at(endps, j - endptrick) ^ endptrick;
      if (t >= nvertex) augmentBlossom(t, endpoint[p]);
      j += jstep;
      t = at(childs, j);
      if (t >= nvertex) augmentBlossom(t, endpoint[p ^ 1]);
      mate[endpoint[p]] = p ^ 1;
      mate[endpoint[p ^ 1]] = p;
    }
    blossomchilds[b] = childs.slice(i).concat(childs.slice(0, i));
    blossomendps[b] = endps.slice(i).concat(endps.slice(0, i));
    blossombase[b] = blossombase[blossomchilds[b][0]];
  };

  const augmentMatching = (k: number) => {
    for (const [s0, p0] of [[ei[k], 2 * k + 1], [ej[k], 2 * k]]) {
      let s = s0, p = p0;
      for (;;) {
        guard();
        const bs = inblossom[s];
        if (bs >= nvertex) augmentBlossom(bs, s);
        mate[s] = p;
        if (labelend[bs] === -1) break;
        const t = endpoint[labelend[bs]];
        const bt = inblossom[t];
        s = endpoint[labelend[bt]];
        const j = endpoint[labelend[bt] ^ 1];
        if (bt >= nvertex) augmentBlossom(bt, j);
        mate[j] = labelend[bt];
        p = labelend[bt] ^ 1;
      }
    }
  };

  /** Least-slack edge from v to an S-vertex outside v's top-level blossom: [edge, slack, remote endpoint]. */
  const leastSlackToS = (v: number): [number, number, number] => {
    const bv = inblossom[v];
    let best = -1, bestSlack = Infinity, bestP = -1;
    const dv = dual(v);
    for (let q = nbStart[v]; q < nbStart[v + 1]; q++) {
      const x = nbV[q];
      const bx = inblossom[x];
      if (bx === bv || label[bx] !== 1) continue;
      const ks = dv + dual(x) - nbW2[q];
      if (ks < bestSlack) {
        bestSlack = ks;
        best = nbEnd[q] >> 1;
        bestP = nbEnd[q];
      }
    }
    steps += nbStart[v + 1] - nbStart[v];
    return [best, bestSlack, bestP];
  };

  const resetNested = (b: number) => {
    label[b] = 0;
    labelend[b] = -1;
    bestedge[b] = -1;
    blossombestedges[b] = null;
    if (b >= nvertex) for (const c of blossomchilds[b]!) if (c >= nvertex) resetNested(c);
  };

  /**
   * After an augmentation joined the trees rooted at r1 and r2: unlabel their vertices (their blossoms
   * stay, zero-dual S-blossoms are expanded as the reference does at the end of a stage), forget tight
   * marks on their edges, and repair what the surviving trees recorded about them: least-slack edges of
   * S-blossoms and unlabelled vertices that ended in a dissolved vertex (their order may have changed while
   * it was labelled), and marks on leaves of T-blossoms reached from a dissolved S-vertex. Finally each
   * dissolved vertex looks for S-neighbours itself: a tight edge labels it T at once, else it records the
   * least-slack one.
   */
  const dissolve = (r1: number, r2: number) => {
    const D: number[] = [];
    for (const r of [r1, r2]) {
      for (const v of members[r]!) {
        if (!inD[v] && treeOf[v] === r && label[inblossom[v]] !== 0) {
          inD[v] = 1;
          D.push(v);
        }
      }
      members[r] = null;
    }
    for (const v of D) {
      const b = inblossom[v];
      if (b >= nvertex && label[b] !== 0) {
        const wasS = label[b] === 1;
        setSign(b, 0);
        resetNested(b);
        if (wasS && dualvar[b] === 0) expandBlossom(b, true);
      }
    }
    for (const v of D) {
      label[v] = 0;
      labelend[v] = -1;
      bestedge[v] = -1;
      treeOf[v] = -1;
      setSign(v, 0);
      for (let q = nbStart[v]; q < nbStart[v + 1]; q++) allowedge[nbEnd[q] >> 1] = 0;
    }
    const fixS: number[] = [], fixV: number[] = [], relink: number[] = [];
    for (const v of D) {
      steps += nbStart[v + 1] - nbStart[v];
      guard();
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
      const [e, ks] = leastSlackToS(w);
      if (e !== -1 && (bestedge[w] === -1 || ks < slack(bestedge[w]))) setBest2(w, e);
    }
    for (const w of relink) {
      const [e, ks, p] = leastSlackToS(w);
      if (e !== -1 && ks <= 0 && label[w] === 0) {
        allowedge[e] = 1;
        label[w] = 2;
        labelend[w] = p;
      } else if (e !== -1 && (bestedge[w] === -1 || ks < slack(bestedge[w]))) setBest2(w, e);
    }
    for (const b of fixS) {
      if (label[b] !== 1 || blossomparent[b] !== -1) continue;
      let be = -1;
      if (b < nvertex || blossombestedges[b] === null) {
        // A single vertex, or a blossom labelled S whole (no list kept): its leaves' edges to other S-blossoms.
        for (const leaf of blossomLeaves(b)) {
          const [e, ks] = leastSlackToS(leaf);
          if (e !== -1 && (be === -1 || ks < slack(be))) be = e;
        }
      } else {
        const kept = blossombestedges[b].filter((k) => {
          const bi = inblossom[ei[k]], bj = inblossom[ej[k]];
          return bi !== bj && label[bi] === 1 && label[bj] === 1;
        });
        blossombestedges[b] = kept;
        for (const k of kept) if (be === -1 || slack(k) < slack(be)) be = k;
      }
      setBest3(b, be);
    }
    for (const v of D) {
      const b = inblossom[v];
      const l = label[b];
      if (l === 1) continue; // relabelled S meanwhile: it is queued and will scan its edges
      const [e, ks, p] = leastSlackToS(v);
      if (e === -1) continue;
      if (ks <= 0) {
        allowedge[e] = 1;
        if (l === 0) assignLabel(v, 2, p);
        else if (label[v] === 0) {
          label[v] = 2;
          labelend[v] = p;
        }
      } else if (bestedge[v] === -1 || ks < slack(bestedge[v])) setBest2(v, e);
    }
    for (const v of D) inD[v] = 0;
  };

  // Every free vertex is the root of its own tree for the whole run.
  let free = 0;
  for (let v = 0; v < nvertex; v++) {
    members[v] = [];
    assignLabel(v, 1, -1);
    free++;
  }
  while (free >= 2) {
    while (queue.length && free >= 2) {
      const v = queue.pop()!;
      if (label[inblossom[v]] !== 1) continue; // its tree was dissolved after it was queued
      const qEnd = nbStart[v + 1];
      // The guard counts this vertex's edges at once instead of one call per edge in the hottest loop.
      steps += qEnd - nbStart[v];
      guard();
      const dv = dual(v); // duals change only between scans (delta step)
      for (let q = nbStart[v]; q < qEnd; q++) {
        const w = nbV[q];
        if (inblossom[v] === inblossom[w]) continue;
        const p = nbEnd[q];
        const k = p >> 1;
        let kslack = 0;
        if (!allowedge[k]) {
          kslack = dv + dual(w) - nbW2[q];
          if (kslack <= 0) allowedge[k] = 1;
        }
        if (allowedge[k]) {
          if (label[inblossom[w]] === 0) assignLabel(w, 2, p ^ 1);
          else if (label[inblossom[w]] === 1) {
            const base = scanBlossom(v, w);
            if (base >= 0) addBlossom(base, k);
            else {
              const r1 = treeOf[v], r2 = treeOf[w];
              augmentMatching(k);
              free -= 2;
              dissolve(r1, r2);
              break;
            }
          } else if (label[w] === 0) {
            label[w] = 2;
            labelend[w] = p ^ 1;
          }
        } else if (label[inblossom[w]] === 1) {
          const b = inblossom[v];
          if (bestedge[b] === -1 || kslack < slack(bestedge[b])) setBest3(b, k);
        } else if (label[w] === 0) {
          if (bestedge[w] === -1 || kslack < slack(bestedge[w])) setBest2(w, k);
        }
      }
    }
    if (free < 2) break;

    // No augmenting path with tight edges: change the duals by the largest safe delta.
    guard();
    pushChanged();
    let deltatype = 1;
    // Every free vertex has been an S-root since the start: its dual, the smallest, is maxweight − clock.
    let delta = maxweight - clock;
    let deltaedge = -1;
    let deltablossom = -1;
    while (heap2.size) {
      const v = heap2.topA(), e = heap2.topB();
      if (label[inblossom[v]] === 0 && bestedge[v] === e && slack(e) + clock === heap2.topKey()) break;
      heap2.pop();
    }
    if (heap2.size) {
      const e = heap2.topB();
      const d = slack(e);
      if (d < delta) {
        delta = d;
        deltatype = 2;
        deltaedge = e;
      }
    }
    while (heap3.size) {
      const b = heap3.topA(), e = heap3.topB();
      const bi = inblossom[ei[e]], bj = inblossom[ej[e]];
      if (blossomparent[b] === -1 && label[b] === 1 && bestedge[b] === e && bi !== bj && label[bi] === 1 && label[bj] === 1 && slack(e) / 2 + clock === heap3.topKey()) break;
      heap3.pop();
    }
    if (heap3.size) {
      const e = heap3.topB();
      const ks = slack(e);
      if (ks % 2 !== 0) throw new Error('odd slack between S-blossoms (weights must be integers)');
      const d = ks / 2;
      if (d < delta) {
        delta = d;
        deltatype = 3;
        deltaedge = e;
      }
    }
    for (const b of tBlossoms) {
      const z = dual(b);
      if (z < delta) {
        delta = z;
        deltatype = 4;
        deltablossom = b;
      }
    }
    clock += delta;
    // Free vertices' duals reached zero: no augmentation can add weight any more.
    if (deltatype === 1) break;
    if (deltatype === 2) {
      allowedge[deltaedge] = 1;
      let i = ei[deltaedge];
      if (label[inblossom[i]] === 0) i = ej[deltaedge];
      queue.push(i);
    } else if (deltatype === 3) {
      allowedge[deltaedge] = 1;
      queue.push(ei[deltaedge]);
    } else expandBlossom(deltablossom, false);
  }
  for (let v = 0; v < nvertex; v++) if (mate[v] >= 0) mate[v] = endpoint[mate[v]];
  return mate;
}
