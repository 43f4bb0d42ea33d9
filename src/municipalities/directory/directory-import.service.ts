import { Injectable } from '@nestjs/common';
import { MunicipalityRepository } from '../municipality.repository';
import { DirectoryRecord, parseDestatis, readWorkbook } from './destatis-parser.util';

export interface ImportCounts {
  total: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

@Injectable()
export class DirectoryImportService {
  constructor(private readonly municipalities: MunicipalityRepository) {}

  /** Upserts all records in one transaction: a second run adds no rows, and any failure changes nothing. */
  async import(records: DirectoryRecord[], source = 'destatis'): Promise<ImportCounts> {
    const { inserted, updated } = await this.municipalities.transaction((m) => this.municipalities.upsert(m, records, source, 'update'));
    return { total: records.length, inserted, updated, unchanged: records.length - inserted - updated };
  }

  /** Reads, parses and imports an extract; the file is parsed completely before the first write. */
  async importFile(file: string | Buffer): Promise<ImportCounts & { records: DirectoryRecord[] }> {
    const records = parseDestatis(await readWorkbook(file));
    return { ...(await this.import(records)), records };
  }
}
