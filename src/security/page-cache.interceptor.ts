import {
  applyDecorators,
  CallHandler,
  ExecutionContext,
  Inject,
  Injectable,
  NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { from, Observable, of, switchMap } from 'rxjs';
import { DataVersionRepository } from '../database/data-version.repository';
import { issuedCsrfToken } from './csrf.middleware';
import { PageCache } from './page-cache';

const KEEP_AS = 'kt:page-cache';
/** A page rendered with @Res (the interceptor answers a hit itself), or a JSON read Nest replies to (via res.json). */
type KeepAs = 'page' | 'json';

/** What a kept API read hands Nest to reply with; the request's res.json sends the kept bytes in its place. */
const KEPT_JSON = Object.freeze({});

/** Folds ended backends' counter rows at most this often per process (one statement). */
const FOLD_EVERY_MS = 10 * 60_000;

/**
 * Reuses a signed-in GET's answer for the same session and URL while no write has committed (PageCache). Guards run
 * before it, so a kept answer is never shown to a request that may not see the page.
 */
@Injectable()
export class PageCacheInterceptor implements NestInterceptor {
  private foldedAt = 0;

  constructor(
    private readonly cache: PageCache,
    private readonly versions: DataVersionRepository,
    @Inject(Reflector) private readonly reflector: Reflector,
  ) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = ctx.switchToHttp().getRequest<Request>();
    const res = ctx.switchToHttp().getResponse<Response>();
    const keepAs = this.reflector.get<KeepAs>(KEEP_AS, ctx.getHandler());
    if (!this.cache.enabled || !keepAs || req.method !== 'GET' || !req.user || !req.sessionID) return next.handle();
    this.maybeFold();
    const key = PageCache.key(req.sessionID, req.originalUrl);
    return from(this.versions.current()).pipe(
      switchMap((version) => {
        const kept = this.cache.get(key, version, () => String(res.locals.csrfToken));
        if (kept && keepAs === 'json') {
          // Nest replies with res.json(value): for this request that sends the kept JSON instead of serializing anew.
          res.json = () => res.type(kept.type).send(kept.body);
          return of(KEPT_JSON);
        }
        if (kept) {
          res.status(200).type(kept.type).send(kept.body);
          return of(undefined);
        }
        this.captureBody(res, key, version);
        return next.handle();
      }),
    );
  }

  /** Keeps the answer the handler sends (a page's render and Nest's res.json both end in res.send), if a full 200. */
  private captureBody(res: Response, key: string, version: string): void {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      res.send = send;
      if (typeof body === 'string' && res.statusCode === 200) {
        const type = String(res.getHeader('content-type') ?? 'text/html; charset=utf-8');
        this.cache.put(key, version, body, type, issuedCsrfToken(res));
      }
      return send(body);
    };
  }

  private maybeFold(): void {
    const now = Date.now();
    if (now - this.foldedAt < FOLD_EVERY_MS) return;
    this.foldedAt = now;
    // A failed fold leaves the rows for the next one; the sum is right either way.
    this.versions.fold().catch(() => undefined);
  }
}

/** A signed-in page (rendered with @Res) whose HTML may be kept until the data changes. */
export const CachedPage = () => applyDecorators(SetMetadata(KEEP_AS, 'page' satisfies KeepAs), UseInterceptors(PageCacheInterceptor));
/** A signed-in JSON read whose answer may be kept until the data changes. */
export const CachedRead = () => applyDecorators(SetMetadata(KEEP_AS, 'json' satisfies KeepAs), UseInterceptors(PageCacheInterceptor));
