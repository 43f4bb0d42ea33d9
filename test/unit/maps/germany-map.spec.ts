import { SaxesParser } from 'saxes';
import {
  escapeXml,
  germanyMapBaseAt,
  germanyMapBasePath,
  germanyMapHeight,
  germanyStateShapes,
  MapPoint,
  projectToMap,
  renderGermanyMap,
} from '../../../src/maps/germany-map.util';

interface El {
  name: string;
  attributes: Record<string, string>;
  children: El[];
  text: string;
}

/** Strict XML parse (throws on any well-formedness error) into a small element tree. */
function parseXml(xml: string): El {
  const parser = new SaxesParser({ xmlns: false });
  const root: El = { name: '#root', attributes: {}, children: [], text: '' };
  const stack: El[] = [root];
  parser.on('error', (e) => {
    throw e;
  });
  parser.on('opentag', (tag) => {
    const el: El = { name: tag.name, attributes: tag.attributes, children: [], text: '' };
    stack[stack.length - 1].children.push(el);
    stack.push(el);
  });
  parser.on('closetag', () => void stack.pop());
  parser.on('text', (t) => {
    for (const el of stack) el.text += t;
  });
  parser.write(xml).close();
  return root.children[0];
}

const all = (el: El, pred: (e: El) => boolean): El[] => [...(pred(el) ? [el] : []), ...el.children.flatMap((c) => all(c, pred))];
const byClass = (el: El, cls: string): El => all(el, (e) => e.attributes.class === cls)[0];

