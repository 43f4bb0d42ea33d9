import type { Client } from 'pg';

/**
 * A plain-SQL dump (the format `pg_dump --format=plain --no-owner --no-privileges` writes: DDL, COPY … FROM stdin,
 * setval, then constraints, indexes, triggers), read from the catalogue through an ordinary connection.
 *
 * Why not pg_dump itself: PGlite 0.5.14 is PostgreSQL 18 and pg_dump refuses servers newer than itself (Debian 12
 * ships 15); and pg_dump sets session settings (search_path '') that would leak into PGlite's ONE shared session
 * and break the running service. Here everything runs in one REPEATABLE READ transaction with SET LOCAL only.
 *
 * It covers what migrations create (schemas, extensions, enums, sequences, tables with defaults/identity/stored
 * generated columns, constraints, indexes, views, functions, triggers) and refuses, naming it, anything else, so a
 * dump is never silently incomplete.
 */
export interface SqlDumpOptions {
  /** Schemas left out on purpose (BullMQ's queue tables: queue state is not carried). */
  excludeSchemas: string[];
  /** Statements appended after the data (e.g. handing pending work back to the sweepers). */
  epilogue?: string[];
  header?: string[];
}

export interface SqlDumpResult {
  tables: number;
  rows: number;
  serverVersion: string;
}

