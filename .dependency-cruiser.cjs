// The import-boundary rule of issue 26: feature folders under src/ sit in layers, and a folder imports only folders of
// lower layers, so no two modules can depend on each other. `x/core` (pure logic, no Nest or TypeORM) is its own
// element and sits at the bottom, so any feature may use another's pure vocabulary (states, scores). Files directly
// in src/ (app.module, main, worker, launcher) wire everything and stay outside the rule. `npm run lint` runs it.
/** @type {string[][]} bottom first */
const LAYERS = [
  ['config', 'embedded', 'audit', 'matching/core', 'tandems/core'],
  ['common', 'queue', 'database', 'health'],
  ['security', 'auth', 'maps'],
  ['mail', 'municipalities'],
  ['accounts', 'matching', 'legal', 'practices'],
  ['tandems', 'workshops', 'commands', 'events'],
  ['admin', 'digests'],
];

const all = LAYERS.flat();
const hasCore = (m) => all.includes(`${m}/core`);
/** The files of an element: `matching/core` is its folder; `matching` is its folder without core/. */
const pathOf = (m) => (m.endsWith('/core') || !hasCore(m) ? `^src/${m}/` : `^src/${m}/(?!core/)`);

const forbidden = LAYERS.flatMap((layer, i) =>
  layer.map((m) => {
    const notBelow = LAYERS.slice(i)
      .flat()
      .filter((o) => o !== m);
    return {
      name: `layer-${m.replace('/', '-')}`,
      comment: `src/${m} (layer ${i}) may import only lower layers; not ${notBelow.join(', ')}.`,
      severity: 'error',
      from: { path: pathOf(m) },
      to: {
        path: notBelow
          .map(pathOf)
          .map((p) => `(${p})`)
          .join('|'),
      },
    };
  }),
);

forbidden.push({
  name: 'unlayered-folder',
  comment: 'Every folder under src/ needs a place in LAYERS (.dependency-cruiser.cjs).',
  severity: 'error',
  from: { path: `^src/(?!(${all.map((m) => m.split('/')[0]).join('|')})/)[^/]+/` },
  to: {},
});

module.exports = {
  forbidden,
  options: {
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|node_modules)/' },
  },
};
