import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { readFileSync } from 'node:fs';
import { Pool } from 'pg';

// The baseline of bench/http.bench.ts: a bare Nest handler (no session, no database, no logging) that returns
// the same JSON the suggestions API answered, so every route is measured against what HTTP + Nest cost alone.
// /bare-db does the same after one trivial PostgreSQL round trip (a pool of 10, as the app's): the floor of any
// route that reads the database at all, reported beside the routes to show what one round trip costs here.
const body: unknown = JSON.parse(readFileSync(process.env.BARE_JSON_FILE!, 'utf8'));
const pool = process.env.DATABASE_URL ? new Pool({ connectionString: process.env.DATABASE_URL, max: 10 }) : null;

@Controller()
class BareController {
  @Get('bare')
  bare() {
    return body;
  }

  @Get('bare-db')
  async bareDb() {
    await pool!.query('SELECT 1');
    return body;
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function main() {
  const app = await NestFactory.create<NestExpressApplication>(BareModule, { logger: ['error'] });
  await app.listen(Number(process.env.PORT), '127.0.0.1');
  console.log('bare handler listening');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
