// Test oracle: the stage-by-stage port of van Rijn's mwmatching.py (rebuilds the alternating forest in
// every stage). The production version keeps the forest across augmentations; both must agree.
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
 * O(n^3), ported from Joris van Rijn's reference implementation (mwmatching.py, the one NetworkX
 * follows). Weights must be integers (callers scale), which keeps every dual variable an exact integer:
 * floating-point slack is how known ports came to loop forever. A step guard throws instead of looping.
 *
 * Input: vertices 0..n-1, edges [i, j, w]. Output: mate[v] = partner or -1.
 */
export function referenceMaxWeightMatching(nvertex: number, edgeList: ReadonlyArray<readonly [number, number, number]>): Int32Array {
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
    const qi = fill[ei[k]]++,
      qj = fill[ej[k]]++;
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
  const allowedge = new Uint8Array(nedge);
  const queue: number[] = [];
  let steps = 0;
  const stepLimit = 200 * (nvertex + nedge + 10) * (nvertex + 10);
  const guard = () => {
    if (++steps > stepLimit) throw new Error('maximum-weight matching exceeded its step bound (bug guard)');
  };

  const slack = (k: number) => dualvar[ei[k]] + dualvar[ej[k]] - 2 * ew[k];

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
    let w = w0,
      t = t0,
      p = p0;
    for (;;) {
      guard();
      const b = inblossom[w];
      label[w] = label[b] = t;
      labelend[w] = labelend[b] = p;
      bestedge[w] = bestedge[b] = -1;
      if (t === 1) {
        blossomLeaves(b, queue);
        return;
      }
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
    let v = v0,
      w = w0;
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
    let v = ei[k],
      w = ej[k];
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
    dualvar[b] = 0;
    for (const leaf of blossomLeaves(b)) {
      if (label[inblossom[leaf]] === 2) queue.push(leaf);
      inblossom[leaf] = b;
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
    bestedge[b] = be;
  };

  const expandBlossom = (b: number, endstage: boolean) => {
    const childs = blossomchilds[b]!;
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
    for (const [s0, p0] of [
      [ei[k], 2 * k + 1],
      [ej[k], 2 * k],
    ]) {
      let s = s0,
        p = p0;
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

  for (let stage = 0; stage < nvertex; stage++) {
    label.fill(0);
    bestedge.fill(-1);
    for (let b = nvertex; b < n2; b++) blossombestedges[b] = null;
    allowedge.fill(0);
    queue.length = 0;
    for (let v = 0; v < nvertex; v++) {
      if (mate[v] === -1 && label[inblossom[v]] === 0) assignLabel(v, 1, -1);
    }
    let augmented = false;
    for (;;) {
      while (queue.length && !augmented) {
        const v = queue.pop()!;
        const qEnd = nbStart[v + 1];
        // The guard counts this vertex's edges at once instead of one call per edge in the hottest loop.
        steps += qEnd - nbStart[v];
        guard();
        const dv = dualvar[v]; // duals change only between scans (delta step)
        for (let q = nbStart[v]; q < qEnd; q++) {
          const w = nbV[q];
          if (inblossom[v] === inblossom[w]) continue;
          const p = nbEnd[q];
          const k = p >> 1;
          let kslack = 0;
          if (!allowedge[k]) {
            kslack = dv + dualvar[w] - nbW2[q];
            if (kslack <= 0) allowedge[k] = 1;
          }
          if (allowedge[k]) {
            if (label[inblossom[w]] === 0) assignLabel(w, 2, p ^ 1);
            else if (label[inblossom[w]] === 1) {
              const base = scanBlossom(v, w);
              if (base >= 0) addBlossom(base, k);
              else {
                augmentMatching(k);
                augmented = true;
                break;
              }
            } else if (label[w] === 0) {
              label[w] = 2;
              labelend[w] = p ^ 1;
            }
          } else if (label[inblossom[w]] === 1) {
            const b = inblossom[v];
            if (bestedge[b] === -1 || kslack < slack(bestedge[b])) bestedge[b] = k;
          } else if (label[w] === 0) {
            if (bestedge[w] === -1 || kslack < slack(bestedge[w])) bestedge[w] = k;
          }
        }
      }
      if (augmented) break;

      // No augmenting path with tight edges: change the duals by the largest safe delta.
      let deltatype = 1;
      let delta = Infinity;
      let deltaedge = -1;
      let deltablossom = -1;
      for (let v = 0; v < nvertex; v++) if (dualvar[v] < delta) delta = dualvar[v];
      for (let v = 0; v < nvertex; v++) {
        if (label[inblossom[v]] === 0 && bestedge[v] !== -1) {
          const d = slack(bestedge[v]);
          if (d < delta) {
            delta = d;
            deltatype = 2;
            deltaedge = bestedge[v];
          }
        }
      }
      for (let b = 0; b < n2; b++) {
        if (blossomparent[b] === -1 && label[b] === 1 && bestedge[b] !== -1) {
          const ks = slack(bestedge[b]);
          if (ks % 2 !== 0) throw new Error('odd slack between S-blossoms (weights must be integers)');
          const d = ks / 2;
          if (d < delta) {
            delta = d;
            deltatype = 3;
            deltaedge = bestedge[b];
          }
        }
      }
      for (let b = nvertex; b < n2; b++) {
        if (blossombase[b] >= 0 && blossomparent[b] === -1 && label[b] === 2 && dualvar[b] < delta) {
          delta = dualvar[b];
          deltatype = 4;
          deltablossom = b;
        }
      }
      for (let v = 0; v < nvertex; v++) {
        const l = label[inblossom[v]];
        if (l === 1) dualvar[v] -= delta;
        else if (l === 2) dualvar[v] += delta;
      }
      for (let b = nvertex; b < n2; b++) {
        if (blossombase[b] >= 0 && blossomparent[b] === -1) {
          if (label[b] === 1) dualvar[b] += delta;
          else if (label[b] === 2) dualvar[b] -= delta;
        }
      }
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
    if (!augmented) break;
    for (let b = nvertex; b < n2; b++) {
      if (blossomparent[b] === -1 && blossombase[b] >= 0 && label[b] === 1 && dualvar[b] === 0) expandBlossom(b, true);
    }
  }
  for (let v = 0; v < nvertex; v++) if (mate[v] >= 0) mate[v] = endpoint[mate[v]];
  return mate;
}
