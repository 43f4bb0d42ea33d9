import { DataSource } from 'typeorm';
import { DirectoryRecord } from './destatis-parser.util';

export interface ImportCounts {
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

const COLS = ['ags', 'ars', 'name', 'name_raw', 'type_code', 'state_code', 'state_name', 'district_name', 'association_name',
  'association_type', 'association_population', 'population', 'area_km2', 'latitude', 'longitude', 'postcode', 'degurba'] as const;
const TYPES = ['char(8)', 'char(12)', 'varchar', 'varchar', 'smallint', 'char(2)', 'varchar', 'varchar', 'varchar',
  'smallint', 'integer', 'integer', 'numeric', 'float8', 'float8', 'varchar', 'smallint'];

/** Upserts all records in one transaction: a second run adds no rows, and any failure changes nothing. */
export async function importDirectory(ds: DataSource, records: DirectoryRecord[], source = 'destatis'): Promise<ImportCounts> {
  return ds.transaction(async (m) => {
    const before = Number((await m.query(`SELECT count(*) AS n FROM municipality`))[0].n);
    let changed = 0;
    for (let i = 0; i < records.length; i += 2000) {
      const chunk = records.slice(i, i + 2000);
      const arrays = [
        chunk.map((r) => r.ags), chunk.map((r) => r.ars), chunk.map((r) => r.name), chunk.map((r) => r.nameRaw), chunk.map((r) => r.typeCode),
        chunk.map((r) => r.stateCode), chunk.map((r) => r.stateName), chunk.map((r) => r.districtName), chunk.map((r) => r.associationName),
        chunk.map((r) => r.associationType), chunk.map((r) => r.associationPopulation), chunk.map((r) => r.population), chunk.map((r) => r.areaKm2),
        chunk.map((r) => r.latitude), chunk.map((r) => r.longitude), chunk.map((r) => r.postcode), chunk.map((r) => r.degurba),
      ];
      const unnest = TYPES.map((t, j) => `$${j + 1}::${t}[]`).join(', ');
      const updates = COLS.filter((c) => c !== 'ags').map((c) => `${c} = EXCLUDED.${c}`).join(', ');
      const differs = COLS.filter((c) => c !== 'ags').map((c) => `municipality.${c} IS DISTINCT FROM EXCLUDED.${c}`).join(' OR ');
      const res = await m.query(
        `INSERT INTO municipality (${COLS.join(', ')}, source)
         SELECT *, $${TYPES.length + 1} FROM unnest(${unnest})
         ON CONFLICT (ags) DO UPDATE SET ${updates}, source = EXCLUDED.source, updated_at = now()
         WHERE ${differs} OR municipality.source IS DISTINCT FROM EXCLUDED.source
         RETURNING ags`,
        [...arrays, source],
      );
      changed += res.length;
    }
    const after = Number((await m.query(`SELECT count(*) AS n FROM municipality`))[0].n);
    const inserted = after - before;
    return { total: records.length, inserted, updated: changed - inserted, unchanged: records.length - changed };
  });
}