type Write = (chunk: string) => Promise<void> | void;

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const qname = (schema: string, name: string) => `${ident(schema)}.${ident(name)}`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** COPY text format: backslash, tab, newline and carriage return escaped; NULL is \N. */
export function copyField(v: string | null): string {
  if (v === null) return '\\N';
  return v.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

export async function writeSqlDump(client: Client, write: Write, opts: SqlDumpOptions): Promise<SqlDumpResult> {
  const q = async <T>(sql: string, params: unknown[] = []): Promise<T[]> => (await client.query(sql, params)).rows as T[];
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    // Output formats independent of the session: ISO dates, UTC, exact floats, hex bytea; an empty search_path makes
    // pg_get_expr/format_type/pg_get_*def qualify every name (as pg_dump does). LOCAL: gone at COMMIT or ROLLBACK.
    await client.query(`SET LOCAL search_path = ''; SET LOCAL DateStyle = 'ISO, YMD'; SET LOCAL TimeZone = 'UTC'; SET LOCAL extra_float_digits = 3;
      SET LOCAL IntervalStyle = 'postgres'; SET LOCAL bytea_output = 'hex'`);
    const [{ server_version: serverVersion }] = await q<{ server_version: string }>('SHOW server_version');
    const excluded = ['pg_catalog', 'information_schema', 'pg_toast', ...opts.excludeSchemas];
    const schemas = (
      await q<{ nspname: string }>(
        `SELECT nspname FROM pg_namespace WHERE NOT (nspname = ANY($1)) AND nspname NOT LIKE 'pg\\_%' ORDER BY nspname`,
        [excluded],
      )
    ).map((r) => r.nspname);
    const inDump = `n.nspname = ANY($1::text[])`;
    // Objects that belong to an extension are created by CREATE EXTENSION, not dumped one by one.
    const notFromExtension = (classOid: string, col: string) =>
      `NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = '${classOid}'::regclass AND d.objid = ${col} AND d.deptype = 'e')`;

    await refuseUnsupported(q, schemas);

    await write(
      [
        ...(opts.header ?? []).map((l) => `-- ${l}`),
        `-- Source: PostgreSQL ${serverVersion}. Plain SQL; restore with: psql -v ON_ERROR_STOP=1 -f <file> <database URL>`,
        '',
        'SET statement_timeout = 0;',
        'SET lock_timeout = 0;',
        "SET client_encoding = 'UTF8';",
        'SET standard_conforming_strings = on;',
        "SELECT pg_catalog.set_config('search_path', '', false);",
        'SET check_function_bodies = false;',
        'SET client_min_messages = warning;',
        '',
        'BEGIN;',
        '',
      ].join('\n') + '\n',
    );

    for (const s of schemas) if (s !== 'public') await write(`CREATE SCHEMA IF NOT EXISTS ${ident(s)};\n`);
    for (const e of await q<{ extname: string; nspname: string }>(
      `SELECT e.extname, n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname <> 'plpgsql' ORDER BY e.extname`,
    )) {
      await write(`CREATE EXTENSION IF NOT EXISTS ${ident(e.extname)} WITH SCHEMA ${ident(e.nspname)};\n`);
    }

    for (const t of await q<{ nspname: string; typname: string; labels: string[] }>(
      `SELECT n.nspname, t.typname, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS labels
       FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
       WHERE ${inDump} AND ${notFromExtension('pg_type', 't.oid')} GROUP BY n.nspname, t.typname, t.oid ORDER BY t.oid`,
      [schemas],
    )) {
      await write(`CREATE TYPE ${qname(t.nspname, t.typname)} AS ENUM (${t.labels.map(literal).join(', ')});\n`);
    }

    for (const f of await q<{ def: string }>(
      `SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
       WHERE ${inDump} AND ${notFromExtension('pg_proc', 'p.oid')} ORDER BY p.oid`,
      [schemas],
    )) {
      await write(`${f.def.trim()};\n`);
    }

    // Sequences of serial columns and standalone ones; identity sequences come with their column.
    const sequences = await q<{
      nspname: string;
      relname: string;
      type: string;
      start: string;
      inc: string;
      min: string;
      max: string;
      cache: string;
      cycle: boolean;
      owner: string | null;
    }>(
      `SELECT n.nspname, c.relname, format_type(s.seqtypid, NULL) AS type, s.seqstart AS start, s.seqincrement AS inc,
              s.seqmin AS min, s.seqmax AS max, s.seqcache AS cache, s.seqcycle AS cycle,
              (SELECT quote_ident(tn.nspname) || '.' || quote_ident(tc.relname) || '.' || quote_ident(a.attname)
               FROM pg_depend d JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace
               JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
               WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a') AS owner
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace JOIN pg_sequence s ON s.seqrelid = c.oid
       WHERE c.relkind = 'S' AND ${inDump}
         AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype IN ('i', 'e'))
       ORDER BY c.oid`,
      [schemas],
    );
    for (const s of sequences) {
      await write(
        `CREATE SEQUENCE ${qname(s.nspname, s.relname)} AS ${s.type} START WITH ${s.start} INCREMENT BY ${s.inc} MINVALUE ${s.min} MAXVALUE ${s.max} CACHE ${s.cache}${s.cycle ? ' CYCLE' : ''};\n`,
      );
    }

    const tables = await q<{ oid: number; nspname: string; relname: string }>(
      `SELECT c.oid, n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'r' AND ${inDump} AND ${notFromExtension('pg_class', 'c.oid')} ORDER BY c.oid`,
      [schemas],
    );
    const columnsOf = new Map<number, { name: string; generated: boolean }[]>();
    const identities: { table: string; column: string }[] = [];
    for (const t of tables) {
      const cols = await q<{
        attname: string;
        type: string;
        notnull: boolean;
        identity: string;
        generated: string;
        def: string | null;
        collation: string | null;
      }>(
        `SELECT a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS notnull, a.attidentity AS identity,
                a.attgenerated AS generated, pg_get_expr(ad.adbin, ad.adrelid) AS def,
                CASE WHEN a.attcollation <> ty.typcollation THEN (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname)
                  FROM pg_collation co JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = a.attcollation) END AS collation
         FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
         WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
        [t.oid],
      );
      const lines = cols.map((c) => {
        let line = `    ${ident(c.attname)} ${c.type}`;
        if (c.collation) line += ` COLLATE ${c.collation}`;
        if (c.generated === 's') line += ` GENERATED ALWAYS AS (${c.def}) STORED`;
        else if (c.identity) {
          line += ` GENERATED ${c.identity === 'a' ? 'ALWAYS' : 'BY DEFAULT'} AS IDENTITY`;
          identities.push({ table: qname(t.nspname, t.relname), column: c.attname });
        } else if (c.def !== null) line += ` DEFAULT ${c.def}`;
        if (c.notnull) line += ' NOT NULL';
        return line;
      });
      await write(`\nCREATE TABLE ${qname(t.nspname, t.relname)} (\n${lines.join(',\n')}\n);\n`);
      columnsOf.set(
        t.oid,
        cols.map((c) => ({ name: c.attname, generated: c.generated !== '' })),
      );
    }
    for (const s of sequences) if (s.owner) await write(`ALTER SEQUENCE ${qname(s.nspname, s.relname)} OWNED BY ${s.owner};\n`);

    // Data, COPY text format (what pg_dump writes by default): each value through its type's output function.
    let rows = 0;
    for (const t of tables) {
      const cols = columnsOf.get(t.oid)!.filter((c) => !c.generated);
      if (!cols.length) continue;
      const data = await client.query({
        text: `SELECT ${cols.map((c) => `${ident(c.name)}::text`).join(', ')} FROM ${qname(t.nspname, t.relname)}`,
        rowMode: 'array',
      });
      await write(`\nCOPY ${qname(t.nspname, t.relname)} (${cols.map((c) => ident(c.name)).join(', ')}) FROM stdin;\n`);
      let chunk = '';
      for (const r of data.rows as (string | null)[][]) {
        chunk += `${r.map(copyField).join('\t')}\n`;
        if (chunk.length > 1 << 16) {
          await write(chunk);
          chunk = '';
        }
      }
      await write(`${chunk}\\.\n`);
      rows += data.rows.length;
    }

    await write('\n');
    for (const s of sequences) {
      const [v] = await q<{ last_value: string; is_called: boolean }>(
        `SELECT last_value::text, is_called FROM ${qname(s.nspname, s.relname)}`,
      );
      await write(`SELECT pg_catalog.setval(${literal(qname(s.nspname, s.relname))}, ${v.last_value}, ${v.is_called});\n`);
    }
    for (const i of identities) {
      const [seq] = await q<{ seq: string }>(`SELECT pg_get_serial_sequence($1, $2) AS seq`, [i.table, i.column]);
      const [v] = await q<{ last_value: string; is_called: boolean }>(`SELECT last_value::text, is_called FROM ${seq.seq}`);
      await write(
        `SELECT pg_catalog.setval(pg_get_serial_sequence(${literal(i.table)}, ${literal(i.column)}), ${v.last_value}, ${v.is_called});\n`,
      );
    }

    // Constraints after the data (faster, and foreign keys need their targets' keys): keys and checks first.
    const constraints = await q<{ nspname: string; relname: string; conname: string; def: string }>(
      `SELECT n.nspname, c.relname, k.conname, pg_get_constraintdef(k.oid) AS def
       FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE ${inDump} AND c.relkind = 'r' AND k.contype IN ('p', 'u', 'x', 'c', 'f')
       ORDER BY (k.contype = 'f'), k.oid`,
      [schemas],
    );
    await write('\n');
    for (const k of constraints) {
      await write(`ALTER TABLE ONLY ${qname(k.nspname, k.relname)} ADD CONSTRAINT ${ident(k.conname)} ${k.def};\n`);
    }
    for (const i of await q<{ def: string }>(
      `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE ${inDump} AND c.relkind = 'r' AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.contype IN ('p', 'u', 'x'))
       ORDER BY i.indexrelid`,
      [schemas],
    )) {
      await write(`${i.def};\n`);
    }
    for (const v of await q<{ nspname: string; relname: string; def: string }>(
      `SELECT n.nspname, c.relname, pg_get_viewdef(c.oid) AS def FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind = 'v' AND ${inDump} AND ${notFromExtension('pg_class', 'c.oid')} ORDER BY c.oid`,
      [schemas],
    )) {
      await write(`CREATE VIEW ${qname(v.nspname, v.relname)} AS\n${v.def.trim().replace(/;$/, '')};\n`);
    }
    for (const t of await q<{ def: string }>(
      `SELECT pg_get_triggerdef(tg.oid) AS def FROM pg_trigger tg JOIN pg_class c ON c.oid = tg.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE ${inDump} AND NOT tg.tgisinternal ORDER BY tg.oid`,
      [schemas],
    )) {
      await write(`${t.def};\n`);
    }

    if (opts.epilogue?.length) await write(`\n${opts.epilogue.join('\n')}\n`);
    await write('\nCOMMIT;\n');
    await client.query('COMMIT');
    return { tables: tables.length, rows, serverVersion };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/** Kinds of objects this writer does not reproduce: refuse rather than write a dump that silently lacks them. */
async function refuseUnsupported(q: <T>(sql: string, params?: unknown[]) => Promise<T[]>, schemas: string[]): Promise<void> {
  const found = await q<{ what: string }>(
    `SELECT 'table ' || n.nspname || '.' || c.relname || ' (' || CASE c.relkind WHEN 'm' THEN 'materialized view' WHEN 'p' THEN 'partitioned table'
              WHEN 'f' THEN 'foreign table' ELSE c.relkind::text END || ')' AS what
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1::text[]) AND c.relkind IN ('m', 'p', 'f')
     UNION ALL SELECT 'inheritance on ' || c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1::text[])
     UNION ALL SELECT 'virtual generated column ' || c.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ANY($1::text[]) AND a.attgenerated NOT IN ('', 's') AND NOT a.attisdropped
     UNION ALL SELECT 'type ' || t.typname || ' (' || t.typtype::text || ')' FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
       WHERE n.nspname = ANY($1::text[]) AND t.typtype IN ('d', 'r', 'm')
       AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e')
     UNION ALL SELECT 'composite type ' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
       WHERE n.nspname = ANY($1::text[]) AND c.relkind = 'c'
     UNION ALL SELECT 'aggregate ' || p.proname FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = ANY($1::text[]) AND p.prokind IN ('a', 'w')
     UNION ALL SELECT 'rule ' || r.rulename FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = ANY($1::text[]) AND c.relkind = 'r'
     UNION ALL SELECT 'row-level security on ' || c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ANY($1::text[]) AND c.relrowsecurity
     UNION ALL SELECT 'constraint trigger ' || k.conname FROM pg_constraint k JOIN pg_namespace n ON n.oid = k.connamespace WHERE n.nspname = ANY($1::text[]) AND k.contype = 't'`,
    [schemas],
  );
  if (found.length) {
    throw new Error(
      `The dump does not yet cover: ${found.map((f) => f.what).join(', ')}. Extend src/embedded/sql-dump.ts before relying on it.`,
    );
  }
}
