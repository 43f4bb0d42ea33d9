import { Injectable } from '@nestjs/common';
import { MunicipalityRepository } from '../municipality.repository';
import { BUNDLED_DIRECTORY_FILE, bundledSource, directoryFileStand, parseDirectoryFile, readDirectoryFile } from './bundled-directory.util';
import { DirectoryRecord, parseDestatis, readWorkbook } from './destatis-parser.util';

export interface ImportCounts {
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface BundledLoad extends ImportCounts {
  stand: string;
  attribution: string;
  ms: number;
}

const IMPORTED = 'destatis';

@Injectable()
export class DirectoryImportService {
  constructor(private readonly municipalities: MunicipalityRepository) {}

  /** Upserts all records in one transaction: a second run adds no rows, and any failure changes nothing. */
  async import(records: DirectoryRecord[], source = IMPORTED): Promise<ImportCounts> {
    const { inserted, updated } = await this.municipalities.transaction((m) => this.municipalities.upsert(m, records, source));
    return { total: records.length, inserted, updated, unchanged: records.length - inserted - updated };
  }

  /** Reads, parses and imports an extract; the file is parsed completely before the first write. */
  async importFile(file: string | Buffer): Promise<ImportCounts & { records: DirectoryRecord[] }> {
    const records = parseDestatis(await readWorkbook(file));
    return { ...(await this.import(records)), records };
  }

  /**
   * The start's step: loads the directory shipped with the code unless the table already holds an import or this
   * edition of the file (then it returns null and costs one query). Rows of the demo fixture or an older edition are
   * taken over. Check and load share one transaction and its manager only (the embedded database has one session).
   */
  loadBundledIfMissing(file = BUNDLED_DIRECTORY_FILE): Promise<BundledLoad | null> {
    const started = Date.now();
    const text = readDirectoryFile(file);
    const source = bundledSource(directoryFileStand(text));
    return this.municipalities.transaction(async (m) => {
      if (await this.municipalities.hasRowsFrom(m, [IMPORTED, source])) return null;
      const { stand, attribution, records } = parseDirectoryFile(text); // only now: a warm start needs just the header
      const { inserted, updated } = await this.municipalities.upsert(m, records, source);
      const total = records.length;
      return { total, inserted, updated, unchanged: total - inserted - updated, stand, attribution, ms: Date.now() - started };
    });
  }
}
