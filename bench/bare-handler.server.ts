import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import cluster from 'node:cluster';
import { readFileSync } from 'node:fs';
import { Pool } from 'pg';

// The baseline of bench/http.bench.ts: a bare Nest handler (no session, no database, no logging) that returns
// the same JSON the suggestions API answered, so every route is measured against what HTTP + Nest cost alone.
// /bare-db does the same after one trivial PostgreSQL round trip (a pool of 10, as the app's): the floor of any
// route that reads the database at all, reported beside the routes to show what one round trip costs here.
// BARE_PROCESSES handlers share the port through node:cluster, as the launcher runs the web processes, so the bare
// handler's own scaling from 1 to n processes is measured the same way as the service's (one for each: the primary
// handing out the connections costs the same on both sides).
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

if (cluster.isPrimary) {
  for (let i = 0; i < Number(process.env.BARE_PROCESSES ?? 1); i++) cluster.fork();
  cluster.on('exit', (w, code, signal) => {
    console.error(`bare handler process ${w.process.pid} stopped (${signal ?? code})`);
    process.exit(1);
  });
  process.on('SIGTERM', () => {
    cluster.removeAllListeners('exit');
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
    process.exit(0);
  });
} else {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