function pointInRing([x, y]: [number, number], ring: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
function stateAt(x: number, y: number): string[] {
  return germanyStateShapes()
    .filter((s) => s.polygons.some(([outer, ...holes]) => pointInRing([x, y], outer) && !holes.some((h) => pointInRing([x, y], h))))
    .map((s) => s.name);
}

/** Deterministic pseudo-random points inside Germany's box. */
function manyPoints(n: number, labelled: number): MapPoint[] {
  let seed = 42;
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  return Array.from({ length: n }, (_, i) => ({
    latitude: 47.6 + rnd() * 7,
    longitude: 6.2 + rnd() * 8.5,
    label: i < labelled ? `Ort ${i + 1}` : undefined,
    groupKey: `g${i % 4}`,
  }));
}

describe('renderGermanyMap', () => {
  const groups = [
    { key: 'nord', label: 'Gruppe Nord' },
    { key: 'sued', label: 'Gruppe Süd & Ost' },
  ];
  const basicInput = {
    title: 'Mitgliedsorte',
    description: 'Drei Orte.',
    idPrefix: 'm1',
    groups,
    points: [
      { latitude: 53.55, longitude: 9.99, label: 'Hamburg', groupKey: 'nord' },
      { latitude: 48.14, longitude: 11.58, label: 'München <script>alert(1)</script>', groupKey: 'sued', emphasis: true },
      { latitude: 52.52, longitude: 13.405, label: 'Berlin', groupKey: 'sued' },
      { latitude: 48.85, longitude: 2.35, label: 'Paris' },
    ],
  };
  const basic = renderGermanyMap(basicInput);

  it('is well-formed XML with role=img, title and desc referenced by aria-labelledby, and a viewBox that scales', () => {
    const svg = parseXml(basic);
    expect(svg.name).toBe('svg');
    expect(svg.attributes.role).toBe('img');
    expect(svg.attributes['aria-labelledby']).toBe('m1-title m1-desc');
    expect(all(svg, (e) => e.name === 'title' && e.attributes.id === 'm1-title')[0].text).toBe('Mitgliedsorte');
    const desc = all(svg, (e) => e.name === 'desc')[0];
    expect(desc.attributes.id).toBe('m1-desc');
    expect(desc.text).toContain('Drei Orte.');
    expect(desc.text).toContain('Ein Ort ohne Koordinaten in Deutschland ist nicht eingezeichnet.');
    expect(desc.text).toContain('Natural Earth');
    expect(desc.text).toContain('Zeichen: Gruppe Nord: Kreis; Gruppe Süd & Ost: Quadrat.');
    expect(svg.attributes.viewBox).toMatch(/^0 0 600 \d+$/);
    expect(svg.attributes.style).toContain('width:100%');
    expect(svg.attributes.style).toContain('height:auto');
  });

  it('draws the 16 Länder, each with its German name, and labels them (abbreviated for the small ones)', () => {
    const svg = parseXml(basic);
    const shapes = byClass(svg, 'states').children;
    expect(shapes).toHaveLength(16);
    expect(shapes.map((s) => s.children[0].text).sort()).toEqual(
      [
        'Baden-Württemberg',
        'Bayern',
        'Berlin',
        'Brandenburg',
        'Bremen',
        'Hamburg',
        'Hessen',
        'Mecklenburg-Vorpommern',
        'Niedersachsen',
        'Nordrhein-Westfalen',
        'Rheinland-Pfalz',
        'Saarland',
        'Sachsen',
        'Sachsen-Anhalt',
        'Schleswig-Holstein',
        'Thüringen',
      ].sort(),
    );
    for (const s of shapes) expect(s.attributes.d).toMatch(/^M[\d.]+ [\d.]+l/);
    const stateLabels = byClass(svg, 'state-labels').children.map((t) => t.children.map((c) => c.text).join(''));
    expect(stateLabels).toHaveLength(16);
    expect(stateLabels).toEqual(expect.arrayContaining(['Bayern', 'HB', 'HH', 'BE', 'SL', 'Nordrhein-Westfalen', 'Thüringen']));
  });

  it('projects Berlin into Berlin, Potsdam into Brandenburg, Munich south of Hamburg, Cologne west of Dresden', () => {
    const berlin = projectToMap(52.52, 13.405);
    expect(stateAt(berlin.x, berlin.y)).toEqual(['Berlin']);
    const potsdam = projectToMap(52.39, 13.06);
    expect(stateAt(potsdam.x, potsdam.y)).toEqual(['Brandenburg']);
    expect(stateAt(projectToMap(48.14, 11.58).x, projectToMap(48.14, 11.58).y)).toEqual(['Bayern']);
    expect(stateAt(projectToMap(50.94, 6.96).x, projectToMap(50.94, 6.96).y)).toEqual(['Nordrhein-Westfalen']);
    expect(projectToMap(48.14, 11.58).y).toBeGreaterThan(projectToMap(53.55, 9.99).y + 300);
    expect(projectToMap(50.94, 6.96).x).toBeLessThan(projectToMap(51.05, 13.74).x - 300);
    const b = projectToMap(47.27, 10.18); // southernmost point, Haldenwanger Eck
    expect(b.y).toBeLessThanOrEqual(germanyMapHeight());
    expect(b.y).toBeGreaterThan(germanyMapHeight() - 30);
  });

  it('escapes label text (a <script> in a label stays text) and drops characters XML forbids', () => {
    expect(basic).not.toContain('<script>');
    expect(basic).toContain('München &lt;script&gt;alert(1)&lt;/script&gt;');
    const svg = parseXml(basic);
    const labels = byClass(svg, 'labels').children.map((t) => t.text);
    expect(labels).toEqual(expect.arrayContaining(['Hamburg', 'Berlin', 'München <script>alert(1)</script>']));
    expect(labels).not.toContain('Paris');
    expect(escapeXml('a"b\'c&d\u0001e')).toBe('a&quot;b&#39;c&amp;de');
    expect(() =>
      parseXml(
        renderGermanyMap({ title: 'T\u0000<', description: '"&\uFFFF', points: [{ latitude: 50, longitude: 10, label: '\u0007x]]>' }] }),
      ),
    ).not.toThrow();
  });

  it('shows each used group in the legend with its own shape and colour, and nothing for unused groups', () => {
    const svg = parseXml(renderGermanyMap({ ...basicInput, groups: [...groups, { key: 'leer', label: 'Ohne Orte' }] }));
    const legend = byClass(svg, 'legend');
    const texts = legend.children.filter((c) => c.name === 'text').map((t) => t.text);
    expect(texts).toEqual(['Legende', 'Gruppe Nord', 'Gruppe Süd & Ost']);
    const swatches = legend.children.filter((c) => c.name === 'path');
    expect(swatches).toHaveLength(2);
    expect(swatches[0].attributes.fill).not.toBe(swatches[1].attributes.fill);
    expect(swatches[0].attributes.d.includes('a')).not.toBe(swatches[1].attributes.d.includes('a')); // circle vs square
  });

  it('puts labels that find no room in the legend by number instead of drawing them over each other', () => {
    // 12 towns on nearly one spot: not all labels fit around it.
    const points = Array.from({ length: 12 }, (_, i) => ({
      latitude: 51 + i * 0.005,
      longitude: 10 + i * 0.005,
      label: `Kleinstadt ${i + 1}`,
    }));
    const svg = parseXml(renderGermanyMap({ title: 'T', description: 'D', points }));
    const onMap = byClass(svg, 'labels').children.filter((t) => t.text.startsWith('Kleinstadt'));
    const legendLines = byClass(svg, 'legend').children.map((t) => t.text);
    expect(onMap.length).toBeGreaterThan(2);
    expect(onMap.length).toBeLessThan(12);
    expect(legendLines[0]).toBe('Orte ohne Beschriftung auf der Karte');
    expect(legendLines.length - 1 + onMap.length).toBe(12);
  });

  it('labels only emphasised points when labelAll is false', () => {
    const svg = parseXml(
      renderGermanyMap({
        title: 'T',
        description: 'D',
        labelAll: false,
        points: [
          { latitude: 50, longitude: 8, label: 'Leise' },
          { latitude: 52, longitude: 12, label: 'Laut', emphasis: true },
        ],
      }),
    );
    expect(byClass(svg, 'labels').children.map((t) => t.text)).toEqual(['Laut']);
  });

  it('is deterministic, and stays under 150 kB with 2,000 points of which 150 are labelled', () => {
    const input = {
      title: 'Viele',
      description: 'Viele Orte.',
      points: manyPoints(2000, 150),
      groups: [0, 1, 2, 3].map((i) => ({ key: `g${i}`, label: `G${i}` })),
    };
    const a = renderGermanyMap(input);
    // Drawn anew (the last 8 maps are kept by their input, so 8 others push this one out first): the same SVG.
    for (let k = 0; k < 8; k++) renderGermanyMap({ title: `Andere ${k}`, description: 'D', points: [] });
    expect(renderGermanyMap(structuredClone(input))).toBe(a);
    // A kept map is only returned for the same input: another title gives another SVG.
    expect(renderGermanyMap({ ...input, title: 'Viele, anders' })).not.toBe(a);
    expect(() => parseXml(a)).not.toThrow();
    const bytes = Buffer.byteLength(a);
    const empty = Buffer.byteLength(renderGermanyMap({ title: 'Leer', description: 'Leer.', points: [] }));
    // Figures for the README: printed once per run.
    console.log(`germany map: empty ${empty} B, 2000 points/150 labels ${bytes} B`);
    expect(empty).toBeLessThan(70_000);
    expect(bytes).toBeLessThan(150_000);
  });

  it('uses the width for the viewBox and keeps the ids apart by prefix', () => {
    const svg = parseXml(renderGermanyMap({ title: 'T', description: 'D', points: [], width: 400, idPrefix: 'karte 2' }));
    expect(svg.attributes.viewBox).toMatch(/^0 0 400 /);
    expect(svg.attributes['aria-labelledby']).toBe('karte-2-title karte-2-desc');
  });

  it('links the Länder as the base map at the default width: the page keeps only its own layers, the base is one document', () => {
    const linked = renderGermanyMap({ ...basicInput, linkBase: true });
    const svg = parseXml(linked);
    const image = all(svg, (e) => e.name === 'image');
    expect(image).toHaveLength(1);
    expect(image[0].attributes).toMatchObject({ class: 'base', href: germanyMapBasePath(600), width: '600' });
    expect(all(svg, (e) => ['states', 'state-labels', 'border'].includes(e.attributes.class))).toHaveLength(0);
    // What the page draws itself is the same as in the self-contained map (labels avoid the Länder names all the same).
    const inline = parseXml(basic);
    for (const layer of ['markers', 'labels', 'legend']) expect(byClass(svg, layer)).toEqual(byClass(inline, layer));
    expect(Buffer.byteLength(basic) - Buffer.byteLength(linked)).toBeGreaterThan(40_000);

    // The base document: well-formed, the 16 Länder with their names and labels, exactly as the inline map draws them.
    const base = germanyMapBaseAt(germanyMapBasePath(600))!;
    const doc = parseXml(base);
    expect(doc.attributes.viewBox).toBe(`0 0 600 ${germanyMapHeight(600)}`);
    for (const layer of ['states', 'state-labels', 'border']) expect(byClass(doc, layer)).toEqual(byClass(inline, layer));
    // Another hash, another width or anything else under the prefix names no drawing.
    const path = germanyMapBasePath(600);
    expect(germanyMapBaseAt(path.replace(/-[0-9a-f]{8}\.svg$/, '-00000000.svg'))).toBeNull();
    expect(germanyMapBaseAt(path.replace('-600-', '-601-'))).toBeNull();
    expect(germanyMapBaseAt('/karten/../package.json')).toBeNull();
    // At another width the base stays inline (only the default width has an address).
    const narrow = parseXml(renderGermanyMap({ ...basicInput, width: 400, linkBase: true }));
    expect(all(narrow, (e) => e.name === 'image')).toHaveLength(0);
    expect(byClass(narrow, 'states').children).toHaveLength(16);
  });
});
